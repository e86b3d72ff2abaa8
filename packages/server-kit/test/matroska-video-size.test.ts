/**
 * @module A Matroska/WebM upload's frames counted from its blocks (real files made by the system's ffmpeg, and edits
 * of them ffmpeg cannot be asked for), checked against what ffprobe finds: the same frame size, as many frames as
 * `-count_packets`, and a duration that covers the packets'. A file cut short counts its whole blocks, never more;
 * figures that contradict the file give nothing, or with `strict` a VideoIndexError saying why.
 */
import { describe, expect, it } from "vitest";
import {
  MATROSKA_CONTAINER,
  MAX_MATROSKA_ELEMENTS,
  matroskaVideoSize,
  VideoIndexError,
  videoContainer,
} from "../src/index.js";
import { blockGroups, ffprobeVideo, laced, matroska, unknownClusters } from "./matroska-files.js";

const VP8 = ["-c:v", "libvpx", "-deadline", "realtime"];
const VP9 = ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"];
const AV1 = ["-c:v", "libaom-av1", "-cpu-used", "8"];
const H264 = ["-c:v", "libx264", "-preset", "medium", "-bf", "3"];
const OPUS = ["-c:a", "libopus"];

/** `bytes` read (strict) and probed: the figures must be ffprobe's, the duration within a frame of its packets'. */
async function expectProbed(bytes: Uint8Array<ArrayBuffer>, frames: number, size = { width: 64, height: 48 }) {
  const probe = await ffprobeVideo(bytes);
  const measured = await matroskaVideoSize(new Blob([bytes]), { strict: true });
  expect({ ...size, packets: frames }).toEqual({ width: probe.width, height: probe.height, packets: probe.packets });
  expect(measured).toMatchObject({ ...size, frames });
  // ffmpeg rounds each packet's 41.67 ms to 41 ms; the blocks' span keeps the track's DefaultDuration.
  expect(measured!.seconds! - probe.seconds).toBeGreaterThanOrEqual(0);
  expect(measured!.seconds! - probe.seconds).toBeLessThan(1 / 24);
  return measured!;
}

describe("matroskaVideoSize", () => {
  it("counts VP8, VP9 and AV1 WebM and H.264 (B-frames) MKV, with and without audio, as ffprobe counts packets", async () => {
    const files = [
      ["webm", VP8, undefined],
      ["webm", VP8, OPUS],
      ["webm", VP9, ["-c:a", "libvorbis"]],
      ["webm", AV1, undefined],
      ["matroska", H264, undefined],
      ["matroska", H264, ["-c:a", "aac"]],
    ] as const;
    for (const [format, codec, audio] of files) {
      const bytes = await matroska(format, [...codec], audio ? { audio: [...audio] } : {});
      expect(await videoContainer(new Blob([bytes]))).toBe(MATROSKA_CONTAINER);
      const size = await expectProbed(bytes, 12);
      expect(size.seconds).toBeCloseTo(0.5, 3);
    }
  });

  it("counts a live WebM written to a pipe, its Segment and then its Clusters of unknown size, by its blocks alone", async () => {
    const live = await matroska("webm", VP8, {
      seconds: 2,
      audio: OPUS,
      pipe: true,
      extra: ["-live", "1", "-cluster_size_limit", "2000", "-cluster_time_limit", "100"],
    });
    // The Segment's size is unknown (01 FF FF FF FF FF FF FF after its ID at byte 36), and no Cues are written.
    expect(Buffer.from(live.subarray(36, 48)).toString("hex")).toBe("1853806701ffffffffffffff");
    expect(Buffer.from(live).indexOf(Buffer.from("1c53bb6b", "hex"))).toBe(-1);
    expect((await expectProbed(live, 48)).seconds).toBeCloseTo(2, 3);
    // As a browser's MediaRecorder writes it: no Cluster says where it ends; the next Cluster's ID ends it.
    expect((await expectProbed(unknownClusters(live), 48)).seconds).toBeCloseTo(2, 3);
  });

  it("counts every frame of a laced block, and none of an audio track's laced ones", async () => {
    const live = await matroska("webm", VP8, { seconds: 1, audio: OPUS, pipe: true });
    for (const lacing of [1, 2, 3] as const) {
      // Track 2 is the Opus audio: pairs of its blocks laced into one change nothing of the video's count.
      await expectProbed(laced(live, 2, lacing), 24);
      // Track 1, the video, in blocks of 3 frames: 8 blocks, 24 frames, each frame timed by the DefaultDuration.
      const video = laced(live, 1, lacing, 3);
      expect((await expectProbed(video, 24)).seconds).toBeCloseTo(1, 3);
    }
  });

  it("counts BlockGroups' Blocks, their BlockDuration ending the last", async () => {
    const live = await matroska("webm", VP8, { seconds: 1, pipe: true });
    expect(await expectProbed(blockGroups(live, 1, 42), 24)).toEqual({
      width: 64,
      height: 48,
      frames: 24,
      seconds: 1,
    });
  });

  it("counts a file cut short to its last whole block, as ffprobe does; strict names the cut block", async () => {
    for (const bytes of [
      await matroska("webm", VP8, { seconds: 1, audio: OPUS }),
      unknownClusters(await matroska("webm", VP8, { seconds: 1, audio: OPUS, pipe: true })),
    ]) {
      const counts: number[] = [];
      for (const share of [0.3, 0.6, 0.9]) {
        const cut = bytes.subarray(0, Math.floor(bytes.length * share));
        const { packets } = await ffprobeVideo(cut);
        const size = await matroskaVideoSize(new Blob([cut]));
        expect([share, size?.frames]).toEqual([share, packets]);
        counts.push(packets);
        await expect(matroskaVideoSize(new Blob([cut]), { strict: true })).rejects.toThrow(
          new RegExp(
            `^the file ends at byte ${cut.length}, inside the SimpleBlock at byte \\d+ that runs to byte \\d+$`,
          ),
        );
      }
      expect(counts[0]).toBeLessThan(counts[1]!);
      expect(counts[2]).toBeLessThan(24);
    }
  });

  it("gives nothing for a file that contradicts itself, or with strict says what contradicts what", async () => {
    const bytes = Buffer.from(await matroska("webm", VP8, { seconds: 0.5 }));
    // The first Cluster's first SimpleBlock, after the Cluster's 2-byte size and its 3-byte Timestamp.
    const cluster = bytes.indexOf(Buffer.from("1f43b675", "hex"));
    const block = cluster + 9;
    expect([bytes[block], bytes[block + 3]]).toEqual([0xa3, 0x81]);
    const cases: [string, Buffer, RegExp][] = [];
    // The first block's track number (81 after its 2-byte size) made 3: no TrackEntry declares it.
    const undeclared = Buffer.from(bytes);
    undeclared[block + 3] = 0x83;
    cases.push([
      "undeclared",
      undeclared,
      /^the SimpleBlock at byte \d+ is of track 3, which its Tracks do not declare$/,
    ]);
    // Its size made larger than its Cluster (a 2-byte size, 0x4000 | n).
    const overrun = Buffer.from(bytes);
    overrun.writeUInt16BE(0x7ffe, block + 1);
    cases.push([
      "overrun",
      overrun,
      /^the SimpleBlock at byte \d+ runs to byte \d+, past the end of its Cluster at byte \d+$/,
    ]);
    // Its flags made EBML-laced: its first byte (VP8's frame tag) read as a lace count that its data cannot hold.
    const badLace = Buffer.from(bytes);
    badLace[block + 6] = bytes[block + 6]! | 0x06;
    cases.push(["lacing", badLace, /^the SimpleBlock at byte \d+ is laced, but /]);
    for (const [name, edited, message] of cases) {
      expect([name, await matroskaVideoSize(new Blob([new Uint8Array(edited)]))]).toEqual([name, undefined]);
      const err = await matroskaVideoSize(new Blob([new Uint8Array(edited)]), { strict: true }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(VideoIndexError);
      expect([name, (err as Error).message]).toEqual([name, expect.stringMatching(message)]);
    }
  });

  it("stops at MAX_MATROSKA_ELEMENTS: a file of more elements is not measured, or with strict is refused", async () => {
    const live = await matroska("webm", VP8, { seconds: 0.5, pipe: true });
    expect(await matroskaVideoSize(new Blob([live]))).toMatchObject({ frames: 12 });
    // A last Cluster of unknown size: its Timestamp, then 2-byte Void elements (EC 80) past the cap.
    const voids = new Uint8Array(MAX_MATROSKA_ELEMENTS * 2).fill(0x80);
    for (let i = 0; i < voids.length; i += 2) voids[i] = 0xec;
    const padded = new Blob([live, Uint8Array.of(0x1f, 0x43, 0xb6, 0x75, 0xff, 0xe7, 0x81, 0x20), voids]);
    expect(await matroskaVideoSize(padded)).toBeUndefined();
    await expect(matroskaVideoSize(padded, { strict: true })).rejects.toThrow(
      new VideoIndexError(`it holds more than ${MAX_MATROSKA_ELEMENTS} elements, more than are counted`),
    );
  });

  it("reads the stored size, not DisplayWidth, and gives nothing for what is not a Matroska video", async () => {
    const bytes = await matroska("webm", VP8, { extra: ["-aspect", "16:9"] });
    expect(await matroskaVideoSize(new Blob([bytes]))).toMatchObject({ width: 64, height: 48, frames: 12 });
    const audioOnly = await matroska("webm", ["-vn"], { audio: OPUS });
    expect(await matroskaVideoSize(new Blob([audioOnly]))).toBeUndefined();
    const magicOnly = Uint8Array.of(0x1a, 0x45, 0xdf, 0xa3, ...new TextEncoder().encode(" not really"));
    for (const junk of [bytes.subarray(0, 30), magicOnly]) {
      expect(await matroskaVideoSize(new Blob([junk]))).toBeUndefined();
    }
  });
});

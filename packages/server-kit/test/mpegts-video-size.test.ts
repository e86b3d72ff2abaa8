/**
 * @module An MPEG-TS's and an MPEG-PS's figures read by walking their packets (real files made by the system's
 * ffmpeg): frames counted as ffprobe counts packets, the size from the codec's own header, the duration from the
 * PTS, a PMT over several packets read, a picture coded as two fields counted once, a file cut short counted to its
 * cut, damaged bytes read past as ffprobe reads past them.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  MPEG_PS_CONTAINER,
  MPEG_TS_CONTAINER,
  mpegPsVideoSize,
  mpegTsVideoSize,
  videoContainer,
} from "../src/index.js";
import { mpegCrc32 } from "../src/media/psi-section.js";
import { codecFiles, ffmpegFile, ffprobePackets, pattern } from "./ffmpeg-video.js";

/** The offsets of the 188-byte packets of `pid` in `ts`. */
const packetsOf = (ts: Uint8Array, pid: number) =>
  Array.from({ length: ts.length / 188 }, (_, k) => k * 188).filter(
    (at) => (((ts[at + 1]! & 0x1f) << 8) | ts[at + 2]!) === pid,
  );

const file = (format: string, size: string, codec: string, frames = 50, audio = false, extra: string[] = []) =>
  ffmpegFile([...pattern(size, frames, audio), "-pix_fmt", "yuv420p", "-c:v", codec, ...extra], format);

describe("mpegTsVideoSize", () => {
  it("counts each codec's access units as ffprobe counts packets, with and without audio, sized from the stream", async () => {
    const cases = [
      ["libx264", false, "64x48"],
      ["libx264", true, "70x38"],
      ["mpeg2video", true, "64x48"],
      ["mpeg1video", false, "64x48"],
      ["mpeg4", true, "64x48"],
      ["libx265", true, "70x38"],
    ] as const;
    for await (const { file, width, height, packets, seconds, label } of codecFiles("mpegts", cases)) {
      expect(await videoContainer(file), label).toBe(MPEG_TS_CONTAINER);
      const measured = await mpegTsVideoSize(file, { strict: true });
      expect(measured, label).toMatchObject({ width, height, frames: packets });
      expect(packets, label).toBe(50);
      expect(measured?.seconds, label).toBeCloseTo(seconds, 3);
    }
  });
  it("sizes MPEG-2 past 4095 from its sequence extension's size bits", async () => {
    const bytes = await file("mpegts", "4112x32", "mpeg2video", 3);
    expect(await mpegTsVideoSize(new Blob([bytes]), { strict: true })).toMatchObject({
      width: 4112,
      height: 32,
      frames: 3,
    });
  });
  it("reads M2TS's 192-byte packets, and B-frames' reordered PTS", async () => {
    const m2ts = await file("mpegts", "64x48", "libx264", 50, true, ["-mpegts_m2ts_mode", "1"]);
    expect(m2ts[4]).toBe(0x47);
    expect(await mpegTsVideoSize(new Blob([m2ts]), { strict: true })).toMatchObject({
      width: 64,
      height: 48,
      frames: 50,
    });
    const b = await mpegTsVideoSize(new Blob([await file("mpegts", "64x48", "mpeg2video", 50, false, ["-bf", "2"])]));
    expect(b).toMatchObject({ frames: 50 });
    expect(b?.seconds).toBeCloseTo(50 / 24, 3);
  });

  it("counts a file cut mid-packet to its cut, as ffprobe does, strict or not", async () => {
    const bytes = await file("mpegts", "64x48", "libx264", 50, true);
    for (const keep of [0.9, 0.5]) {
      const cut = bytes.subarray(0, Math.floor(bytes.length * keep) + 100);
      const packets = await ffprobePackets(cut);
      expect(packets).toBeLessThan(50);
      for (const strict of [false, true]) {
        expect((await mpegTsVideoSize(new Blob([cut]), { strict }))?.frames, `${keep} ${strict}`).toBe(packets);
      }
    }
  });

  it("reads on past bytes that lost the sync, as ffprobe does; needs three sync bytes to be recognised", async () => {
    const bytes = await file("mpegts", "64x48", "libx264", 50);
    // A damaged capture: packets overwritten, then bytes lost mid-packet (the next packets a few bytes early).
    const half = 188 * Math.floor(bytes.length / 188 / 2);
    const damaged = new Uint8Array([...bytes.subarray(0, half + 61), ...bytes.subarray(half + 188 * 2)]);
    damaged.fill(0x55, half - 188 * 3, half - 188 * 2 + 17);
    expect(await videoContainer(new Blob([damaged]))).toBe(MPEG_TS_CONTAINER);
    const packets = await ffprobePackets(damaged);
    for (const strict of [false, true]) {
      expect(await mpegTsVideoSize(new Blob([damaged]), { strict })).toMatchObject({ width: 64, frames: packets });
    }
    // One or two sync bytes are not a transport stream: "G" starts many files.
    for (const syncs of [[0], [0, 188], [0, 376]]) {
      const head = new Uint8Array(600);
      for (const at of syncs) head[at] = 0x47;
      expect(await videoContainer(new Blob([head])), syncs.join()).toBeUndefined();
      expect(await mpegTsVideoSize(new Blob([head]))).toBeUndefined();
    }
  });

  it("reads a PMT that spans packets, and passes over a PMT whose CRC fails to its next repetition", async () => {
    // Eighteen tagged audio streams before the video: a PMT section of 219 bytes, its video entry in the second packet.
    const audio = Array.from({ length: 18 }, (_, k) => ["-map", "1:a", `-metadata:s:a:${k}`, "language=eng"]).flat();
    const bytes = await ffmpegFile(
      ["-f", "lavfi", "-i", "testsrc2=s=64x48:r=24", "-f", "lavfi", "-i", "sine=d=0.1", ...audio, "-map", "0:v"].concat(
        ["-frames:v", "50", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-c:a", "mp2"],
      ),
      "mpegts",
    );
    const pmt = packetsOf(bytes, 0x1000);
    expect(pmt.length).toBeGreaterThan(2);
    expect(bytes[pmt[0]! + 1]! & 0x40).toBe(0x40); // the section starts in one packet,
    expect(bytes[pmt[1]! + 1]! & 0x40).toBe(0); // and goes on in the next
    expect(await mpegTsVideoSize(new Blob([bytes]), { strict: true })).toMatchObject({
      width: 64,
      height: 48,
      frames: 50,
    });
    // A byte of the first PMT's stream loop changed: its CRC fails, and the next PMT is read.
    const damaged = bytes.slice();
    damaged[pmt[0]! + 40]! ^= 0x10;
    const packets = await ffprobePackets(damaged);
    expect(await mpegTsVideoSize(new Blob([damaged]), { strict: true })).toMatchObject({ width: 64, frames: packets });
  });

  it("counts a capture that starts mid-stream (before its first PAT, mid-packet) as ffprobe counts it", async () => {
    // Keyframes (with their SPS) every 25 frames; the capture starts where packets, or a packet's first bytes, are
    // lost.
    const bytes = await file("mpegts", "160x120", "libx264", 100, true, ["-g", "25", "-preset", "ultrafast"]);
    for (const skip of [40 * 188, 75 * 188, 130 * 188, 1, 187, 300]) {
      const capture = bytes.subarray(skip);
      expect(await videoContainer(new Blob([capture])), `${skip}`).toBe(MPEG_TS_CONTAINER);
      const packets = await ffprobePackets(capture);
      expect((await mpegTsVideoSize(new Blob([capture]), { strict: true }))?.frames, `${skip}`).toBe(packets);
    }
  });

  it("computes MPEG-2's CRC-32 (the check value of CRC-32/MPEG-2)", () => {
    expect(mpegCrc32(new TextEncoder().encode("123456789"))).toBe(0x0376e6e7);
  });

  it("gives no figures for a transport stream without video", async () => {
    const sound = await ffmpegFile(["-f", "lavfi", "-i", "sine=d=1"], "mpegts");
    expect(await videoContainer(new Blob([sound]))).toBe(MPEG_TS_CONTAINER);
    expect(await mpegTsVideoSize(new Blob([sound]), { strict: true })).toBeUndefined();
  });
});

/**
 * An MPEG-2 stream of 50 pictures coded as 25 field pairs, for TS and PS (`format`): ffmpeg's encoder writes frame
 * pictures only, so its raw stream is edited — progressive_sequence cleared in the sequence extension, each picture
 * coding extension's picture_structure set to top (1) and bottom (2) field by turns — and muxed by ffmpeg.
 */
async function fieldPictures(format: string): Promise<Uint8Array<ArrayBuffer>> {
  const raw = (
    await ffmpegFile([...pattern("64x48", 50), "-pix_fmt", "yuv420p", "-c:v", "mpeg2video"], "mpeg2video")
  ).slice();
  let pictures = 0;
  for (let i = 0; i + 7 < raw.length; i++) {
    if (raw[i] !== 0 || raw[i + 1] !== 0 || raw[i + 2] !== 1 || raw[i + 3] !== 0xb5) continue;
    if (raw[i + 4]! >> 4 === 1) raw[i + 5]! &= ~0x08;
    if (raw[i + 4]! >> 4 === 8) raw[i + 6] = (raw[i + 6]! & ~3) | (pictures++ % 2 ? 2 : 1);
  }
  expect(pictures).toBe(50);
  const dir = await mkdtemp(join(tmpdir(), "avs-fields-"));
  try {
    await writeFile(join(dir, "v.m2v"), raw);
    return await ffmpegFile(
      ["-fflags", "+genpts", "-f", "mpegvideo", "-r", "24", "-i", join(dir, "v.m2v"), "-c", "copy"],
      format,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("MPEG-2 field pictures", () => {
  it("count a frame per pair of fields, as ffmpeg's parser joins them, in a TS and in a PS", async () => {
    for (const [format, measure] of [
      ["mpegts", mpegTsVideoSize],
      ["mpeg", mpegPsVideoSize],
    ] as const) {
      const bytes = await fieldPictures(format);
      expect(await ffprobePackets(bytes), format).toBe(25);
      const measured = await measure(new Blob([bytes]), { strict: true });
      expect(measured, format).toMatchObject({ width: 64, height: 48, frames: 25 });
      expect(measured?.seconds, format).toBeCloseTo(25 / 24, 3);
    }
  });
});

describe("mpegPsVideoSize", () => {
  it("counts access units, not PES packets, as ffprobe counts packets", async () => {
    const cases = [
      ["mpeg2video", true, "64x48"],
      ["mpeg1video", false, "64x48"],
      ["mpeg2video", false, "640x480"],
    ] as const;
    for await (const { file, width, height, packets, seconds, label } of codecFiles("mpeg", cases)) {
      expect(await videoContainer(file), label).toBe(MPEG_PS_CONTAINER);
      const measured = await mpegPsVideoSize(file, { strict: true });
      expect(measured, label).toMatchObject({ width, height, frames: packets });
      expect(measured?.seconds, label).toBeCloseTo(seconds, 2);
    }
  });
  it("times B-frames and an MPEG-1 system stream's packets; counts a cut file to its cut", async () => {
    const b = await file("mpeg", "64x48", "mpeg2video", 50, true, ["-bf", "2"]);
    const size = await mpegPsVideoSize(new Blob([b]), { strict: true });
    expect(size).toMatchObject({ width: 64, height: 48, frames: 50 });
    expect(size?.seconds).toBeCloseTo(50 / 24, 2);
    const mpeg1 = await file("mpeg", "64x48", "mpeg1video", 50, true, ["-muxrate", "0"]);
    expect(await mpegPsVideoSize(new Blob([mpeg1]), { strict: true })).toMatchObject({ frames: 50 });
    const cut = b.subarray(0, 2048 * Math.floor(b.length / 2048 / 2) + 1000);
    const packets = await ffprobePackets(cut);
    expect(packets).toBeLessThan(50);
    for (const strict of [false, true]) {
      expect((await mpegPsVideoSize(new Blob([cut]), { strict }))?.frames).toBe(packets);
    }
  });

  it("times MPEG-2 at a rate only its sequence extension states (8 and 12 fps, scaled from a frame_rate_code)", async () => {
    for (const fps of [8, 12]) {
      // 48 frames: 6 and 4 s. Timed by frame_rate_code alone (24 fps) they gave 2 s, and the runner refused the
      // file as a header disagreeing with its frames.
      const bytes = await file("mpeg", "64x48", "mpeg2video", 48, false, ["-r", String(fps)]);
      const size = await mpegPsVideoSize(new Blob([bytes]), { strict: true });
      expect(size, `${fps} fps`).toMatchObject({ frames: 48 });
      expect(size?.seconds, `${fps} fps`).toBeCloseTo(48 / fps, 3);
    }
  });

  it("reads a file cut at a pack mid-stream: sized from its next sequence header, counted as ffprobe counts", async () => {
    const bytes = await file("mpeg", "160x120", "mpeg2video", 200, true, ["-g", "25"]);
    const packs = [];
    for (let at = bytes.indexOf(0xba); at >= 0; at = bytes.indexOf(0xba, at + 1)) {
      if (bytes[at - 1] === 1 && bytes[at - 2] === 0 && bytes[at - 3] === 0) packs.push(at - 3);
    }
    for (const k of [1, 7, 30, 100]) {
      // The first video bytes are slices of a cut picture, whose start codes were once read as H.264 NAL headers.
      const cut = bytes.subarray(packs[k]);
      const packets = await ffprobePackets(cut);
      expect(await mpegPsVideoSize(new Blob([cut]), { strict: true }), `pack ${k}`).toMatchObject({
        width: 160,
        height: 120,
        frames: packets,
      });
    }
  });

  it("reads on past bytes that are no pack or packet, from the next one, as ffprobe does", async () => {
    const bytes = (await file("mpeg", "64x48", "mpeg2video", 50)).slice();
    bytes.fill(0x55, 2048, 2100);
    const packets = await ffprobePackets(bytes);
    for (const strict of [false, true]) {
      expect(await mpegPsVideoSize(new Blob([bytes]), { strict })).toMatchObject({ width: 64, frames: packets });
    }
  });
});

/**
 * @module Files cut short in the containers that keep no frame index (Matroska/WebM, FLV, Ogg), made with ffmpeg to
 * a file and to a pipe (which leaves sizes and metadata out) and cut as `head -c` does: at a byte, at a packet's end,
 * inside the headers. Each is a 400 `truncated` that says where the file should have ended; the whole files of every
 * accepted container, with and without their index, still probe to all their frames. A raw MPEG-TS cut between two
 * packets cannot be told from a shorter recording: that it is accepted with fewer frames is pinned too. An AVI
 * whose index counts an empty (dropped-frame) chunk is whole, not short of a frame; one cut inside its headers is
 * told by its RIFF size; one written to a pipe, whose header declares 2^30 frames, is counted by its packets.
 */
import { readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { aviEmptyVideoChunks } from "../src/video/avi-index.js";
import { containerCut } from "../src/video/cut-short.js";
import { DEFAULT_VIDEO_LIMITS, probeVideo, VideoInputError } from "../src/video/index.js";
import { cleanVideoDir, ffmpeg } from "./video-fixtures.js";

const CLIP = ["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=2"];
const TONE = ["-f", "lavfi", "-i", "sine=d=2"];
const X264 = ["-c:v", "libx264", "-preset", "ultrafast"];

describe("files cut short", () => {
  const dir = cleanVideoDir();

  /** Writes `name` with ffmpeg (`args` after the inputs); `pipe`: through stdout, as a live recording is written. */
  async function make(name: string, args: string[], pipe = false) {
    const file = dir.path(name);
    if (!pipe) await ffmpeg([...CLIP, ...TONE, ...args, "-shortest", file]);
    else await writeFile(file, await ffmpeg([...CLIP, ...TONE, ...args, "-shortest", "-"]));
    return readFile(file);
  }

  async function probe(name: string, bytes: Buffer) {
    await writeFile(dir.path(name), bytes);
    return probeVideo(dir.path(name), { limits: DEFAULT_VIDEO_LIMITS, scale: 2 }).then(
      (p) => p.video.frames,
      (e: unknown) => e,
    );
  }

  async function expectCut(name: string, bytes: Buffer, message: RegExp) {
    const err = await probe(name, bytes);
    expect(err).toBeInstanceOf(VideoInputError);
    const { code, status } = err as VideoInputError;
    expect([code, status, (err as Error).message]).toEqual(["truncated", 400, expect.stringMatching(message)]);
  }

  /** Where each of a file's FLV tags ends (after its PreviousTagSize). */
  function flvTagEnds(bytes: Buffer): number[] {
    const ends: number[] = [];
    for (let at = bytes.readUInt32BE(5) + 4; at + 11 <= bytes.length; ends.push(at))
      at += 15 + bytes.readUIntBE(at + 1, 3);
    return ends;
  }

  /** Where each of a file's Ogg pages ends. */
  function oggPageEnds(bytes: Buffer): number[] {
    const ends: number[] = [];
    for (let at = 0; at + 27 <= bytes.length; ends.push(at)) {
      const segments = bytes[at + 26]!;
      at += 27 + segments + [...bytes.subarray(at + 27, at + 27 + segments)].reduce((a, b) => a + b, 0);
    }
    return ends;
  }

  it("FLV: cut at a tag's end (onMetaData's filesize), inside a tag, inside its header", async () => {
    const flv = await make("whole.flv", X264);
    const mid = flvTagEnds(flv)[flvTagEnds(flv).length >> 1]!;
    await expectCut(
      "cut.flv",
      flv.subarray(0, mid),
      new RegExp(
        `^video is damaged or cut short \\(its onMetaData gives a file of ${flv.length} bytes; ${mid} arrived\\); send the complete file$`,
      ),
    );
    // Written to a pipe, an FLV has no filesize: a cut inside a tag still leaves no PreviousTagSize that fits.
    const piped = await make("piped.flv", [...X264, "-f", "flv"], true);
    await expectCut(
      "cut-piped.flv",
      piped.subarray(0, piped.length - 7),
      /\(its last tag does not end where the file does, at byte \d+\)/,
    );
    await expectCut(
      "head.flv",
      piped.subarray(0, 200),
      /^video is cut short \(its last tag does not end where the file does, at byte 200\)/,
    );
  });

  it("Ogg: cut at a page's end (no end-of-stream flag), inside a page, inside its headers", async () => {
    for (const [name, pipe] of [
      ["whole.ogv", false],
      ["piped.ogv", true],
    ] as const) {
      const ogg = await make(name, ["-c:v", "libtheora", "-c:a", "libvorbis", "-f", "ogg"], pipe);
      const mid = oggPageEnds(ogg)[oggPageEnds(ogg).length >> 1]!;
      await expectCut(
        "cut.ogv",
        ogg.subarray(0, mid),
        new RegExp(`\\(its last page, which ends the ${mid}-byte file, does not end its stream\\)`),
      );
      await expectCut(
        "cut.ogv",
        ogg.subarray(0, mid + 100),
        /\(its last page starts at byte \d+ and runs to byte \d+ of a \d+-byte file\)/,
      );
      await expectCut(
        "cut.ogv",
        ogg.subarray(0, 200),
        /^video is cut short \(its last page starts at byte \d+ and runs to byte \d+ of a 200-byte file\)/,
      );
    }
  });

  it("Matroska/WebM cut inside its headers: truncated, not 'not a video'", async () => {
    const mkv = await make("whole.mkv", X264);
    await expectCut(
      "head.mkv",
      mkv.subarray(0, 200),
      new RegExp(
        `^video is cut short \\(its Segment runs to byte ${mkv.length} of a 200-byte file\\); send the complete file$`,
      ),
    );
    await expectCut(
      "head.mkv",
      mkv.subarray(0, 30),
      /^video is cut short \(it ends at byte 30, inside its EBML header of \d+ bytes\)/,
    );
    // Written to a pipe, the Segment's size is unknown; the elements before the first cluster still give theirs.
    const webm = await make(
      "piped.webm",
      ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-f", "webm"],
      true,
    );
    await expectCut(
      "head.webm",
      webm.subarray(0, 200),
      /^video is cut short \(its \w+ element runs to byte \d+ of a 200-byte file\)/,
    );
  });

  const formats: Record<string, string> = { mkv: "matroska", ogv: "ogg", ts: "mpegts", mpg: "mpeg" };
  it.each([
    ["mp4", X264],
    ["mkv", X264],
    ["webm", ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus"]],
    ["flv", X264],
    ["ogv", ["-c:v", "libtheora", "-c:a", "libvorbis"]],
    ["ts", X264],
    ["mpg", ["-c:v", "mpeg2video", "-c:a", "mp2"]],
    ["avi", [...X264, "-c:a", "mp3"]],
  ])("a whole .%s, written to a file and to a pipe, keeps all its frames", async (ext, args) => {
    expect(await probe(`whole.${ext}`, await make(`whole.${ext}`, args))).toBe(50);
    // An mp4 cannot be written to a pipe without fragments. An AVI written to one declares 2^30 frames (and 853.8 s),
    // which the limits refused: its frames are counted instead.
    if (ext === "mp4") return;
    const piped = await make(`piped.${ext}`, [...args, "-f", formats[ext] ?? ext], true);
    expect(await probe(`piped.${ext}`, piped)).toBe(50);
  });

  it("AVI: a whole file whose index lists a dropped (empty) frame passes; a cut one is short of its index", async () => {
    // With -shortest, ffmpeg's AVI muxer writes one empty video chunk: the header counts 51 frames, 50 have data.
    const avi = await make("whole.avi", [...X264, "-c:a", "mp3"]);
    expect(await aviEmptyVideoChunks(dir.path("whole.avi"), 0)).toBe(1);
    expect(await probe("whole.avi", avi)).toBe(50);
    await expectCut(
      "cut.avi",
      avi.subarray(0, Math.floor(avi.length * 0.6)),
      /^video is damaged or cut short \(\d+ of the 51 frames its index lists are there\)/,
    );
    // Written to a pipe, its RIFF size is unknown (all ones): not a cut.
    const piped = await make("piped.avi", [...X264, "-c:a", "mp3", "-f", "avi"], true);
    expect([piped.readUInt32LE(4), await containerCut(dir.path("piped.avi"), piped.length)]).toEqual([
      0xffffffff,
      undefined,
    ]);
    // Its 2^30 frames are no count: one with more frames than the limit is still refused, counted from its packets.
    const small = { ...DEFAULT_VIDEO_LIMITS, maxFrames: 30 };
    const tooMany = await probeVideo(dir.path("piped.avi"), { limits: small, scale: 2 }).catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(VideoInputError);
    expect([(tooMany as VideoInputError).status, (tooMany as Error).message]).toEqual([
      413,
      expect.stringMatching(/^video has more than 30 frames; this runner takes videos of /),
    ]);
    // A file's RIFF size made unknown: its idx1 still counts its 51 chunks (the header's count is not read).
    const unsized = Buffer.from(avi);
    unsized.writeUInt32LE(0xffffffff, 4);
    expect(await probe("unsized.avi", unsized)).toBe(50);
    const indexed = await probeVideo(dir.path("unsized.avi"), { limits: small, scale: 2 }).catch((e: unknown) => e);
    expect((indexed as Error).message).toMatch(/^video has 51 frames, over 30; /);
    // Cut inside its headers, it was "not a video ffmpeg can read"; its RIFF size says it was cut.
    await expectCut(
      "head.avi",
      avi.subarray(0, 1500),
      new RegExp(`^video is cut short \\(its RIFF chunk runs to byte ${avi.length} of a 1500-byte file\\)`),
    );
  });

  it("a raw MPEG-TS cut between packets is accepted with the frames it holds (the container records no length)", async () => {
    const ts = await make("whole.ts", [...X264, "-f", "mpegts"]);
    const half = Math.floor(ts.length / 2 / 188) * 188;
    const frames = await probe("cut.ts", ts.subarray(0, half));
    expect(typeof frames === "number" && frames > 0 && frames < 50).toBe(true);
  });
});

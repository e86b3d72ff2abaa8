/**
 * @module Matroska/WebM uploads whose header understates their video — `PixelWidth`/`PixelHeight` edited down — are
 * refused by the probe with the header's figure and the stream's, as MP4s are (video-header-agreement.test.ts): the
 * gateways count a Matroska job's work units from those elements and its blocks. Real files pass, whatever their
 * writer: WebM with audio, a live recording written to a pipe (unknown sizes), H.264 with B-frames, non-square
 * pixels (a `DisplayWidth` other than the stored width), a variable frame rate.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { VideoInputError } from "../src/video/index.js";
import { headerProbe } from "./header-probe.js";
import { cleanVideoDir, ffmpeg } from "./video-fixtures.js";

const CLIP = ["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=2"];
const TONE = ["-f", "lavfi", "-i", "sine=d=2"];
const VP8 = ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8"];
const VP9 = ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"];
const X264 = ["-c:v", "libx264", "-preset", "ultrafast"];
const REMUX =
  "send a file whose header gives its real frame size, frame count and duration (ffmpeg -i in.webm -c copy out.webm";

/** `bytes` with the video track's PixelWidth and PixelHeight (1-byte values, as ffmpeg writes 160 and 120) set. */
function withPixels(bytes: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(bytes);
  const at = bytes.indexOf(Buffer.from([0xb0, 0x81, 160, 0xba, 0x81, 120]));
  expect(at).toBeGreaterThan(0);
  out[at + 2] = width;
  out[at + 5] = height;
  return out;
}

describe("a Matroska/WebM header against its frames", () => {
  const dir = cleanVideoDir();

  const { probe } = headerProbe(dir, "Matroska/WebM", "ffmpeg -i in.webm -c copy out.webm");

  async function make(name: string, args: string[], input = CLIP) {
    await ffmpeg([...input, ...args, dir.path(name)]);
    return readFile(dir.path(name));
  }

  it("a PixelWidth/PixelHeight edited to smaller frames, in a WebM and an MKV: 400 with both sizes", async () => {
    // ffprobe sizes VP9 and H.264 streams from their bitstream. A VP8 stream (no parser) it sizes from PixelWidth:
    // the probe cannot see that edit, and the decoder refuses the file (its frames are not the size it gives).
    for (const [name, args] of [
      ["vp9.webm", VP9],
      ["h264.mkv", X264],
    ] as const) {
      const small = withPixels(await make(name, [...args]), 80, 60);
      const err = await probe(`small-${name}`, small);
      expect(err).toBeInstanceOf(VideoInputError);
      const { code, status, message } = err as VideoInputError;
      expect([name, code, status, message]).toEqual([
        name,
        "header_mismatch",
        400,
        "video's Matroska/WebM header and its frames disagree: its PixelWidth/PixelHeight give 80×60 px frames, its " +
          `stream holds 160×120 px frames; work is counted from the header, so ${REMUX} rewrites it)`,
      ]);
    }
    // 3 % a side of room (a clean aperture in an MP4) is no disagreement here either.
    const near = withPixels(await make("near.webm", VP9), 156, 117);
    expect(await probe("near.webm", near)).toEqual({ frames: 50, width: 160, height: 120 });
  });

  it("real files pass: audio, a live recording written to a pipe, B-frames, non-square pixels, variable rate", async () => {
    const whole = { frames: 50, width: 160, height: 120 };
    expect(
      await probe("audio.webm", await make("audio.webm", [...VP8, "-c:a", "libopus"], [...CLIP, ...TONE])),
    ).toEqual(whole);
    const live = await ffmpeg([...CLIP, ...VP8, "-live", "1", "-cluster_time_limit", "200", "-f", "webm", "-"]);
    expect(await probe("live.webm", live)).toEqual(whole);
    await make("bframes.mkv", ["-c:v", "libx264", "-preset", "medium", "-bf", "3"]);
    expect(await probe("bframes.mkv")).toEqual(whole);
    await make("sar.mkv", ["-vf", "setsar=8/9", ...X264]);
    expect(await probe("sar.mkv")).toEqual(whole);
    const vfr = ["-vf", "setpts='if(lt(N,25),2*N,25+N)/TB/25'", "-fps_mode", "vfr", ...VP8];
    await make("vfr.webm", vfr);
    expect(await probe("vfr.webm")).toEqual(whole);
  });
});

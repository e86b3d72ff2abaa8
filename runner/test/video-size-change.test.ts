/**
 * @module A video whose frame size changes within the stream (a recording of a resized window, or a hostile upload):
 * the probe checks the limits on the size the headers give, ffmpeg scales every frame to the first one's, and the
 * decoder is held to the input-pixel limit so that later, larger frames cannot pass it. A stream that starts at
 * 16×16 and grows to 320×240 under a 256-pixel limit is a 413; within the limit it is decoded at one size. Two
 * streams joined whose clocks both start at 0 are encoded from their earliest frame. A narrow frame within the limit
 * is not mistaken for a larger one.
 */
import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  createVideoEncoder,
  DEFAULT_VIDEO_LIMITS,
  decodeVideo,
  encodeOptionsFor,
  probeVideo,
  startDecoder,
  VideoInputError,
  type VideoProbe,
} from "../src/video/index.js";
import { cleanVideoDir, ffmpeg, videoPacketTimes } from "./video-fixtures.js";

describe("a frame size or clock that changes mid-stream", () => {
  const dir = cleanVideoDir();

  /**
   * MPEG-TS of `first` for 1 s then `then` for 1 s at 8 fps, joined byte for byte (as concatenated streams). With a
   * whole second of the first size, ffprobe reports that one (with a quarter second, the second).
   */
  async function sizeChange(name: string, first: string, then: string, restart = false): Promise<string> {
    const part = (size: string, offset: number, preset = "ultrafast") => [
      ...["-f", "lavfi", "-i", `testsrc2=s=${size}:r=8:d=1`],
      ...["-c:v", "libx264", "-preset", preset, "-pix_fmt", "yuv420p"],
      ...["-f", "mpegts", "-output_ts_offset", String(offset), "pipe:1"],
    ];
    const file = dir.path(name);
    // With `restart` both parts start at 0, and the first has x264's B-frames: its first frame is presented two
    // frame durations late, after the second part's first frame.
    const parts = restart ? [part(first, 0, "medium"), part(then, 0)] : [part(first, 0), part(then, 1)];
    await writeFile(file, Buffer.concat([await ffmpeg(parts[0]!), await ffmpeg(parts[1]!)]));
    return file;
  }

  async function decodeAll(probe: VideoProbe, started?: ReturnType<typeof startDecoder>) {
    const sizes = new Set<string>();
    try {
      for await (const f of decodeVideo(probe, started ? { started } : {})) sizes.add(`${f.width}×${f.height}`);
      return { sizes: [...sizes], error: undefined };
    } catch (error) {
      return { sizes: [...sizes], error };
    }
  }

  const limited = (maxInputPixels: number) => ({ limits: { ...DEFAULT_VIDEO_LIMITS, maxInputPixels } });

  it("decodes a stream that grows or shrinks within the limit at the size its headers give", async () => {
    const grows = await probeVideo(await sizeChange("grows.ts", "16x16", "64x64"), limited(64 * 64));
    expect([grows.video.width, grows.video.height, grows.video.frames]).toEqual([16, 16, 16]);
    expect(await decodeAll(grows)).toEqual({ sizes: ["16×16"], error: undefined });
    const shrinks = await probeVideo(await sizeChange("shrinks.ts", "64x64", "16x16"), limited(64 * 64));
    expect(await decodeAll(shrinks)).toEqual({ sizes: ["64×64"], error: undefined });
  });

  it("refuses with a 413 a stream that grows past the limit the probe checked on its first size", async () => {
    const file = await sizeChange("grows-past.ts", "16x16", "320x240");
    const probe = await probeVideo(file, limited(16 * 16));
    expect([probe.video.width, probe.video.height]).toEqual([16, 16]);
    const message =
      /^video changes size within the stream to frames over 256 px \(the decoder met \d+×\d+\); every frame must be at most 256 px, not only the 16×16 its headers give$/;
    const { error } = await decodeAll(probe);
    expect(error).toBeInstanceOf(VideoInputError);
    expect([(error as VideoInputError).code, (error as VideoInputError).status]).toEqual(["too_large", 413]);
    expect((error as Error).message).toMatch(message);
    // The same with the decoder started before the probe ended, as frame interpolation starts it.
    const started = startDecoder(file, { maxInputPixels: 16 * 16 });
    const ahead = await decodeAll(await probeVideo(file, limited(16 * 16)), started);
    expect((ahead.error as Error).message).toMatch(message);
  });

  it("encodes a stream whose clock restarts (two MPEG-TS joined) from its earliest frame, not the container's start", async () => {
    // The second part's frames come before the first's first presented frame, which the container's start names.
    const file = await sizeChange("restarts.ts", "16x16", "16x16", true);
    const probe = await probeVideo(file);
    const first = (probe.video.timestamps[0]! * probe.video.timeBase.num) / probe.video.timeBase.den;
    expect(first).toBeLessThan(probe.startSeconds);
    const out = dir.path("restarts.mp4");
    const encoder = createVideoEncoder({ ...encodeOptionsFor(probe), output: out });
    for await (const f of decodeVideo(probe)) await encoder.write(f.rgb, f.pts);
    await encoder.finish();
    const times = (await videoPacketTimes(out)).map(Number);
    expect(times).toHaveLength(16);
    expect(times[0]).toBe(0);
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
  });

  it("decodes a narrow frame within the limit, whose buffer ffmpeg pads to 64 px wide", async () => {
    // 16×16384 = 262144 px, a quarter of the default limit; ffmpeg checks it as 64×16384 = 1048576 px.
    const file = dir.path("narrow.mkv");
    await ffmpeg(["-f", "lavfi", "-i", "color=s=16x16384:d=0.25:r=8", "-c:v", "ffv1", file]);
    const probe = await probeVideo(file, { limits: DEFAULT_VIDEO_LIMITS });
    expect(await decodeAll(probe)).toEqual({ sizes: ["16×16384"], error: undefined });
  });
});

/**
 * @module A video whose frame size changes within the stream (a recording of a resized window, or a hostile upload):
 * the probe checks the limits on the size the headers give, ffmpeg scales every frame to the first one's, and the
 * decoder is held to the input-pixel limit so that later, larger frames cannot pass it. A stream that starts at
 * 16×16 and grows to 320×240 under a 256-pixel limit is a 413; within the limit it is decoded at one size.
 */
import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_VIDEO_LIMITS,
  decodeVideo,
  probeVideo,
  startDecoder,
  VideoInputError,
  type VideoProbe,
} from "../src/video/index.js";
import { cleanVideoDir, ffmpeg } from "./video-fixtures.js";

describe("a frame size that changes mid-stream", () => {
  const dir = cleanVideoDir();

  /**
   * MPEG-TS of `first` for 1 s then `then` for 1 s at 8 fps, joined byte for byte (as concatenated streams). With a
   * whole second of the first size, ffprobe reports that one (with a quarter second, the second).
   */
  async function sizeChange(name: string, first: string, then: string): Promise<string> {
    const part = (size: string, offset: number) => [
      ...["-f", "lavfi", "-i", `testsrc2=s=${size}:r=8:d=1`],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
      ...["-f", "mpegts", "-output_ts_offset", String(offset), "pipe:1"],
    ];
    const file = dir.path(name);
    await writeFile(file, Buffer.concat([await ffmpeg(part(first, 0)), await ffmpeg(part(then, 1))]));
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
});

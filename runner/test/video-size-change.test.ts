/**
 * @module A video whose frame size changes within the stream: the probe reads the first frame's size (and checks
 * the pixel limits on it), so later frames of another size must not pass. ffmpeg used to scale them to the first
 * one's size without a word (a 16×16 start let 4096×4096 frames through the limit, shrunk); now the decoder refuses
 * the stream, bigger or smaller, and stops ffmpeg.
 */
import { writeFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decodeVideo, probeVideo, runningFfmpegCount, VideoProcessError } from "../src/video/index.js";
import { ffmpeg, leftovers, videoDir } from "./video-fixtures.js";

describe("a frame size that changes mid-stream", () => {
  let dir: Awaited<ReturnType<typeof videoDir>>;
  beforeAll(async () => {
    dir = await videoDir();
  });
  afterEach(async () => {
    expect(await leftovers(dir.dir)).toEqual([]);
    expect(runningFfmpegCount()).toBe(0);
  });
  afterAll(() => dir.cleanup());

  /**
   * MPEG-TS of `first` for 1 s then `then` for 1 s at 8 fps, joined byte for byte (as concatenated streams). With a
   * whole second of the first size, ffprobe reports that one (with a quarter second, the second), as the runner's
   * probe does: the frames of the other size are the ones that must not pass.
   */
  async function sizeChange(name: string, first: string, then: string): Promise<string> {
    const part = (size: string, seconds: number, offset: number) => [
      ...["-f", "lavfi", "-i", `testsrc2=s=${size}:r=8:d=${seconds}`],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
      ...["-f", "mpegts", "-output_ts_offset", String(offset), "pipe:1"],
    ];
    const joined = Buffer.concat([await ffmpeg(part(first, 1, 0)), await ffmpeg(part(then, 1, 1))]);
    const file = dir.path(name);
    await writeFile(file, joined);
    return file;
  }

  async function decodeAll(file: string, size?: [number, number]): Promise<{ frames: number; error: unknown }> {
    const probe = await probeVideo(file);
    if (size) expect([probe.video.width, probe.video.height]).toEqual(size);
    let frames = 0;
    try {
      for await (const f of decodeVideo(probe)) {
        expect([f.width, f.height]).toEqual([probe.video.width, probe.video.height]);
        frames++;
      }
      return { frames, error: undefined };
    } catch (error) {
      return { frames, error };
    }
  }

  it("refuses a stream that grows mid-way", async () => {
    const file = await sizeChange("grows.ts", "16x16", "64x64");
    const { error } = await decodeAll(file, [16, 16]);
    expect(error).toBeInstanceOf(VideoProcessError);
    expect((error as VideoProcessError).status).toBe(400);
    expect((error as Error).message).toMatch(
      /^video decoded to more picture data than the 16 frames its packets list; its frames must all be 16×16 px, the size its headers give: a size that changes within the stream, or damaged data$/,
    );
  });

  it("refuses a stream that shrinks mid-way", async () => {
    const file = await sizeChange("shrinks.ts", "64x64", "16x16");
    const { error } = await decodeAll(file, [64, 64]);
    expect(error).toBeInstanceOf(VideoProcessError);
    expect((error as VideoProcessError).status).toBe(400);
    expect((error as Error).message).toMatch(
      /^ffmpeg's output of video ended inside frame 9 \(6144 of 12288 bytes\); its frames must all be 64×64 px/,
    );
  });

  it("still decodes a stream of one size whole", async () => {
    const file = await sizeChange("same.ts", "64x48", "64x48");
    expect(await decodeAll(file, [64, 48])).toEqual({ frames: 16, error: undefined });
  });
});

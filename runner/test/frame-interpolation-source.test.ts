/**
 * @module The source video of `/frame-interpolation` (`openVideoSource`): its decoder started beside the probe
 * gives the same frames as one started after it, is killed when the probe refuses the upload or the job never
 * reads it, and without `decodeAhead` nothing starts before the probe has accepted the file.
 */
import { writeFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openVideoSource } from "../src/pipelines/frame-interpolation/video-source.js";
import { DEFAULT_VIDEO_LIMITS, runningFfmpegCount, VideoInputError } from "../src/video/index.js";
import { ffmpeg, ffmpegChildren, lavfiClip, leftovers, losslessRgbVideo, videoDir } from "./video-fixtures.js";

/** A frame whose every byte depends on its index. */
function pattern(i: number, w: number, h: number): Uint8Array {
  const f = new Uint8Array(w * h * 3);
  for (let p = 0; p < f.length; p++) f[p] = (p * 7 + i * 31) & 255;
  return f;
}

async function collect(frames: AsyncIterable<{ pixels: Uint8Array }>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const f of frames) out.push(f.pixels);
  return out;
}

describe("the frame-interpolation source video", () => {
  let dir: Awaited<ReturnType<typeof videoDir>>;
  let exact: string;
  const [w, h, n] = [40, 24, 6];
  const written = Array.from({ length: n }, (_, i) => pattern(i, w, h));
  beforeAll(async () => {
    dir = await videoDir();
    exact = await losslessRgbVideo(dir.path("exact.mp4"), written, w, h, 8);
  });
  afterEach(async () => {
    expect(await leftovers(dir.dir)).toEqual([]);
    expect(runningFfmpegCount()).toBe(0);
  });
  afterAll(() => dir.cleanup());

  it("starts the decoder beside the probe, and it gives the exact frames, as one started after the probe does", async () => {
    const opening = openVideoSource(exact, { limits: DEFAULT_VIDEO_LIMITS, decodeAhead: true });
    // The decoder is spawned before the probe's first await returns; ffprobe only after its stat.
    expect(runningFfmpegCount()).toBe(1);
    const ahead = await opening;
    expect(ahead.probe.video.frames).toBe(n);
    // A short clip fits the pipe: its decoder exits before anyone reads it, and its frames must not be lost.
    while ((await ffmpegChildren()).length > 0) await new Promise((r) => setTimeout(r, 10));
    expect(await collect(ahead.frames())).toEqual(written);

    const after = openVideoSource(exact, { limits: DEFAULT_VIDEO_LIMITS, decodeAhead: false });
    expect(runningFfmpegCount()).toBe(0);
    const source = await after;
    expect(runningFfmpegCount()).toBe(0);
    expect(await collect(source.frames())).toEqual(written);
  });

  it("kills the decoder started ahead when the probe refuses the upload", async () => {
    await writeFile(dir.path("notes.mp4"), "not a video at all\n");
    const notVideo = openVideoSource(dir.path("notes.mp4"), { limits: DEFAULT_VIDEO_LIMITS, decodeAhead: true });
    await expect(notVideo).rejects.toMatchObject({ code: "not_a_video", status: 415 });

    const long = await lavfiClip(dir.path("long.mp4"), { size: "32x32", rate: "30", seconds: 4 });
    const limits = { ...DEFAULT_VIDEO_LIMITS, maxFrames: 100 };
    const err = await openVideoSource(long, { limits, decodeAhead: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VideoInputError);
    expect((err as VideoInputError).message).toMatch(/video has 120 frames, over 100/);

    await ffmpeg(["-f", "lavfi", "-i", "testsrc=s=64x48", "-frames:v", "1", dir.path("still.png")]);
    await expect(
      openVideoSource(dir.path("still.png"), { decodeAhead: true, imageHint: "for two images, send both" }),
    ).rejects.toThrow(/video is a PNG image, not a video.*\(for two images, send both\)/);
  });

  it("kills a decoder started ahead that is never read, on close or on abort", async () => {
    // Frames well past a pipe's buffer (60 × 64×64 RGB, 737 kB), so the unread decoder is still there to kill: the
    // short clip of the other tests fits the pipe, and on a busy machine its decoder can end before the probe does.
    const big = await lavfiClip(dir.path("unread.mp4"), { size: "64x64", rate: "30", seconds: 2 });
    const unread = await openVideoSource(big, { decodeAhead: true });
    expect(runningFfmpegCount()).toBe(1);
    await unread.close();
    expect(runningFfmpegCount()).toBe(0);

    const job = new AbortController();
    const aborted = await openVideoSource(big, { decodeAhead: true, signal: job.signal });
    const reason = new Error("client went away");
    job.abort(reason);
    await expect(collect(aborted.frames())).rejects.toBe(reason);
    await aborted.close();
  });
});

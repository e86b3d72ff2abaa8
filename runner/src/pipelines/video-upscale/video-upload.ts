/**
 * @module The HTTP half's file handling of a video job: the uploaded part written to a private temporary directory
 * (ffprobe and ffmpeg read files, and a file lets them seek), the runner's {@link VideoLimits} from its settings,
 * and the `{images:[{url:"data:video/mp4;base64,…"}]}` answer read back from the encoded mp4.
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { RunnerConfig } from "../../config.js";
import type { VideoLimits } from "../../video/limits.js";

/**
 * The video limits a runner enforces, from its settings. The bytes limit is the smaller of `MAX_VIDEO_BYTES` and
 * `MAX_UPLOAD_BYTES`, since the body limit refuses a larger upload before the video is looked at.
 * @example videoLimitsOf(loadConfig([])).maxFrames // 3600
 */
export function videoLimitsOf(config: RunnerConfig): VideoLimits {
  return {
    maxBytes: Math.min(config.maxVideoBytes, config.maxUploadBytes),
    maxInputPixels: config.maxVideoInputPixels,
    maxOutputPixels: config.maxVideoOutputPixels,
    maxFrames: config.maxVideoFrames,
    maxDurationSeconds: config.maxVideoSeconds,
  };
}

/** A job's scratch directory; `remove` deletes it and all it holds (the upload, a partial or finished output). */
export interface VideoScratch {
  dir: string;
  upload: string;
  output: string;
  remove(): Promise<void>;
}

/**
 * Streams `file` into a new scratch directory (its bytes are not copied into one more buffer).
 * @example const scratch = await saveUpload(body.video); try { … } finally { await scratch.remove(); }
 */
export async function saveUpload(file: Blob): Promise<VideoScratch> {
  const dir = await mkdtemp(join(tmpdir(), "avs-video-upscale-"));
  const scratch = {
    dir,
    upload: join(dir, "upload"),
    output: join(dir, "upscaled.mp4"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  try {
    await pipeline(Readable.fromWeb(file.stream() as never), createWriteStream(scratch.upload));
  } catch (err) {
    await scratch.remove();
    throw err;
  }
  return scratch;
}

/**
 * The spec's `ImageResponse` holding one mp4 as a `data:video/mp4` URL. Built as bytes rather than with
 * `JSON.stringify`: base64 needs no escaping, and the string of a long video would be scanned and re-encoded.
 * @example return await mp4Response("/tmp/avs-video-x/upscaled.mp4", 42);
 */
export async function mp4Response(file: string, seed: number): Promise<Response> {
  const base64 = (await readFile(file)).toString("base64");
  const body = Buffer.from(
    `{"images":[{"url":"data:video/mp4;base64,${base64}","seed":${seed},"nsfw":false}]}`,
    "latin1",
  );
  return new Response(body, { headers: { "content-type": "application/json" } });
}

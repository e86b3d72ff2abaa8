/**
 * @module The HTTP half's file handling of a video job: the uploaded video as a file in a private temporary directory
 * (ffprobe and ffmpeg read files, and a file lets them seek), the runner's {@link VideoLimits} from its settings,
 * and the `{images:[{url:"data:video/mp4;base64,…"}]}` answer streamed from the encoded mp4.
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { spooledPath } from "@ai-video-subnet/server-kit";
import type { RunnerConfig } from "../../config.js";
import { type ScratchPrefix, scratchDirPrefix } from "../../internal/scratch-dirs.js";
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

/**
 * A job's scratch directory; `remove` deletes it and all it holds (a partial or finished output, the upload when it
 * was written there rather than read where the validator spooled it).
 */
export interface VideoScratch {
  dir: string;
  /** The uploaded video's file. */
  upload: string;
  output: string;
  remove(): Promise<void>;
}

/**
 * A new, empty scratch directory named after its pipeline and this process (`avs-<prefix>-<pid>-…` in the temporary
 * directory), so that a runner started after this one was killed removes it (`sweepStaleScratch`).
 * @example const scratch = await createScratch("frame-interpolation"); try { … } finally { await scratch.remove(); }
 */
export async function createScratch(prefix: ScratchPrefix): Promise<VideoScratch> {
  const dir = await mkdtemp(scratchDirPrefix(prefix));
  return {
    dir,
    upload: join(dir, "upload"),
    output: join(dir, "output.mp4"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * A new scratch directory with the upload `file` as a file: the one the validator streamed it to when it was larger
 * than the memory it may take (`upload-spool.ts`), read where it is (the validator removes it when the request is
 * done, however it ends), else `file` streamed into the directory (its bytes are not copied into one more buffer).
 * @example const scratch = await saveUpload(body.video); try { … } finally { await scratch.remove(); }
 */
export async function saveUpload(file: Blob, prefix: ScratchPrefix = "video-upscale"): Promise<VideoScratch> {
  const scratch = await createScratch(prefix);
  const spooled = spooledPath(file);
  if (spooled) return { ...scratch, upload: spooled };
  try {
    await pipeline(Readable.fromWeb(file.stream() as never), createWriteStream(scratch.upload));
  } catch (err) {
    await scratch.remove();
    throw err;
  }
  return scratch;
}

/** Bytes read per step of the answer: a multiple of 3, so each step's base64 joins the next without padding. */
const CHUNK = 3 * 64 * 1024;

/**
 * The spec's `ImageResponse` holding one mp4 as a `data:video/mp4` URL, streamed: the file is opened now (so its
 * directory may be removed at once) and read and base64-encoded a chunk at a time as the client takes the body, so
 * the answer costs the runner one chunk of memory, not the video twice over. Written as bytes rather than with
 * `JSON.stringify`: base64 needs no escaping.
 * @example return await mp4Response("/tmp/avs-video-upscale-x/upscaled.mp4", 42);
 */
export async function mp4Response(file: string, seed: number): Promise<Response> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const head = Buffer.from('{"images":[{"url":"data:video/mp4;base64,', "latin1");
    const tail = Buffer.from(`","seed":${seed},"nsfw":false}]}`, "latin1");
    const chunk = Buffer.alloc(CHUNK);
    let read = 0;
    let closed = false;
    const close = async () => {
      if (!closed) {
        closed = true;
        await handle.close();
      }
    };
    const body = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(new Uint8Array(head));
      },
      async pull(ctl) {
        try {
          const { bytesRead } = await handle.read(chunk, 0, Math.min(CHUNK, size - read), read);
          read += bytesRead;
          if (bytesRead > 0) ctl.enqueue(new Uint8Array(Buffer.from(chunk.toString("base64", 0, bytesRead), "latin1")));
          if (bytesRead === 0 || read >= size) {
            ctl.enqueue(new Uint8Array(tail));
            ctl.close();
            await close();
          }
        } catch (err) {
          await close();
          ctl.error(err);
        }
      },
      cancel: close,
    });
    const length = head.length + 4 * Math.ceil(size / 3) + tail.length;
    return new Response(body, { headers: { "content-type": "application/json", "content-length": String(length) } });
  } catch (err) {
    await handle.close();
    throw err;
  }
}

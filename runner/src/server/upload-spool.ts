/**
 * @module Where the runner's validator keeps a request's uploads (server-kit's `keepMultipart`). A pipeline with a
 * video field (`video-upscale`, `frame-interpolation`) keeps at most {@link VIDEO_MEMORY_BYTES} of a body in memory
 * and streams a larger file part to a file in a scratch directory this process owns (`avs-runner-uploads-<pid>-…`,
 * swept at start once its owner is gone), which ffprobe and ffmpeg then read in place: a video job's memory no longer
 * grows with the size of its upload (an 83 MB video raised the runner's peak RSS by ~190 MB when it was read whole).
 * The kit removes a request's file when its handler is done, and at once when the upload fails. The image pipelines
 * keep their uploads in memory, as their decoders need them there. No route forwards its body, so it is never kept.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RawMultipartOptions } from "@ai-video-subnet/server-kit";
import type { RunnerConfig } from "../config.js";
import { PIPELINES } from "../generated/runner-pipelines.js";
import { scratchDirPrefix } from "../internal/scratch-dirs.js";
import { uploadChecks } from "./upload-checks.js";

/** Bytes of a video pipeline's body (and of a file part) held in memory before it streams to a file. */
export const VIDEO_MEMORY_BYTES = 1024 * 1024;

/** The validator's upload options for a runner, and `remove` for its upload directory (none: a no-op). */
export interface UploadSpool {
  options: RawMultipartOptions;
  /** The scratch directory video uploads stream to, when the pipeline has one. */
  dir: string | undefined;
  remove(): Promise<void>;
}

/**
 * True when `pipeline` takes a video upload (a `video` file field in the spec's `x-avs-pipeline`).
 * @example hasVideoUpload("frame-interpolation") // true
 * @example hasVideoUpload("image-to-video") // false: its input is an image
 */
export function hasVideoUpload(pipeline: string): boolean {
  if (!Object.hasOwn(PIPELINES, pipeline)) return false;
  return Object.values(PIPELINES[pipeline as keyof typeof PIPELINES].files).includes("video");
}

/**
 * The upload options of the configured pipeline; a video pipeline's scratch directory is created now (mkdtemp: a
 * fresh 0700 directory no other user can have made first).
 * @example const spool = await uploadSpool(config); RequestValidator.create(doc, { keepMultipart: spool.options });
 */
export async function uploadSpool(config: RunnerConfig): Promise<UploadSpool> {
  const leadingBytes = uploadChecks(config.pipeline);
  if (!hasVideoUpload(config.pipeline)) {
    // Never written to: a body is refused past MAX_UPLOAD_BYTES before it could outgrow memoryBytes.
    const dir = join(tmpdir(), "avs-runner-uploads");
    return {
      options: { dir, memoryBytes: config.maxUploadBytes, keepBody: false, leadingBytes },
      dir: undefined,
      remove: async () => {},
    };
  }
  const dir = await mkdtemp(scratchDirPrefix("runner-uploads"));
  return {
    options: { dir, memoryBytes: VIDEO_MEMORY_BYTES, keepBody: false, leadingBytes },
    dir,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

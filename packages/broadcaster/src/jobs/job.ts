/** @module One job as the broadcaster routes it: the validated request and what it needs from an orchestrator. */
import {
  headerMeasure,
  imageSize,
  interpolatedFrames,
  type MediaMeasure,
  type RawMultipart,
  type UploadedPart,
  uploadedPart,
  workUnits,
} from "@ai-video-subnet/server-kit";
import type { PipelineEntry } from "../generated/gateway-pipelines.js";

/** A validated job. */
export interface Job {
  pipeline: string;
  modelId: string;
  /** The validated body (defaults applied, undeclared fields dropped); files are `Blob`s. */
  body: Record<string, unknown>;
  multipart: boolean;
  requestId: string;
  /**
   * Pixels × frames × steps × images, by the pipeline's recipe in the spec (see `workUnits`); an image-to-video job
   * with `output_fps` adds its interpolation stage: pixels × output frames (of SVD-XT's 25 frames).
   */
  units: number;
  /** A second capability the job needs on the same orchestrator (image-to-video with `output_fps` → FILM). */
  alsoNeeds?: { pipeline: string; modelId?: string | undefined };
  /**
   * The multipart body as the client sent it, forwarded unchanged instead of re-encoding `body` (see
   * {@link forwardable}); absent for JSON jobs and for bodies with parts the spec does not declare.
   */
  raw?: RawMultipart;
}

/** Frames an image-to-video job is counted for (SVD-XT's), as the spec's recipe counts them. */
const COUNTED_SVD_FRAMES = 25;

/** An output copied into the output store: its name there, with the seed and flag the orchestrator reported. */
export interface StoredMedia {
  name: string;
  seed: number;
  nsfw: boolean;
}

/**
 * The job of a validated request to one of the gateway's pipelines.
 * @example const job = await jobOf(PIPELINES.upscale, body, getRequestId(c));
 */
export async function jobOf(pipeline: PipelineEntry, body: Record<string, unknown>, requestId: string): Promise<Job> {
  const job: Job = {
    pipeline: pipeline.pipeline,
    modelId: String(body.model_id),
    body,
    multipart: pipeline.body === "multipart",
    requestId,
    units: await unitsOf(pipeline, body),
  };
  const alsoNeeds = alsoNeedsOf(job.pipeline, body);
  if (alsoNeeds) {
    job.alsoNeeds = alsoNeeds;
    const fps = typeof body.fps === "number" ? body.fps : 6;
    const pixels = Number(body.width ?? 1024) * Number(body.height ?? 576);
    const source = { frames: COUNTED_SVD_FRAMES, seconds: COUNTED_SVD_FRAMES / fps };
    job.units += pixels * interpolatedFrames(source, { outputFps: body.output_fps as number });
  }
  return job;
}

/** Bytes of a file's head that an image's size is read from (as server-kit's `headerMeasure` reads). */
const IMAGE_HEAD = 65536;

/**
 * One empty Blob per file field, standing for that field's in-memory upload in the body work units are counted
 * from (made once: a Blob's construction is not free).
 */
const STAND_INS = new Map<string, Blob>();
function standIn(field: string): Blob {
  let blob = STAND_INS.get(field);
  if (!blob) {
    blob = new Blob();
    STAND_INS.set(field, blob);
  }
  return blob;
}

/**
 * Work units of a validated body. An image upload held in memory is measured from its part's first bytes: reading
 * the field would build a File of it (a copy of the whole upload, the largest allocation of a forwarded job), which
 * a job whose body is forwarded as it came never needs.
 */
async function unitsOf(pipeline: PipelineEntry, body: Record<string, unknown>): Promise<number> {
  const parts = new Map<Blob, UploadedPart>();
  for (const field of Object.keys(pipeline.files)) {
    const part = uploadedPart(body, field);
    if (part) parts.set(standIn(field), part);
  }
  if (parts.size === 0) return workUnits(pipeline, body);
  const view: Record<string, unknown> = {};
  for (const key of Object.keys(body)) {
    view[key] = Object.hasOwn(pipeline.files, key) && uploadedPart(body, key) ? standIn(key) : body[key];
  }
  const measure: MediaMeasure = async (file, kind) => {
    const part = parts.get(file);
    if (!part) return headerMeasure(file, kind);
    return kind === "image" ? imageSize(part.head(IMAGE_HEAD)) : headerMeasure(part.file(), kind);
  };
  return workUnits(pipeline, view, measure);
}

/**
 * The second capability a job needs on its orchestrator: a frame-interpolation model for an image-to-video job
 * whose `output_fps` is above its `fps` (the SVD → FILM chain); undefined for every other job.
 * @example alsoNeedsOf("image-to-video", { fps: 7, output_fps: 24 }) // { pipeline: "frame-interpolation", modelId: undefined }
 */
export function alsoNeedsOf(pipeline: string, body: Record<string, unknown>): Job["alsoNeeds"] {
  const fps = typeof body.fps === "number" ? body.fps : 6;
  if (pipeline !== "image-to-video" || typeof body.output_fps !== "number" || body.output_fps <= fps) return undefined;
  const modelId = typeof body.interpolation_model_id === "string" ? body.interpolation_model_id : undefined;
  return { pipeline: "frame-interpolation", modelId };
}

/**
 * The client's multipart body, when forwarding it unchanged means the same to the orchestrator as the validated
 * body: the orchestrator's spec takes the same request schema on the same path (the specs test holds them equal),
 * so it coerces and defaults the same fields the same way. Only a body with a part the spec does not declare
 * (dropped here, so not in `body`) is re-encoded instead, so as not to forward bytes the job does not use.
 * @example job.raw = forwardable(rawMultipart(c), body);
 */
export function forwardable(raw: RawMultipart | undefined, body: Record<string, unknown>): RawMultipart | undefined {
  return raw?.parts.every((name) => Object.hasOwn(body, name)) ? raw : undefined;
}

/** @module One job as the broadcaster routes it: the validated request and what it needs from an orchestrator. */
import { interpolatedFrames, type RawMultipart, workUnits } from "@ai-video-subnet/server-kit";
import type { PipelineEntry } from "../generated/gateway-pipelines.js";

/** A validated job. */
export interface Job {
  pipeline: string;
  modelId: string;
  /** The validated body (defaults applied, undeclared fields dropped); files are `Blob`s. */
  body: Record<string, unknown>;
  multipart: boolean;
  /** The caller's `X-Request-Id` (or the one made for it): logged, echoed. */
  requestId: string;
  /** Sent upstream as `X-Request-Id` instead of `requestId` (an asynchronous job's run: see `runRequestId`). */
  upstreamRequestId?: string;
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
    units: await workUnits(pipeline, body),
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

/** @module One job as the broadcaster routes it: the validated request and what it needs from an orchestrator. */
import { interpolatedFrames, type RawMultipart, workUnits } from "@ai-video-subnet/server-kit";
import type { PipelineEntry } from "../generated/gateway-pipelines.js";
import { modelFor } from "./default-models.js";
import { checkSourceRules } from "./source-rules.js";

/** A validated job. */
export interface Job {
  pipeline: string;
  /** The model the job runs: the request's `model_id`, or the pipeline's default when it named none. */
  modelId: string;
  /** The request named no model (`model_id` absent or empty): `modelId` is the pipeline's default. */
  modelDefaulted?: true;
  /** The validated body (defaults applied, `model_id` the one the job runs, undeclared fields dropped); files are `Blob`s. */
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
   * How long a step that failed on this gateway's own account is tried again, ms (default 0: the job answers 503 at
   * once, its client retrying): sending the request when a local resource ran out (descriptors, disk, memory), or
   * an output the output store or the disk failed to take. An asynchronous job's: its client is not waiting, and its
   * work is not thrown away for a blip (see `own-failures.ts`).
   */
  localRetryMs?: number;
  /**
   * How long its outputs are kept at least, ms: an asynchronous job's retention, set by the broadcaster that accepted
   * it, so that a job run by a broadcaster with a shorter `output-retention-ms` does not outlive its outputs (a store
   * that records no expiry per output ignores it). Default: the store's own retention.
   */
  outputKeepMs?: number;
  /**
   * The multipart body as the client sent it, forwarded unchanged instead of re-encoding `body` (see
   * {@link forwardable}); absent for JSON jobs and for bodies with parts the spec does not declare.
   */
  raw?: RawMultipart;
  /** A part sent in front of `raw`: the `model_id` the gateway chose for a body that named none. */
  rawHead?: Buffer;
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
 * The job of a validated request to one of the gateway's pipelines. A request that names no model gets the
 * pipeline's default in `body.model_id` too, so the job runs, is stored and is answered with it; without a default
 * it throws the 422 of a missing `model_id` (see `modelFor`).
 * @example const job = await jobOf(PIPELINES.upscale, body, getRequestId(c), options.defaultModels);
 */
export async function jobOf(
  pipeline: PipelineEntry,
  body: Record<string, unknown>,
  requestId: string,
  defaultModels: Readonly<Record<string, string>>,
): Promise<Job> {
  checkSourceRules(pipeline.pipeline, body);
  const { modelId, defaulted } = modelFor(pipeline.pipeline, body.model_id, defaultModels);
  body.model_id = modelId;
  const job: Job = {
    pipeline: pipeline.pipeline,
    modelId,
    ...(defaulted ? { modelDefaulted: true } : {}),
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
  // Empty is the orchestrator's default FILM model, as an empty model_id is the gateway's default model.
  const named = body.interpolation_model_id;
  const modelId = typeof named === "string" && named !== "" ? named : undefined;
  return { pipeline: "frame-interpolation", modelId };
}

/**
 * The client's multipart body, when forwarding it unchanged means the same to the orchestrator as the validated
 * body: the orchestrator's spec takes the same fields on the same path (the broadcaster's forwarding test holds
 * them equal), so it coerces and defaults them the same way. A body with a part the spec does not declare (dropped
 * here, so not in `body`) is re-encoded instead, so as not to forward bytes the job does not use. A body that named
 * no model goes with a `model_id` part in front (`rawHead`, as the orchestrator puts defaulted fields in front for
 * its runner), since the orchestrator requires one; one with an empty `model_id` part (a second would be a
 * duplicate), or with bytes before its first boundary, is re-encoded.
 * @example Object.assign(job, forwardable(rawMultipart(c), job));
 */
export function forwardable(raw: RawMultipart | undefined, job: Job): Pick<Job, "raw" | "rawHead"> {
  if (!raw?.parts.every((name) => Object.hasOwn(job.body, name))) return {};
  if (!job.modelDefaulted) return { raw };
  if (raw.parts.includes("model_id") || !raw.opensWithBoundary) return {};
  const head = `--${raw.boundary}\r\nContent-Disposition: form-data; name="model_id"\r\n\r\n${job.modelId}\r\n`;
  return { raw, rawHead: Buffer.from(head) };
}

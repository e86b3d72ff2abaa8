/** @module One job as the broadcaster routes it: the validated request and what it needs from an orchestrator. */
import { workUnits } from "@ai-video-subnet/server-kit";
import type { PipelineEntry } from "../generated/gateway-pipelines.js";

/** A validated job. */
export interface Job {
  pipeline: string;
  modelId: string;
  /** The validated body (defaults applied, undeclared fields dropped); files are `Blob`s. */
  body: Record<string, unknown>;
  multipart: boolean;
  requestId: string;
  /** Pixels × frames × steps × images, by the pipeline's recipe in the spec (see `workUnits`). */
  units: number;
}

/** A media entry of an `ImageResponse`. */
export interface Media {
  url: string;
  seed: number;
  nsfw: boolean;
}

/**
 * The job of a validated request to one of the gateway's pipelines.
 * @example const job = await jobOf(PIPELINES.upscale, body, getRequestId(c));
 */
export async function jobOf(pipeline: PipelineEntry, body: Record<string, unknown>, requestId: string): Promise<Job> {
  return {
    pipeline: pipeline.pipeline,
    modelId: String(body.model_id),
    body,
    multipart: pipeline.body === "multipart",
    requestId,
    units: await workUnits(pipeline, body),
  };
}

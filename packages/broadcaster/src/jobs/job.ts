/** @module One job as the broadcaster routes it: the validated request and what it needs from an orchestrator. */

/** The four pipelines, by gateway route path. */
export const PIPELINES = {
  genTextToImage: "text-to-image",
  genImageToImage: "image-to-image",
  genImageToVideo: "image-to-video",
  genUpscale: "upscale",
} as const;

/** A job operation id of the gateway spec. */
export type JobOperation = keyof typeof PIPELINES;

/** A validated job. */
export interface Job {
  pipeline: string;
  modelId: string;
  /** The validated body (defaults applied, undeclared fields dropped); files are `Blob`s. */
  body: Record<string, unknown>;
  multipart: boolean;
  requestId: string;
  /** Pixels × steps, see `workUnits`. */
  units: number;
}

/** A media entry of an `ImageResponse`. */
export interface Media {
  url: string;
  seed: number;
  nsfw: boolean;
}

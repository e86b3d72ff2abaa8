/**
 * @module Which pipelines the devnet can run and with which model: a pipeline counts as available when the runner
 * serves it (its pipeline registry) and a model for it can be installed without a network (its catalog). Real
 * weights are preferred; tiny generated test models (not trained) fill the other pipelines.
 */
import { CATALOG, PIPELINES } from "@ai-video-subnet/runner";
import { PIPELINES as GATEWAY_PIPELINES } from "@ai-video-subnet/sdk";

/** A model the devnet installs and serves for one pipeline. */
export interface PlannedModel {
  pipeline: string;
  modelId: string;
  /** A tiny test model (simple weights whose output is known, not trained): the real code path, no real pictures. */
  tiny: boolean;
  description: string;
}

/**
 * Preferred models per pipeline, best first. Stable Diffusion folders serve both text-to-image and image-to-image,
 * so the SD entries are listed under both whatever pipeline their catalog entry names.
 */
export const PREFERRED_MODELS: Record<string, readonly string[]> = {
  upscale: ["upscalerjs/esrgan-slim-x4", "tiny/esrgan-x4"],
  // Video upscaling serves the image upscaler's models (its own catalog lists none).
  "video-upscale": ["upscalerjs/esrgan-slim-x4", "tiny/esrgan-x4"],
  "text-to-image": ["tiny/sd-turbo", "tiny/sd15", "tiny/sdxl-turbo"],
  "image-to-image": ["tiny/sd-turbo", "tiny/sd15", "tiny/sdxl-turbo"],
  "image-to-video": ["tiny/svd", "tiny/svd-xt"],
  "frame-interpolation": ["tiny/film"],
};

/** The pipelines in the order the demo runs them: the gateway spec's order. */
export const PIPELINE_ORDER: readonly string[] = Object.keys(GATEWAY_PIPELINES);

/**
 * One model per available pipeline: the first preferred model in the catalog, else any catalog model of that
 * pipeline (real before tiny).
 * @example planModels().map((m) => m.pipeline) // ["upscale"] while only the upscaler exists
 */
export function planModels(
  pipelines: readonly string[] = Object.keys(PIPELINES),
  catalog: ReadonlyArray<{ id: string; pipeline: string; tiny: boolean; description: string }> = CATALOG,
): PlannedModel[] {
  const order = [...PIPELINE_ORDER, ...pipelines.filter((p) => !PIPELINE_ORDER.includes(p))];
  const out: PlannedModel[] = [];
  for (const pipeline of order) {
    if (!pipelines.includes(pipeline)) continue;
    const preferred = (PREFERRED_MODELS[pipeline] ?? [])
      .map((id) => catalog.find((c) => c.id === id))
      .find((c) => c !== undefined);
    const any = [...catalog].filter((c) => c.pipeline === pipeline).sort((a, b) => Number(a.tiny) - Number(b.tiny))[0];
    const entry = preferred ?? any;
    if (entry) out.push({ pipeline, modelId: entry.id, tiny: entry.tiny, description: entry.description });
  }
  return out;
}

/**
 * Whether a catalog model exists (so tests can use a model only once its helper registered it).
 * @example hasModel("tiny/sd-turbo")
 */
export function hasModel(id: string): boolean {
  return CATALOG.some((c) => c.id === id);
}

/** Whether the runner serves a pipeline. */
export function servesPipeline(pipeline: string): boolean {
  return pipeline in PIPELINES;
}

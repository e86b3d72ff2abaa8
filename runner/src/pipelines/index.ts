/**
 * @module The pipeline registry: a pipeline is a folder with its HTTP half and worker half; adding one is that
 * folder plus one line here (keyed by the `PIPELINE` name, which is also the route's path).
 */
import type { PipelineModule } from "./types.js";

/** Every pipeline this runner can serve. */
export const PIPELINES: Record<string, PipelineModule> = {
  upscale: {
    http: async () => (await import("./upscale/http.js")).upscaleHttp,
    worker: async () => (await import("./upscale/worker.js")).upscaleWorker,
  },
  "text-to-image": {
    http: async () => (await import("./text-to-image/http.js")).textToImageHttp,
    worker: async () => (await import("./text-to-image/worker.js")).textToImageWorker,
  },
  "image-to-image": {
    http: async () => (await import("./image-to-image/http.js")).imageToImageHttp,
    worker: async () => (await import("./image-to-image/worker.js")).imageToImageWorker,
  },
};

/**
 * The registry entry of a pipeline, or an error naming the ones that exist.
 * @example await pipelineModule("upscale").http()
 */
export function pipelineModule(name: string): PipelineModule {
  const p = PIPELINES[name];
  if (!p)
    throw new Error(
      `unknown PIPELINE ${JSON.stringify(name)}; this runner serves ${Object.keys(PIPELINES).join(", ")}`,
    );
  return p;
}

export type * from "./types.js";

/**
 * @module The worker halves of the pipelines, by `PIPELINE` name, each imported on first use. The inference worker
 * thread loads its pipeline from here, not from the registry (`index.ts`): the definitions there are HTTP halves,
 * which import the spec's validators, server-kit, sharp and the model catalogs, none of which the worker runs. A
 * runner process starts with less CPU that way (the README's "Start-up"). Each definition names its entry here as
 * its `worker`, so the two lists cannot disagree (`worker-halves.test.ts`).
 */

/** Imports of each pipeline's worker half. */
export const WORKER_HALVES = {
  upscale: async () => (await import("./upscale/worker.js")).upscaleWorker,
  "video-upscale": async () => (await import("./video-upscale/worker.js")).videoUpscaleWorker,
  "frame-interpolation": async () => (await import("./frame-interpolation/worker.js")).frameInterpolationWorker,
  "text-to-image": async () => (await import("./stable-diffusion/sd-worker.js")).sdWorker,
  "image-to-image": async () => (await import("./stable-diffusion/sd-worker.js")).sdImageWorker,
  "image-to-video": async () => (await import("./image-to-video/worker.js")).svdWorker,
};

/** A pipeline's name. */
export type PipelineName = keyof typeof WORKER_HALVES;

/**
 * The import of a pipeline's worker half, or an error naming the pipelines that exist.
 * @example const half = await workerHalf("upscale")();
 */
export function workerHalf(name: string): (typeof WORKER_HALVES)[PipelineName] {
  if (!Object.hasOwn(WORKER_HALVES, name)) {
    throw new Error(
      `unknown PIPELINE ${JSON.stringify(name)}; this runner serves ${Object.keys(WORKER_HALVES).join(", ")}`,
    );
  }
  return WORKER_HALVES[name as PipelineName];
}

/**
 * @module The pipeline registry: the one list of the pipelines this runner serves, keyed by `PIPELINE` name (also the
 * route's path). A pipeline is a folder with its definition (`definePipeline`, see `define.ts`); its worker half and
 * verifier are imported lazily, so each thread loads only what it runs. Adding one = its folder + one line here.
 */
import type { Pipeline } from "./define.js";
import { frameInterpolation } from "./frame-interpolation/index.js";
import { imageToImage } from "./image-to-image/index.js";
import { imageToVideo } from "./image-to-video/index.js";
import { textToImage } from "./text-to-image/index.js";
import { upscale } from "./upscale/index.js";
import { videoUpscale } from "./video-upscale/index.js";

/** Every pipeline this runner can serve, by name. */
export const PIPELINES: Readonly<Record<string, Pipeline>> = Object.fromEntries(
  [upscale, videoUpscale, frameInterpolation, textToImage, imageToImage, imageToVideo].map((p) => [p.name, p]),
);

/**
 * The definition of a pipeline, or an error naming the ones that exist.
 * @example await pipelineDefinition("upscale").worker()
 */
export function pipelineDefinition(name: string): Pipeline {
  const p = Object.hasOwn(PIPELINES, name) ? PIPELINES[name] : undefined;
  if (!p) {
    throw new Error(
      `unknown PIPELINE ${JSON.stringify(name)}; this runner serves ${Object.keys(PIPELINES).join(", ")}`,
    );
  }
  return p;
}

export type * from "./contract.js";
export { definePipeline, type Pipeline } from "./define.js";

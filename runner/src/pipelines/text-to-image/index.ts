/**
 * @module The `text-to-image` pipeline (`POST /text-to-image`). HTTP half: checks the request beyond the schema (sizes
 * divisible by 8, the work limit, the LoRA field, the seed) and answers PNG data URLs. Worker half: the shared Stable
 * Diffusion worker (`../stable-diffusion/sd-worker.ts`).
 */
import { parseLoras } from "../../lora/index.js";
import { SD_TINY_ENTRIES } from "../../models/factory/sd-catalog.js";
import { definePipeline } from "../define.js";
import { checkDivisibleBy8, checkWork, requestSeed, sdJob, toImageResponse } from "../stable-diffusion/http-common.js";
import { WORKER_HALVES } from "../worker-halves.js";

/** The text-to-image pipeline. */
export const textToImage = definePipeline({
  name: "text-to-image",
  operationId: "genTextToImage",
  optional: ["seed"],
  worker: WORKER_HALVES["text-to-image"],
  loadOptions: (config) => ({ maxLoraBytes: config.maxLoraBytes }),
  verify: async () => (await import("../stable-diffusion/verify-sd.js")).verifySdModel,
  // The tiny SD folders serve image-to-image too; they are listed once, here.
  catalog: SD_TINY_ENTRIES,

  prepare(body, ctx) {
    const { height, width, num_images_per_prompt: images, num_inference_steps: steps } = body;
    checkDivisibleBy8(height, width);
    checkWork({ width, height, images, steps }, ctx.config.maxSdWork);
    const seed = requestSeed(body.seed, images);
    const job = sdJob(body, { seed, width, height, loras: parseLoras(body.loras) });
    return { job, state: { seed } };
  },

  respond: (result, { seed }, ctx) => toImageResponse(result, seed, ctx.log, ctx.config.pngCompression),
});

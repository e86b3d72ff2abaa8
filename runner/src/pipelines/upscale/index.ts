/**
 * @module The `upscale` pipeline (`POST /upscale`). HTTP half: decodes the upload (type from its bytes, limits from
 * the header), checks the result's size against `MAX_OUTPUT_PIXELS`, moves the pixels to the worker and answers a
 * PNG data URL. `prompt` and `num_inference_steps` are accepted for Livepeer compatibility and ignored by ESRGAN;
 * `nsfw` is always false (no safety checker is configured). Worker half: `worker.ts`.
 */
import { randomInt } from "node:crypto";
import { PayloadTooLargeError } from "../../errors.js";
import { decodeImage, ownedBytes } from "../../image/decode.js";
import { encodePng, mediaResponse } from "../../image/encode.js";
import { UPSCALERJS_ENTRIES } from "../../models/esrgan/upscalerjs.js";
import { ESRGAN_TINY_ENTRIES } from "../../models/factory/esrgan-catalog.js";
import { definePipeline } from "../define.js";
import { WORKER_HALVES } from "../worker-halves.js";

/** The upscale pipeline. */
export const upscale = definePipeline({
  name: "upscale",
  operationId: "genUpscale",
  optional: ["seed"],
  worker: WORKER_HALVES.upscale,
  loadOptions: (config) => ({ tileSize: config.tileSize, tileOverlap: config.tileOverlap }),
  verify: async () => (await import("./verify.js")).verifyUpscaler,
  catalog: [...ESRGAN_TINY_ENTRIES, ...UPSCALERJS_ENTRIES],

  async prepare(body, ctx) {
    const image = await decodeImage(new Uint8Array(await body.image.arrayBuffer()), {
      maxSide: ctx.config.maxImageSide,
      maxPixels: ctx.config.maxInputPixels,
    });
    const scale = ctx.modelInfo().scale ?? 1;
    const outPixels = image.width * scale * image.height * scale;
    if (outPixels > ctx.config.maxOutputPixels) {
      throw new PayloadTooLargeError(
        `the ×${scale} result of a ${image.width}×${image.height} px image would be ${image.width * scale}×${image.height * scale} = ${outPixels} px; this runner produces at most ${ctx.config.maxOutputPixels} px`,
      );
    }
    const pixels = ownedBytes(image.pixels);
    return {
      job: { width: image.width, height: image.height, pixels },
      transfer: [pixels.buffer as ArrayBuffer],
      // Livepeer draws a missing seed at random and reports it back.
      state: { seed: body.seed ?? randomInt(0, 2 ** 32) },
    };
  },

  async respond(image, { seed }, ctx) {
    return mediaResponse([{ png: await encodePng(image, ctx.config.pngCompression), seed, nsfw: false }]);
  },
});

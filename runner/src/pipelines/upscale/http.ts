/**
 * @module `POST /upscale`, HTTP half: decodes the upload (type from its bytes, limits from the header), queues the
 * pixels for the worker, and returns the result as a PNG data URL. `prompt` and `num_inference_steps` are accepted
 * for Livepeer compatibility and ignored by ESRGAN; `nsfw` is always false (no safety checker is configured).
 */
import { randomInt } from "node:crypto";
import { HttpError } from "@ai-video-subnet/specs";
import { decodeImage, ownedBytes, type RgbImage } from "../../image/decode.js";
import { encodePng, mediaResponse } from "../../image/encode.js";
import type { HttpPipeline } from "../types.js";

/** Livepeer draws a missing seed at random and reports it back. */
function randomSeed(): number {
  return randomInt(0, 2 ** 32);
}

/** The upscale pipeline's HTTP half. */
export const upscaleHttp: HttpPipeline = {
  operationId: "genUpscale",
  mount(route, ctx, before) {
    route(
      "genUpscale",
      async (body, c) => {
        ctx.checkModelId(body.model_id);
        const bytes = new Uint8Array(await body.image.arrayBuffer());
        const image = await decodeImage(bytes, {
          maxSide: ctx.config.maxImageSide,
          maxPixels: ctx.config.maxInputPixels,
        });
        const scale = Number(ctx.modelInfo().scale ?? 1);
        const outPixels = image.width * scale * image.height * scale;
        if (outPixels > ctx.config.maxOutputPixels) {
          throw new HttpError(
            413,
            `the ×${scale} result of a ${image.width}×${image.height} px image would be ${image.width * scale}×${image.height * scale} = ${outPixels} px; this runner produces at most ${ctx.config.maxOutputPixels} px`,
          );
        }
        const seed = body.seed ?? randomSeed();
        const pixels = ownedBytes(image.pixels);
        const out = await ctx.run<RgbImage>(
          { width: image.width, height: image.height, pixels },
          { signal: c.req.raw.signal, transfer: [pixels.buffer as ArrayBuffer] },
        );
        return mediaResponse([{ png: await encodePng(out, ctx.config.pngCompression), seed, nsfw: false }]);
      },
      ...before,
    );
  },
};

/**
 * @module `POST /image-to-image`, HTTP half: decodes the upload (type from its bytes), resizes it down to the nearest
 * multiple of 8 on each side (as diffusers' image processor does; the output has that size), checks the work limit and
 * the LoRA field, and queues the job. `image_guidance_scale` is accepted for Livepeer compatibility; it only means
 * something to InstructPix2Pix models, which this runner does not serve, and is ignored.
 */
import { HttpError } from "@ai-video-subnet/specs";
import sharp from "sharp";
import { decodeImage, ownedBytes, type RgbImage } from "../../image/decode.js";
import { parseLoras } from "../../lora/index.js";
import { checkWork, requestSeed, toImageResponse } from "../stable-diffusion/http-common.js";
import type { SdJob, SdResult } from "../stable-diffusion/job.js";
import type { HttpPipeline } from "../types.js";

/**
 * Resizes to the largest multiple of 8 not above each side (Lanczos), or returns the image when it already fits.
 *
 * @throws {HttpError} 400 for a side under 8 px.
 * @example
 * (await toMultipleOf8({ width: 517, height: 300, pixels })).width; // 512
 */
export async function toMultipleOf8(image: RgbImage): Promise<RgbImage> {
  const width = image.width - (image.width % 8);
  const height = image.height - (image.height % 8);
  if (width < 8 || height < 8)
    throw new HttpError(400, `image must be at least 8×8 px, got ${image.width}×${image.height}`);
  if (width === image.width && height === image.height) return image;
  const { data, info } = await sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: "fill", kernel: "lanczos3" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    pixels: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
  };
}

/** The image-to-image pipeline's HTTP half. */
export const imageToImageHttp: HttpPipeline = {
  operationId: "genImageToImage",
  mount(route, ctx, before) {
    route(
      "genImageToImage",
      async (body, c) => {
        ctx.checkModelId(body.model_id);
        const loras = parseLoras(body.loras);
        const images = body.num_images_per_prompt ?? 1;
        const steps = body.num_inference_steps ?? 100;
        const strength = body.strength ?? 0.8;
        const decoded = await decodeImage(new Uint8Array(await body.image.arrayBuffer()), {
          maxSide: ctx.config.maxImageSide,
          maxPixels: ctx.config.maxInputPixels,
        });
        const image = await toMultipleOf8(decoded);
        const runSteps = Math.min(Math.floor(steps * strength), steps);
        checkWork({ width: image.width, height: image.height, images, steps: runSteps }, ctx.config.maxSdWork);
        const pixels = ownedBytes(image.pixels);
        const job: SdJob = {
          prompt: body.prompt,
          negativePrompt: body.negative_prompt ?? "",
          guidanceScale: body.guidance_scale ?? 7.5,
          numInferenceSteps: steps,
          numImages: images,
          seed: requestSeed(body.seed, images),
          width: image.width,
          height: image.height,
          safetyCheck: body.safety_check ?? true,
          loras,
          init: { image: { ...image, pixels }, strength },
        };
        const result = await ctx.run<SdResult>(job, {
          signal: c.req.raw.signal,
          transfer: [pixels.buffer as ArrayBuffer],
        });
        return toImageResponse(result, job.seed, ctx.log, ctx.config.pngCompression);
      },
      ...before,
    );
  },
};

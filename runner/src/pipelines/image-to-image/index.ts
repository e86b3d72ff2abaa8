/**
 * @module The `image-to-image` pipeline (`POST /image-to-image`). HTTP half: decodes the upload (type from its bytes),
 * resizes it down to the nearest multiple of 8 on each side (as diffusers' image processor does; the output has that
 * size), checks the work limit and the LoRA field, and moves the pixels to the worker. `image_guidance_scale` is
 * accepted for Livepeer compatibility; it only means something to InstructPix2Pix models, which this runner does not
 * serve, and is ignored. Worker half: the shared Stable Diffusion worker, which then requires `vae_encoder/`.
 */
import sharp from "sharp";
import { BadRequestError } from "../../errors.js";
import { decodeImage, ownedBytes, type RgbImage } from "../../image/decode.js";
import { parseLoras } from "../../lora/index.js";
import { definePipeline } from "../define.js";
import { checkWork, requestSeed, sdJob, toImageResponse } from "../stable-diffusion/http-common.js";
import { WORKER_HALVES } from "../worker-halves.js";

/** The smallest side an image-to-image input may have: one latent pixel (8 px) each way. */
const MIN_SIDE = 8;

/**
 * Resizes to the largest multiple of 8 not above each side (Lanczos), or returns the image when it already fits.
 *
 * @throws {BadRequestError} for a side under 8 px.
 * @example
 * (await toMultipleOf8({ width: 517, height: 300, pixels })).width; // 512
 */
export async function toMultipleOf8(image: RgbImage): Promise<RgbImage> {
  const width = image.width - (image.width % 8);
  const height = image.height - (image.height % 8);
  if (width < MIN_SIDE || height < MIN_SIDE)
    throw new BadRequestError(`image must be at least ${MIN_SIDE}×${MIN_SIDE} px, got ${image.width}×${image.height}`);
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

/** The image-to-image pipeline. */
export const imageToImage = definePipeline({
  name: "image-to-image",
  operationId: "genImageToImage",
  optional: ["seed"],
  worker: WORKER_HALVES["image-to-image"],
  loadOptions: (config) => ({ maxLoraBytes: config.maxLoraBytes }),
  verify: async () => (await import("../stable-diffusion/verify-sd.js")).verifySdModel,

  async prepare(body, ctx) {
    const loras = parseLoras(body.loras);
    const { num_images_per_prompt: images, num_inference_steps: steps, strength } = body;
    const decoded = await decodeImage(new Uint8Array(await body.image.arrayBuffer()), {
      maxSide: ctx.config.maxImageSide,
      maxPixels: ctx.config.maxInputPixels,
      minSide: MIN_SIDE,
    });
    const image = await toMultipleOf8(decoded);
    const runSteps = Math.min(Math.floor(steps * strength), steps);
    checkWork({ width: image.width, height: image.height, images, steps: runSteps }, ctx.config.maxSdWork);
    const pixels = ownedBytes(image.pixels);
    const seed = requestSeed(body.seed, images);
    const job = sdJob(body, {
      seed,
      width: image.width,
      height: image.height,
      loras,
      init: { image: { ...image, pixels }, strength },
    });
    return { job, transfer: [pixels.buffer as ArrayBuffer], state: { seed } };
  },

  respond: (result, { seed }, ctx) => toImageResponse(result, seed, ctx.log, ctx.config.pngCompression),
});

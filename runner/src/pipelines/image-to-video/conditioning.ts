/**
 * @module The two conditionings SVD takes from the input image, as diffusers' `StableVideoDiffusionPipeline` makes
 * them: the CLIP image embedding of the image at its own size (`_encode_image`), and the VAE latents of the image
 * resized to the video's size with noise augmentation `image + noise_aug_strength·ε` (`_encode_vae_image`: the mode of
 * the latent distribution, not scaled by the VAE's scaling factor).
 */
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import type { RgbImage } from "../../image/decode.js";
import { Lru } from "../../internal/lru.js";
import { ShapePool, shapeKey } from "../../internal/shape-pool.js";
import { toHalfBits } from "../../onnx/float16.js";
import type { NoiseSource } from "../../schedulers/index.js";
import { type ReusedFloatTensor, readFloats, reusedFloatTensor } from "../stable-diffusion/session-io.js";
import type { TimedRun } from "../stable-diffusion/vae.js";
import { clipPixelValues, clipResample } from "./clip-preprocess.js";
import { pooled } from "./release-outputs.js";
import type { SvdComponents } from "./svd-load.js";

/** The CLIP preparation's buffers per image encoder and (image height, side, fp16), lent to one request at a time. */
const clipBuffers = new ShapePool<{ out: Float32Array; scratch: Float32Array; half?: Uint16Array }>(2);

/** The resampling taps of recent image sizes (uploads of one size repeat). */
const resamplings = new Lru<string, ReturnType<typeof clipResample>>(16);

/**
 * The CLIP image embedding of `image` (its own size): the image encoder's `pixel_values` prepared in JavaScript
 * (clip-preprocess.ts), then its `image_embeds` ([D] values).
 *
 * @example
 * const embeds = await imageEmbeddings(components, image, run);
 */
export async function imageEmbeddings(c: SvdComponents, image: RgbImage, run: TimedRun): Promise<Float32Array> {
  const side = c.io.clipSide;
  const taps = resamplings.getOrSet(`${image.width}x${image.height}x${side}`, () =>
    clipResample(image.width, image.height, side),
  );
  const { name, type } = c.io.pixelValues;
  const dims = [1, 3, side, side];
  const key = shapeKey(image.height, side, type === "float16" ? 1 : 0);
  const lent = clipBuffers.take(c.imageEncoder, key) ?? {
    out: new Float32Array(3 * side * side),
    scratch: new Float32Array(image.height * side * 3),
  };
  let out: ort.InferenceSession.ReturnType;
  try {
    const values = clipPixelValues(image, taps, { mean: c.index.imageMean, std: c.index.imageStd, side }, lent);
    if (type === "float16") lent.half = toHalfBits(values, lent.half);
    const pixelValues = lent.half
      ? new ort.Tensor("float16", lent.half, dims)
      : new ort.Tensor("float32", values, dims);
    out = await run("image_encoder", c.imageEncoder, { [name]: pixelValues }, ["image_embeds"]);
  } finally {
    clipBuffers.give(c.imageEncoder, key, lent);
  }
  const embeds = readFloats(out.image_embeds);
  if (embeds.length !== c.io.embedDim) {
    throw new Error(`image_encoder gave ${embeds.length} image_embeds values; the unet takes ${c.io.embedDim}`);
  }
  return embeds;
}

/**
 * The image at `width`×`height`: itself when it has that size, else resized with Lanczos (a = 3), the filter of
 * diffusers' `VaeImageProcessor` (whose SVD pipeline expects the caller to pass an image of the video's size).
 *
 * @example
 * const fitted = await fitImage(upload, 1024, 576);
 */
export async function fitImage(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (image.width === width && image.height === height) return image;
  const { data, info } = await sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: "fill", kernel: "lanczos3" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, pixels: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/**
 * `x = pixels/127.5 − 1 + s·ε` in place: `x` holds ε (NCHW, 3 planes) and RGB bytes come interleaved. A function of
 * its own rather than a loop in the async caller: V8 entered that loop through on-stack replacement and threw the
 * optimised code away after it on every request, so most of the loop ran interpreted (~0.8 ms at 64×64).
 */
function augmentPixels(pixels: Uint8Array, strength: number, x: Float32Array): void {
  const plane = x.length / 3;
  for (let i = 0, src = 0; i < plane; i++, src += 3) {
    x[i] = (pixels[src] as number) / 127.5 - 1 + strength * (x[i] as number);
    x[plane + i] = (pixels[src + 1] as number) / 127.5 - 1 + strength * (x[plane + i] as number);
    x[2 * plane + i] = (pixels[src + 2] as number) / 127.5 - 1 + strength * (x[2 * plane + i] as number);
  }
}

/** The VAE encoder's input per session and size, refilled by later requests (small sizes: see `pooled`). */
const encoderInputs = new ShapePool<ReusedFloatTensor>(2);

/**
 * Latents of the noise-augmented image, [4, height/8, width/8], unscaled: `x = pixels/127.5 − 1 + s·ε` (ε drawn from
 * `noise` in NCHW order, before the initial latents, as diffusers draws it), encoded, and the distribution's mode
 * taken (the mean half of a `latent_parameters` output; a 4-channel output is used as it is).
 *
 * @example
 * const latents = await imageLatents(components, fitted, 0.02, noise, run);
 */
export async function imageLatents(
  c: SvdComponents,
  image: RgbImage,
  noiseAugStrength: number,
  noise: NoiseSource,
  run: TimedRun,
): Promise<Float32Array> {
  const { width, height, pixels } = image;
  const plane = width * height;
  const key = shapeKey(1, height, width);
  const input =
    encoderInputs.take(c.vaeEncoder, key) ??
    reusedFloatTensor(c.io.vaeEncoder.sample, new Float32Array(3 * plane), [1, 3, height, width]);
  let out: ort.InferenceSession.ReturnType;
  try {
    augmentPixels(pixels, noiseAugStrength, noise(3 * plane, input.values));
    input.refresh();
    out = await run("vae_encoder", c.vaeEncoder, { [c.io.vaeEncoder.sample.name]: input.tensor }, [
      c.io.vaeEncoder.output,
    ]);
  } finally {
    if (pooled(input.values.byteLength)) encoderInputs.give(c.vaeEncoder, key, input);
  }
  const size = 4 * (height / 8) * (width / 8);
  const latents = readFloats(out[c.io.vaeEncoder.output]);
  if (latents.length === size) return latents;
  if (latents.length === 2 * size) return latents.subarray(0, size);
  throw new Error(
    `vae_encoder output ${c.io.vaeEncoder.output} has ${latents.length} values; ${size} (latents) or ${2 * size} (mean ‖ logvar) expected`,
  );
}

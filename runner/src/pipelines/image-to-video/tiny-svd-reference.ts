/**
 * @module What a generation on a tiny SVD model (models/factory/svd-tiny*) must produce, computed in plain TypeScript
 * from the tiny models' known arithmetic, the (separately verified) scheduler and the CLIP reference — an independent
 * check of the whole pipeline's plumbing: conditioning, noise order, channel layout, guidance ramp, timesteps,
 * c_in scaling, v-prediction steps, the VAE scaling factor and the frame count given to the decoder. Used by tests only.
 */
import type { RgbImage } from "../../image/decode.js";
import { SVD_FEATURE_EXTRACTOR, SVD_SCHEDULER_CONFIG } from "../../models/factory/svd-tiny.js";
import {
  SVD_DECODER_MIX,
  SVD_EMBED_DIM,
  SVD_SCALING_FACTOR,
  SVD_UNET_K,
  SVD_UNET_L,
  TINY_SVD_FRAMES,
  type TinySvdVariant,
  tinyImageEncoder,
  tinySvdWeights,
  tinyUnetBias,
} from "../../models/factory/svd-tiny-weights.js";
import { batchNoise, createScheduler, guidanceRamp } from "../../schedulers/index.js";
import { clipPixelValuesReference } from "./clip-reference.js";
import type { VideoParams } from "./video-job.js";

/** The final latents [F,4,h,w] and the decoded 8-bit frames of a generation. */
export interface ReferenceVideo {
  latents: Float32Array;
  frames: Uint8Array[];
}

/**
 * The reference generation of `p` on the tiny `variant`. CLIP sees `p.image`; the VAE sees `fitted`, the image at
 * `width`×`height` (resizing is sharp's, so a test passes what the pipeline's `fitImage` made).
 *
 * @example
 * const { latents, frames } = referenceVideo("svd", params);
 */
export function referenceVideo(variant: TinySvdVariant, p: VideoParams, fitted: RgbImage = p.image): ReferenceVideo {
  if (fitted.width !== p.width || fitted.height !== p.height) throw new Error("reference: give a fitted image");
  const w = tinySvdWeights(variant);
  const F = TINY_SVD_FRAMES[variant];
  const h = p.height / 8;
  const wd = p.width / 8;
  const P = h * wd;
  const embeds = tinyImageEncoder(
    w,
    clipPixelValuesReference(p.image, SVD_FEATURE_EXTRACTOR.image_mean, SVD_FEATURE_EXTRACTOR.image_std),
  );
  const noise = batchNoise([p.seed]);
  const image = augmented(fitted, p.noiseAugStrength, noise(3 * p.width * p.height));
  const imageLatents = encode(image, p.width, p.height);
  const plan = createScheduler(SVD_SCHEDULER_CONFIG).plan(p.numInferenceSteps);
  let x: Float32Array = noise(F * 4 * P).map((v) => v * plan.initNoiseSigma);
  const guided = p.maxGuidanceScale > 1;
  const ramp = guidanceRamp(p.minGuidanceScale, p.maxGuidanceScale, F);
  const ids = [p.fps - 1, p.motionBucketId, p.noiseAugStrength];
  for (let i = 0; i < plan.timesteps.length; i++) {
    const sigma = plan.sigmas[i] as number;
    const t = plan.timesteps[i] as number;
    const cIn = 1 / Math.sqrt(sigma * sigma + 1);
    const cond = tinyUnetBias(w, embeds, ids, t);
    const uncond = tinyUnetBias(w, new Float32Array(SVD_EMBED_DIM), ids, t);
    const v = new Float32Array(x.length);
    for (let f = 0; f < F; f++)
      for (let c = 0; c < 4; c++)
        for (let q = 0; q < P; q++) {
          const at = (f * 4 + c) * P + q;
          const noisy = SVD_UNET_K * Math.fround(cIn * (x[at] as number));
          const vc = noisy + SVD_UNET_L * (imageLatents[c * P + q] as number) + (cond[c] as number);
          const vu = noisy + (uncond[c] as number);
          v[at] = guided ? vu + (ramp[f] as number) * (vc - vu) : vc;
        }
    x = plan.step(v, i, x, noise).prevSample;
  }
  const frames = Array.from({ length: F }, (_, f) => decode(x.subarray(f * 4 * P, (f + 1) * 4 * P), p.width, p.height));
  return { latents: x, frames };
}

/** pixels/127.5 − 1 + s·ε in NCHW. */
function augmented(image: RgbImage, s: number, eps: Float32Array): Float32Array {
  const plane = image.width * image.height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++)
    for (let c = 0; c < 3; c++)
      out[c * plane + i] = (image.pixels[3 * i + c] as number) / 127.5 - 1 + s * (eps[c * plane + i] as number);
  return out;
}

/** The tiny VAE encoder's mode: 8×8 average pool of each channel, the fourth channel the mean of the three. */
function encode(x: Float32Array, width: number, height: number): Float32Array {
  const h = height / 8;
  const w = width / 8;
  const out = new Float32Array(4 * h * w);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++) {
        let s = 0;
        for (let dy = 0; dy < 8; dy++)
          for (let dx = 0; dx < 8; dx++) s += x[(c * height + y * 8 + dy) * width + xx * 8 + dx] as number;
        out[(c * h + y) * w + xx] = s / 64;
      }
  for (let q = 0; q < h * w; q++)
    out[3 * h * w + q] = ((out[q] as number) + (out[h * w + q] as number) + (out[2 * h * w + q] as number)) / 3;
  return out;
}

/** One frame through the tiny temporal decoder, to 8-bit RGB (`x·127.5 + 127.5`, rounded half to even, clamped). */
function decode(z: Float32Array, width: number, height: number): Uint8Array {
  const h = height / 8;
  const w = width / 8;
  const out = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const q = Math.floor(y / 8) * w + Math.floor(x / 8);
      const fourth = (z[3 * h * w + q] as number) / SVD_SCALING_FACTOR;
      for (let c = 0; c < 3; c++) {
        const v = (z[c * h * w + q] as number) / SVD_SCALING_FACTOR + SVD_DECODER_MIX * fourth;
        out[(y * width + x) * 3 + c] = v * 127.5 + 127.5;
      }
    }
  return new Uint8Array(out.buffer);
}

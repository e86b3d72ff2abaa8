/**
 * @module The weights and the exact arithmetic of the tiny Stable Video Diffusion models, so tests can compute by hand
 * what a whole generation must return. Every component is linear, and cheap per pixel so a 25-frame 1024×576 run stays
 * bearable on a CPU:
 *
 * * image encoder: 28×28 average pool of `pixel_values` [3,224,224] → 3×8×8 features → `image_embeds` = features·W_img;
 * * UNet (per frame f, latent channel c < 4, pixel p): out = K·sample[f,c] + L·sample[f,4+c] (the image latent)
 *   + (encoder_hidden_states·W_k)[c] + (added_time_ids·W_t)[c] + TAU·timestep;
 * * VAE encoder: SD's tiny one (8×8 average pool of RGB, fourth channel the mean of the three);
 * * temporal VAE decoder: rgb = z[0:3] + MIX·z[3], nearest-upsampled ×8, plus FRAMES·(num_frames − N) where N is the
 *   number of latents it was given — zero when the pipeline feeds the chunk's true frame count, and a visible shift of
 *   every pixel when it does not.
 */
import { seededWeights } from "./random.js";

/** The two tiny variants: SVD (14 frames) and SVD-XT (25 frames). */
export type TinySvdVariant = "svd" | "svd-xt";

/** Frames each variant's UNet was "trained" for (as the real checkpoints). */
export const TINY_SVD_FRAMES: Record<TinySvdVariant, number> = { svd: 14, "svd-xt": 25 };

/** Width of `image_embeds` (1024 for the real CLIP ViT-H image encoder). */
export const SVD_EMBED_DIM = 16;
/** The CLIP side the image encoder takes (`pixel_values` [B,3,224,224]). */
export const SVD_CLIP_SIDE = 224;
/** Pooling window of the tiny image encoder: 224 / 28 = 8×8 cells per channel. */
export const SVD_CLIP_POOL = 28;
/** Features the image encoder projects: 3 channels × 8 × 8 cells. */
export const SVD_CLIP_FEATURES = 3 * (SVD_CLIP_SIDE / SVD_CLIP_POOL) ** 2;

/**
 * UNet gain on the noisy latents (sample channels 0–3). With v = K·c_in·x + (terms free of x), the probability-flow
 * ODE dx/dσ = (x − x₀)/σ shrinks the initial noise by about e^{−Kπ/2} between σ = 700 and 0, so the tiny model
 * denoises: with K = 1.5, 8 or more Euler steps end in latents whose frames stay inside 0…255.
 */
export const SVD_UNET_K = 1.5;
/** UNet gain on the image latents (sample channels 4–7). */
export const SVD_UNET_L = 0.15;
/** UNet gain on the timestep (0.25·ln σ). */
export const SVD_UNET_TAU = 0.01;
/** Decoder gain of the fourth latent channel added to each of the three colour channels. */
export const SVD_DECODER_MIX = 0.5;
/** Decoder shift per frame of `num_frames − N` (a wrong frame count moves every pixel by this much per frame). */
export const SVD_DECODER_FRAMES = 0.25;
/** The VAE's `scaling_factor` (SVD's temporal VAE config says 0.18215, as SD 1.x). */
export const SVD_SCALING_FACTOR = 0.18215;

/**
 * Per-row scale of W_t, the projection of `added_time_ids` = [fps − 1, motion_bucket_id, noise_aug_strength], chosen so
 * that each field's usual range moves the output by a visible amount (a few 8-bit levels per fps or ~10 motion steps).
 */
const TIME_ID_SCALES = [0.005, 0.0003, 0.5];

/** All weights of a tiny SVD model. */
export interface TinySvdWeights {
  /** [SVD_CLIP_FEATURES, SVD_EMBED_DIM] (in × out, as a MatMul weight). */
  image: Float32Array;
  /** [SVD_EMBED_DIM, 4]: image embeddings → per-channel UNet bias. */
  wk: Float32Array;
  /** [3, 4]: added_time_ids → per-channel UNet bias. */
  wt: Float32Array;
}

/**
 * The deterministic weights of a tiny variant.
 *
 * @example
 * const w = tinySvdWeights("svd");
 * w.wt.length; // 12
 */
export function tinySvdWeights(variant: TinySvdVariant): TinySvdWeights {
  const seed = variant === "svd" ? 500 : 600;
  const wt = seededWeights(seed + 2, 3 * 4, 1);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 4; c++) wt[r * 4 + c] = (wt[r * 4 + c] as number) * (TIME_ID_SCALES[r] as number);
  return {
    image: seededWeights(seed, SVD_CLIP_FEATURES * SVD_EMBED_DIM, 1 / Math.sqrt(SVD_CLIP_FEATURES)),
    wk: seededWeights(seed + 1, SVD_EMBED_DIM * 4, 0.05 / Math.sqrt(SVD_EMBED_DIM)),
    wt,
  };
}

/**
 * The tiny image encoder in TypeScript: `pixel_values` [3,224,224] → `image_embeds` [SVD_EMBED_DIM].
 *
 * @example
 * const embeds = tinyImageEncoder(weights, pixelValues);
 */
export function tinyImageEncoder(w: TinySvdWeights, pixelValues: Float32Array): Float32Array {
  const cells = SVD_CLIP_SIDE / SVD_CLIP_POOL;
  const features = new Float32Array(SVD_CLIP_FEATURES);
  for (let c = 0; c < 3; c++) {
    for (let cy = 0; cy < cells; cy++) {
      for (let cx = 0; cx < cells; cx++) {
        let sum = 0;
        for (let y = 0; y < SVD_CLIP_POOL; y++) {
          const row = (c * SVD_CLIP_SIDE + cy * SVD_CLIP_POOL + y) * SVD_CLIP_SIDE + cx * SVD_CLIP_POOL;
          for (let x = 0; x < SVD_CLIP_POOL; x++) sum += pixelValues[row + x] as number;
        }
        features[(c * cells + cy) * cells + cx] = sum / (SVD_CLIP_POOL * SVD_CLIP_POOL);
      }
    }
  }
  const out = new Float32Array(SVD_EMBED_DIM);
  for (let j = 0; j < SVD_EMBED_DIM; j++) {
    let s = 0;
    for (let i = 0; i < SVD_CLIP_FEATURES; i++)
      s += (features[i] as number) * (w.image[i * SVD_EMBED_DIM + j] as number);
    out[j] = s;
  }
  return out;
}

/**
 * The UNet's per-channel bias for one batch row: (embeds·W_k)[c] + (time ids·W_t)[c] + TAU·t.
 *
 * @example
 * unetBias(weights, embeds, [5, 127, 0.02], 1.6); // 4 numbers
 */
export function tinyUnetBias(
  w: TinySvdWeights,
  embeds: ArrayLike<number>,
  timeIds: readonly number[],
  timestep: number,
): number[] {
  return [0, 1, 2, 3].map((c) => {
    let s = SVD_UNET_TAU * timestep;
    for (let d = 0; d < SVD_EMBED_DIM; d++) s += (embeds[d] as number) * (w.wk[d * 4 + c] as number);
    for (let r = 0; r < 3; r++) s += (timeIds[r] as number) * (w.wt[r * 4 + c] as number);
    return s;
  });
}

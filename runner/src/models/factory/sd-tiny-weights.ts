/**
 * @module The weights and the exact arithmetic of the tiny Stable Diffusion models, so tests can compute by hand what a
 * whole pipeline must return. Every component is linear and tiny:
 *
 * * text encoder: h0 = E[ids], h1 = h0·Wq ("layers.0.self_attn.q_proj"), h2 = 0.5·h1 + h0; last_hidden_state = h2,
 *   hidden_states.{0,1,2} = h0, h1, h2, pooled = mean over tokens of h2 (not CLIP's EOS pooling), text_embeds = pooled·Wp;
 * * UNet: out = K·sample + (mean over tokens of encoder_hidden_states)·Wk ("attn2.to_k", per batch and channel)
 *   + TAU·timestep (+ SDXL: TE·mean(text_embeds) + GAMMA·Σ time_ids);
 * * VAE encoder: 8×8 average pool of RGB, fourth channel the mean of the three; VAE decoder: the first three channels,
 *   nearest-upsampled ×8.
 */
import { seededWeights } from "./random.js";

/** UNet gain on its sample input. */
export const UNET_K = 0.5;
/** UNet gain on the timestep. */
export const UNET_TAU = 1e-4;
/** LCM UNet gain on mean(timestep_cond). */
export const UNET_TC = 0.2;
/** SDXL UNet gain on mean(text_embeds). */
export const UNET_TE = 0.1;
/** SDXL UNet gain on Σ time_ids. */
export const UNET_GAMMA = 1e-4;
/** Log-variance written by a `latent_parameters` VAE encoder (σ = e^{−2}). */
export const VAE_LOGVAR = -4;

/** The three tiny families. */
export type TinySdFamily = "sd15" | "sd-turbo" | "sdxl-turbo";

/** Shapes of a tiny family: text widths (two for SDXL), pooled width, vocabulary size. */
export interface TinySdDims {
  textDims: number[];
  pooledDim: number;
  vocab: number;
}

/**
 * Dimensions per family (SD-Turbo's text width differs from SD 1.5's, as 1024 differs from 768).
 *
 * @example
 * tinySdDims("sdxl-turbo", 563).textDims; // [32, 48]
 */
export function tinySdDims(family: TinySdFamily, vocab: number): TinySdDims {
  if (family === "sd15") return { textDims: [32], pooledDim: 32, vocab };
  if (family === "sd-turbo") return { textDims: [48], pooledDim: 48, vocab };
  return { textDims: [32, 48], pooledDim: 40, vocab };
}

/** One text encoder's weights. */
export interface TinyTextWeights {
  /** [vocab, D] */
  embedding: Float32Array;
  /** [D, D] (in × out, as a MatMul weight) */
  wq: Float32Array;
  /** [D, pooledDim] for SDXL's second encoder */
  projection: Float32Array | undefined;
}

/** All weights of a tiny model. */
export interface TinySdWeights {
  dims: TinySdDims;
  text: TinyTextWeights[];
  /** [ΣD, 4] (in × out) */
  wk: Float32Array;
}

/**
 * The deterministic weights of a tiny family.
 *
 * @example
 * const w = tinySdWeights("sd15", 563);
 */
export function tinySdWeights(family: TinySdFamily, vocab: number): TinySdWeights {
  const dims = tinySdDims(family, vocab);
  const seed = { sd15: 100, "sd-turbo": 200, "sdxl-turbo": 300 }[family];
  const text = dims.textDims.map((d, i) => ({
    embedding: seededWeights(seed + 10 * i, vocab * d, 1),
    wq: seededWeights(seed + 10 * i + 1, d * d, 0.3),
    projection:
      family === "sdxl-turbo" && i === 1 ? seededWeights(seed + 10 * i + 2, d * dims.pooledDim, 0.3) : undefined,
  }));
  const total = dims.textDims.reduce((a, b) => a + b, 0);
  return { dims, text, wk: seededWeights(seed + 99, total * 4, 1 / Math.sqrt(total)) };
}

/** What one text encoder returns for one prompt's ids. */
export interface TinyTextOutputs {
  /** [77, D] each */
  h0: Float32Array;
  h1: Float32Array;
  h2: Float32Array;
  /** [D] */
  pooled: Float32Array;
  /** [pooledDim] (SDXL's second encoder) */
  textEmbeds: Float32Array | undefined;
}

/**
 * Runs the tiny text encoder's arithmetic in TypeScript.
 *
 * @example
 * const { h2 } = tinyTextEncoder(weights.text[0], ids, 32);
 */
export function tinyTextEncoder(w: TinyTextWeights, ids: readonly number[], d: number, pooledDim = 0): TinyTextOutputs {
  const n = ids.length;
  const h0 = new Float32Array(n * d);
  ids.forEach((id, t) => {
    h0.set(w.embedding.subarray(id * d, (id + 1) * d), t * d);
  });
  const h1 = matmul(h0, w.wq, n, d, d);
  const h2 = h0.map((v, i) => 0.5 * (h1[i] as number) + v);
  const pooled = meanRows(h2, n, d);
  const textEmbeds = w.projection ? matmul(pooled, w.projection, 1, d, pooledDim) : undefined;
  return { h0, h1, h2, pooled, textEmbeds };
}

/**
 * `a [n×k] · b [k×m]` in float32.
 *
 * @example
 * matmul(Float32Array.of(1, 2), Float32Array.of(3, 4), 1, 2, 1); // Float32Array [11]
 */
export function matmul(a: Float32Array, b: Float32Array, n: number, k: number, m: number): Float32Array {
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (a[i * k + p] as number) * (b[p * m + j] as number);
      out[i * m + j] = s;
    }
  }
  return out;
}

/**
 * Mean of the rows of an [n×d] matrix.
 *
 * @example
 * meanRows(Float32Array.of(1, 2, 3, 4), 2, 2); // Float32Array [2, 3]
 */
export function meanRows(x: Float32Array, n: number, d: number): Float32Array {
  const out = new Float32Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[j] = (out[j] as number) + (x[i * d + j] as number) / n;
  return out;
}

/** @module The contract every scheduler implements, and the elementwise helpers they share. */
import { alphasCumprod } from "./noise-schedule.js";
import type { PredictionType, SchedulerConfig } from "./scheduler-config.js";

/**
 * Draws `length` standard-normal values (the concatenated per-image noise of a batch), into `out` when given (its
 * first `length` values), else into a new array.
 */
export type NoiseSource = (length: number, out?: Float32Array) => Float32Array;

/** One denoising step's results. */
export interface StepResult {
  /** x_{t-1}: the latents for the next step (the final latents after the last step). */
  prevSample: Float32Array;
  /** The model's estimate of the clean latents x₀ at this step. */
  predOriginal: Float32Array;
}

/** The schedule of one request: a fixed list of timesteps and the operations at each step index. */
export interface SchedulePlan {
  /** The values fed to the UNet as `timestep`, one per step, in order. */
  readonly timesteps: readonly number[];
  /** σ per step (plus a final 0) for sigma-based schedulers; empty for ᾱ-based ones. */
  readonly sigmas: readonly number[];
  /** Standard deviation of the initial noise for text-to-image. */
  readonly initNoiseSigma: number;
  /**
   * The UNet's input at step `stepIndex` (Euler divides by √(σ²+1); DDIM/LCM leave it unchanged). With `out`, the
   * input is written there and `out` is returned; without, a new array (or `sample` itself when unchanged).
   */
  scaleModelInput(sample: Float32Array, stepIndex: number, out?: Float32Array): Float32Array;
  /**
   * One step from `sample` given the UNet output; `noise` feeds stochastic samplers (ancestral, LCM). With `into`,
   * both results are written into its arrays (which must not be `modelOutput` or `sample`) and `into` is returned,
   * so a denoising loop can run without allocating. A step keeps no reference to its arguments after it returns:
   * the caller may reuse them.
   */
  step(
    modelOutput: Float32Array,
    stepIndex: number,
    sample: Float32Array,
    noise: NoiseSource,
    into?: StepResult,
  ): StepResult;
  /** Noises clean latents to the level of step `stepIndex` (image-to-image start). */
  addNoise(original: Float32Array, noise: Float32Array, stepIndex: number): Float32Array;
}

/** A loaded scheduler: its config, and a plan per number of inference steps. */
export interface Scheduler {
  readonly config: SchedulerConfig;
  /** The plan for `numInferenceSteps` steps; throws RangeError when the count is outside 1..num_train_timesteps. */
  plan(numInferenceSteps: number): SchedulePlan;
}

/**
 * ᾱ at a timestep, for the ᾱ-parameterised schedulers (DDIM, LCM, PNDM): the training ᾱ_t for t ≥ 0; for the step
 * after the last (t < 0) 1 with `set_alpha_to_one`, else ᾱ_0 (diffusers' `final_alpha_cumprod`).
 *
 * @example
 * const alphaAt = alphaAtTimestep(config);
 * alphaAt(999); // ≈ 0.0046601 for Stable Diffusion's schedule
 */
export function alphaAtTimestep(config: SchedulerConfig): (t: number) => number {
  const ac = alphasCumprod(config);
  const finalAlpha = config.setAlphaToOne ? 1 : (ac[0] as number);
  return (t) => (t >= 0 ? (ac[t] as number) : finalAlpha);
}

/**
 * `add_noise` of the ᾱ-parameterised schedulers: √ᾱ·x₀ + √(1−ᾱ)·ε at the timestep of step `i`.
 *
 * @example
 * const plan = { addNoise: alphaAddNoise(alphaAt, timesteps), ... };
 */
export function alphaAddNoise(alphaAt: (t: number) => number, timesteps: readonly number[]): SchedulePlan["addNoise"] {
  return (original, noise, i) => {
    const alpha = alphaAt(timesteps[i] as number);
    return axpby(Math.sqrt(alpha), original, Math.sqrt(1 - alpha), noise);
  };
}

/**
 * The input scaling of schedulers that feed the UNet the sample unchanged (DDIM, LCM, PNDM): `sample` itself, or a
 * copy in `out` when one is given.
 *
 * @example
 * const plan = { scaleModelInput: unscaled, ... };
 */
export function unscaled(sample: Float32Array, _stepIndex: number, out?: Float32Array): Float32Array {
  if (!out) return sample;
  out.set(sample);
  return out;
}

/**
 * A step's results, copied into `into` when the caller gave arrays to fill (for schedulers that compute them in new
 * arrays).
 *
 * @example
 * return stepResult(prevSample, predOriginal, into);
 */
export function stepResult(prevSample: Float32Array, predOriginal: Float32Array, into?: StepResult): StepResult {
  if (!into) return { prevSample, predOriginal };
  into.prevSample.set(prevSample);
  into.predOriginal.set(predOriginal);
  return into;
}

/**
 * `a·x + b·y` elementwise, into a new array.
 *
 * @example
 * axpby(2, Float32Array.of(1), 3, Float32Array.of(1)); // Float32Array [5]
 */
export function axpby(a: number, x: Float32Array, b: number, y: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = a * (x[i] as number) + b * (y[i] as number);
  return out;
}

/**
 * `a·x` elementwise, into `out` (a new array by default; it may be `x`).
 *
 * @example
 * scale(0.5, Float32Array.of(4)); // Float32Array [2]
 */
export function scale(a: number, x: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = a * (x[i] as number);
  return out;
}

/**
 * The Euler step of the sigma-parameterised schedulers (x = x₀ + σ·ε) in one pass. x₀ from the model output m:
 * ε-prediction `x − σ·m`; v-prediction with the EDM preconditioning `c_skip·x + c_out·m`, c_skip = 1/(σ²+1),
 * c_out = −σ/√(σ²+1) (Karras et al. 2022, table 1); sample prediction `m`. Then `x + (x − x₀)/σ · dt`, with x₀
 * rounded to float32 in between as when the two are stored in turn. Without `into` the results are new arrays.
 *
 * @example
 * eulerStep("epsilon", Float32Array.of(0.5), Float32Array.of(1), 2, -1).prevSample; // Float32Array [0.5]
 */
export function eulerStep(
  prediction: PredictionType,
  modelOutput: Float32Array,
  sample: Float32Array,
  sigma: number,
  dt: number,
  into: StepResult = { prevSample: new Float32Array(sample.length), predOriginal: new Float32Array(sample.length) },
): StepResult {
  const { a, b, keep, toward } = eulerCoefficients(prediction, sigma, dt);
  const { prevSample, predOriginal } = into;
  for (let i = 0; i < sample.length; i++) {
    const x = sample[i] as number;
    const m = modelOutput[i] as number;
    const x0 = Math.fround(a === 0 ? m : a * x + b * m);
    predOriginal[i] = x0;
    prevSample[i] = keep * x + toward * x0;
  }
  return into;
}

/** Euler's coefficients: x₀ = a·x + b·m (sample prediction: a = 0, b = 1), then x' = keep·x + toward·x₀. */
function eulerCoefficients(
  prediction: PredictionType,
  sigma: number,
  dt: number,
): { a: number; b: number; keep: number; toward: number } {
  const [a, b] =
    prediction === "epsilon"
      ? [1, -sigma]
      : prediction === "v_prediction"
        ? [1 / (sigma * sigma + 1), -sigma / Math.sqrt(sigma * sigma + 1)]
        : [0, 1];
  return { a, b, keep: 1 + dt / sigma, toward: -dt / sigma };
}

/**
 * Where {@link guidedEulerStep} also writes the next step's UNet input: `factor`·x' (Euler's `scale_model_input` of
 * the next σ, rounded to float32 as a stored value is) into the noisy half of every row of an SVD `sample`
 * [rows, F, 8, h, w], whose other half (the image latents) is left as it is.
 */
export interface ScaledSampleTarget {
  sample: Float32Array;
  factor: number;
  rows: number;
}

/**
 * {@link eulerStep} of a model run on the unconditional and the conditional input (one batch of both, or one run
 * each: the two outputs are given apart, each as long as `sample`) with classifier-free guidance whose scale changes
 * along the sample's first axis (Stable Video Diffusion's per-frame ramp): block f of `sample` (of
 * `sample.length / scales.length` values) takes m = m_u + g_f·(m_c − m_u), rounded to float32 as when it is stored,
 * then the Euler update — in one pass that writes only the next sample into `out` (which must not be `sample`) and,
 * given `next`, its scaled copies into the next UNet input (see {@link ScaledSampleTarget}), so no second pass over
 * the latents is needed. The result equals guiding into an array and calling {@link eulerStep}.
 *
 * @example
 * guidedEulerStep("v_prediction", v.subarray(0, n), v.subarray(n), x, 700, -629.5, Float32Array.of(1, 2, 3), out);
 */
export function guidedEulerStep(
  prediction: PredictionType,
  unconditional: Float32Array,
  conditional: Float32Array,
  sample: Float32Array,
  sigma: number,
  dt: number,
  scales: Float32Array,
  out: Float32Array,
  next?: ScaledSampleTarget,
): Float32Array {
  const { a, b, keep, toward } = eulerCoefficients(prediction, sigma, dt);
  const half = sample.length;
  const block = half / scales.length;
  if (!next) {
    for (let f = 0, i = 0; f < scales.length; f++) {
      const g = scales[f] as number;
      for (let end = i + block; i < end; i++) {
        const x = sample[i] as number;
        const u = unconditional[i] as number;
        const m = Math.fround(u + g * ((conditional[i] as number) - u));
        const x0 = Math.fround(a === 0 ? m : a * x + b * m);
        out[i] = keep * x + toward * x0;
      }
    }
    return out;
  }
  const { sample: into, factor, rows } = next;
  // Row r, frame f of `into` starts at (r·F + f)·2·block; its noisy half is the first block. The second row's copy
  // of a frame is one native copy of the first's (cheaper than a third store per value in the loop).
  const rowStride = 2 * half;
  for (let f = 0, i = 0; f < scales.length; f++) {
    const g = scales[f] as number;
    const at = 2 * f * block - i;
    for (let end = i + block; i < end; i++) {
      const x = sample[i] as number;
      const u = unconditional[i] as number;
      const m = Math.fround(u + g * ((conditional[i] as number) - u));
      const x0 = Math.fround(a === 0 ? m : a * x + b * m);
      const y = Math.fround(keep * x + toward * x0);
      out[i] = y;
      into[at + i] = factor * y;
    }
    if (rows === 2) into.copyWithin(2 * f * block + rowStride, 2 * f * block, 2 * f * block + block);
  }
  return out;
}

/**
 * Writes `factor`·`latents` [F, …] into the noisy half of every row of an SVD `sample` [rows, F, 8, h, w] (Euler's
 * `scale_model_input`; the image-latent half is left as it is).
 *
 * @example
 * scaleIntoSample(latents, 1 / Math.sqrt(sigma * sigma + 1), sample, 2, 14);
 */
export function scaleIntoSample(
  latents: Float32Array,
  factor: number,
  sample: Float32Array,
  rows: number,
  frames: number,
): void {
  const block = latents.length / frames;
  const rowStride = 2 * latents.length;
  for (let f = 0, i = 0; f < frames; f++) {
    const at = 2 * f * block - i;
    for (let end = i + block; i < end; i++) {
      const scaled = factor * (latents[i] as number);
      sample[at + i] = scaled;
      if (rows === 2) sample[at + i + rowStride] = scaled;
    }
  }
}

/**
 * x₀ and ε from an ᾱ-parameterised model output (x = √ᾱ·x₀ + √(1−ᾱ)·ε), as in DDIM (Song et al. 2021, eq. 12) and
 * v-prediction (Salimans & Ho 2022).
 *
 * @example
 * predictFromAlpha("epsilon", Float32Array.of(0), Float32Array.of(0.5), 0.25).predOriginal; // Float32Array [1]
 */
export function predictFromAlpha(
  prediction: PredictionType,
  modelOutput: Float32Array,
  sample: Float32Array,
  alphaProd: number,
): { predOriginal: Float32Array; predEpsilon: Float32Array } {
  const a = Math.sqrt(alphaProd);
  const b = Math.sqrt(1 - alphaProd);
  if (prediction === "epsilon") {
    return { predOriginal: axpby(1 / a, sample, -b / a, modelOutput), predEpsilon: Float32Array.from(modelOutput) };
  }
  if (prediction === "v_prediction") {
    return { predOriginal: axpby(a, sample, -b, modelOutput), predEpsilon: axpby(a, modelOutput, b, sample) };
  }
  return { predOriginal: Float32Array.from(modelOutput), predEpsilon: axpby(1 / b, sample, -a / b, modelOutput) };
}

/**
 * Clamps every value to [−range, range] (diffusers' `clip_sample`).
 *
 * @example
 * clip(Float32Array.of(-3, 0.5), 1); // Float32Array [-1, 0.5]
 */
export function clip(x: Float32Array, range: number): Float32Array {
  return x.map((v) => Math.min(Math.max(v, -range), range));
}

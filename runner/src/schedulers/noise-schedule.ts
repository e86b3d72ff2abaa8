/** @module Training noise schedules (betas → ᾱ) and the sigmas derived from them, in float32 like diffusers. */

/** `beta_schedule` values of diffusers' scheduler configs that this runner implements. */
export type BetaSchedule = "scaled_linear" | "linear" | "squaredcos_cap_v2";

const f32 = Math.fround;

/**
 * `numpy.linspace(start, stop, num)` in float64 (the last value is exactly `stop`).
 *
 * @example
 * linspace(0, 1, 3); // [0, 0.5, 1]
 */
export function linspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => start + i * step);
  out[num - 1] = stop;
  return out;
}

/**
 * Cumulative products ᾱ_t of `1 − β_t` for the training timesteps, rounded to float32 at every operation as diffusers
 * does (its tensors are float32). "scaled_linear" is Stable Diffusion's `linspace(√β₀, √β₁)²`; "squaredcos_cap_v2" is
 * the cosine schedule of Nichol & Dhariwal (2021), β capped at 0.999.
 *
 * @example
 * const ac = alphasCumprod({ betaSchedule: "scaled_linear", betaStart: 0.00085, betaEnd: 0.012, numTrainTimesteps: 1000 });
 * ac[999]; // ≈ 0.0046601
 */
export function alphasCumprod(options: {
  betaSchedule: BetaSchedule;
  betaStart: number;
  betaEnd: number;
  numTrainTimesteps: number;
  trainedBetas?: readonly number[] | undefined;
}): Float32Array {
  const n = options.numTrainTimesteps;
  let betas: number[];
  if (options.trainedBetas) {
    betas = options.trainedBetas.map(f32);
  } else if (options.betaSchedule === "scaled_linear") {
    betas = linspace(Math.sqrt(options.betaStart), Math.sqrt(options.betaEnd), n).map((b) => {
      const r = f32(b);
      return f32(r * r);
    });
  } else if (options.betaSchedule === "linear") {
    betas = linspace(options.betaStart, options.betaEnd, n).map(f32);
  } else {
    const alphaBar = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    betas = Array.from({ length: n }, (_, i) => f32(Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999)));
  }
  const out = new Float32Array(betas.length);
  let acc = 1;
  for (let i = 0; i < betas.length; i++) {
    acc = f32(acc * f32(1 - (betas[i] as number)));
    out[i] = acc;
  }
  return out;
}

/**
 * Training sigmas σ_t = √((1 − ᾱ_t) / ᾱ_t), float32 like diffusers' Euler schedulers.
 *
 * @example
 * const s = trainingSigmas(ac); // s[0] ≈ 0.029168, s[999] ≈ 14.614655 for SD
 */
export function trainingSigmas(alphasCumprod: Float32Array): Float32Array {
  return alphasCumprod.map((a) => f32(Math.sqrt(f32(f32(1 - a) / a))));
}

/**
 * `numpy.interp(x, arange(len(ys)), ys)`: linear interpolation on the integer grid, clamped at both ends.
 *
 * @example
 * interpOnIndex(0.5, Float32Array.of(0, 2)); // 1
 */
export function interpOnIndex(x: number, ys: ArrayLike<number>): number {
  const last = ys.length - 1;
  if (x <= 0) return ys[0] as number;
  if (x >= last) return ys[last] as number;
  const lo = Math.floor(x);
  const w = x - lo;
  return (ys[lo] as number) * (1 - w) + (ys[lo + 1] as number) * w;
}

/**
 * The fractional training timestep whose log-sigma matches `sigma`, by linear interpolation in log σ (diffusers'
 * `_sigma_to_t`). Used when sigmas are chosen by formula (Karras) rather than from timesteps.
 *
 * @example
 * sigmaToTimestep(trainingSigmas(ac)[500] as number, trainingSigmas(ac)); // ≈ 500
 */
export function sigmaToTimestep(sigma: number, sigmas: Float32Array): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  const logs = Array.from(sigmas, (s) => Math.log(s));
  let low = 0;
  for (let i = 0; i < logs.length; i++) if (logSigma - (logs[i] as number) >= 0) low = i;
  low = Math.min(low, logs.length - 2);
  const lo = logs[low] as number;
  const hi = logs[low + 1] as number;
  const w = Math.min(Math.max((lo - logSigma) / (lo - hi), 0), 1);
  return (1 - w) * low + w * (low + 1);
}

/**
 * @module LCMScheduler (Luo et al., "Latent Consistency Models", 2023): timesteps picked from the `original_inference_steps`
 * teacher schedule, each step maps to the consistency-model output c_out·x̂₀ + c_skip·x and re-noises it to the next
 * timestep (no noise after the last step).
 */
import {
  alphaAddNoise,
  alphaAtTimestep,
  axpby,
  clip,
  predictFromAlpha,
  type Scheduler,
  stepResult,
  unscaled,
} from "./scheduler.js";
import type { SchedulerConfig } from "./scheduler-config.js";

/** σ_data of the consistency boundary condition. */
const SIGMA_DATA = 0.5;

/**
 * The boundary-condition scalings at timestep t: c_skip = σ_d²/((s·t)² + σ_d²), c_out = s·t/√((s·t)² + σ_d²), s the
 * config's `timestep_scaling`.
 *
 * @example
 * lcmScalings(999, 10).cOut; // ≈ 1
 */
export function lcmScalings(t: number, timestepScaling: number): { cSkip: number; cOut: number } {
  const st = t * timestepScaling;
  return {
    cSkip: SIGMA_DATA ** 2 / (st * st + SIGMA_DATA ** 2),
    cOut: st / Math.sqrt(st * st + SIGMA_DATA ** 2),
  };
}

/**
 * LCM inference timesteps: the teacher's timesteps k·i − 1 (k = ⌊T/original⌋), descending, sampled at
 * ⌊j·original/n⌋ for j = 0 … n−1.
 *
 * @example
 * lcmTimesteps(4, 1000, 50); // [999, 759, 499, 259]
 */
export function lcmTimesteps(n: number, numTrainTimesteps: number, originalSteps: number): number[] {
  if (!Number.isInteger(n) || n < 1 || n > originalSteps) {
    throw new RangeError(
      `num_inference_steps must be an integer from 1 to ${originalSteps} (the model's original_inference_steps), got ${n}`,
    );
  }
  const k = Math.floor(numTrainTimesteps / originalSteps);
  const origin = Array.from({ length: originalSteps }, (_, i) => (originalSteps - i) * k - 1);
  return Array.from({ length: n }, (_, j) => origin[Math.floor((j * originalSteps) / n)] as number);
}

/**
 * Creates the LCM scheduler.
 *
 * @example
 * const plan = lcm(config).plan(4);
 * plan.timesteps; // [999, 759, 499, 259]
 */
export function lcm(config: SchedulerConfig): Scheduler {
  const alphaAt = alphaAtTimestep(config);
  return {
    config,
    plan(n) {
      const timesteps = lcmTimesteps(n, config.numTrainTimesteps, config.originalInferenceSteps);
      return {
        timesteps,
        sigmas: [],
        initNoiseSigma: 1,
        scaleModelInput: unscaled,
        step(modelOutput, i, sample, noise, into) {
          const t = timesteps[i] as number;
          const pred = predictFromAlpha(config.predictionType, modelOutput, sample, alphaAt(t));
          const x0 = config.clipSample ? clip(pred.predOriginal, config.clipSampleRange) : pred.predOriginal;
          const { cSkip, cOut } = lcmScalings(t, config.timestepScaling);
          const denoised = axpby(cOut, x0, cSkip, sample);
          if (i === n - 1) return stepResult(denoised, denoised, into);
          const alphaPrev = alphaAt(timesteps[i + 1] as number);
          const prevSample = axpby(Math.sqrt(alphaPrev), denoised, Math.sqrt(1 - alphaPrev), noise(sample.length));
          return stepResult(prevSample, denoised, into);
        },
        addNoise: alphaAddNoise(alphaAt, timesteps),
      };
    },
  };
}

/**
 * @module How inference timesteps are picked from the training timesteps: `linspace`, `leading` (+ `steps_offset`)
 * and `trailing`, as defined in diffusers' schedulers (table 2 of Lin et al., "Common Diffusion Noise Schedules and
 * Sample Steps are Flawed", 2023).
 */
import { linspace } from "./noise-schedule.js";

/** `timestep_spacing` values of diffusers' scheduler configs. */
export type TimestepSpacing = "linspace" | "leading" | "trailing";

/**
 * Inference timesteps, descending. `linspace` timesteps are fractional unless `integer` is set (DDIM rounds them,
 * Euler interpolates sigmas between training steps).
 *
 * @example
 * spacedTimesteps({ spacing: "leading", numInferenceSteps: 4, numTrainTimesteps: 1000, stepsOffset: 1 });
 * // [751, 501, 251, 1]
 */
export function spacedTimesteps(options: {
  spacing: TimestepSpacing;
  numInferenceSteps: number;
  numTrainTimesteps: number;
  stepsOffset: number;
  integer?: boolean;
}): number[] {
  const { spacing, numInferenceSteps: n, numTrainTimesteps: T, stepsOffset } = options;
  if (!Number.isInteger(n) || n < 1 || n > T) {
    throw new RangeError(`num_inference_steps must be an integer from 1 to ${T}, got ${n}`);
  }
  if (spacing === "linspace") {
    const ts = linspace(0, T - 1, n).reverse();
    return options.integer ? ts.map(roundHalfEven) : ts;
  }
  if (spacing === "leading") {
    const ratio = Math.floor(T / n);
    return Array.from({ length: n }, (_, i) => (n - 1 - i) * ratio + stepsOffset);
  }
  const ratio = T / n;
  return Array.from({ length: n }, (_, i) => roundHalfEven(T - i * ratio) - 1);
}

/**
 * numpy's `round` (half to even), which diffusers uses on timesteps.
 *
 * @example
 * roundHalfEven(2.5); // 2
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

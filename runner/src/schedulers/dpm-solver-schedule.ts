/**
 * @module The timesteps and sigmas of `DPMSolverMultistepScheduler`, as diffusers defines them for it: spacings over
 * n + 1 points, an optional cut at `lambda_min_clipped`, Karras sigmas over the whole training range, and a final σ of
 * 0 or the smallest training σ.
 */
import { karrasSigmas } from "./karras.js";
import { alphasCumprod, interpOnIndex, linspace, sigmaToTimestep, trainingSigmas } from "./noise-schedule.js";
import type { SchedulerConfig } from "./scheduler-config.js";
import { roundHalfEven } from "./timestep-spacing.js";

/** The schedule of one step count: integer timesteps and one σ per step plus the σ after the last. */
export interface DpmSolverSchedule {
  readonly timesteps: readonly number[];
  /** `timesteps.length + 1` values, float32 like diffusers'. */
  readonly sigmas: readonly number[];
}

/**
 * How many training timesteps survive `lambda_min_clipped`: λ_t = ln(√ᾱ_t / √(1−ᾱ_t)) falls with t, and the
 * timesteps whose λ is below the threshold are cut from the top (diffusers' `searchsorted` over the flipped λ).
 */
function lastTimestep(config: SchedulerConfig, alphas: Float32Array): number {
  const threshold = config.dpmSolver.lambdaMinClipped;
  if (threshold === -Infinity) return config.numTrainTimesteps;
  let cut = 0;
  for (const a of alphas) if (0.5 * Math.log(a / (1 - a)) < threshold) cut++;
  return config.numTrainTimesteps - cut;
}

/**
 * DPM-Solver timesteps for `n` steps, descending. Unlike Euler's, `linspace` and `leading` divide the range into
 * n + 1 points and drop the last (t = 0), and `trailing` counts down from the (clipped) end in steps of T/n.
 *
 * @example
 * dpmSolverTimesteps("linspace", 4, 1000, 1000, 0); // [999, 749, 500, 250]
 */
export function dpmSolverTimesteps(
  spacing: SchedulerConfig["timestepSpacing"],
  n: number,
  numTrainTimesteps: number,
  last: number,
  stepsOffset: number,
): number[] {
  if (!Number.isInteger(n) || n < 1 || n > numTrainTimesteps) {
    throw new RangeError(`num_inference_steps must be an integer from 1 to ${numTrainTimesteps}, got ${n}`);
  }
  if (spacing === "linspace") {
    return linspace(0, last - 1, n + 1)
      .map(roundHalfEven)
      .reverse()
      .slice(0, n);
  }
  if (spacing === "leading") {
    const ratio = Math.floor(last / (n + 1));
    return Array.from({ length: n }, (_, i) => (n - i) * ratio + stepsOffset);
  }
  // numpy.arange(last, 0, -T/n): ⌈last/(T/n)⌉ values, which can be n + 1 (e.g. n = 61 for T = 1000), as in diffusers.
  const step = -numTrainTimesteps / n;
  const count = Math.ceil(-last / step);
  return Array.from({ length: count }, (_, j) => roundHalfEven(last + j * step) - 1);
}

/**
 * The DPM-Solver schedule of `n` steps. With `use_karras_sigmas` the σ follow Karras et al. (2022) eq. 5 (ρ = 7) from
 * the largest to the smallest training σ, and each timestep is the (rounded; truncated for the cosine schedule)
 * fractional training timestep of its σ.
 *
 * @example
 * dpmSolverSchedule(parseSchedulerConfig({ _class_name: "DPMSolverMultistepScheduler", beta_schedule: "scaled_linear",
 *   beta_start: 0.00085, beta_end: 0.012 }), 4).sigmas; // [14.6146…, 4.0817…, 1.6183…, 0.6958…, 0]
 */
export function dpmSolverSchedule(config: SchedulerConfig, n: number): DpmSolverSchedule {
  const alphas = alphasCumprod(config);
  const train = trainingSigmas(alphas);
  let timesteps = dpmSolverTimesteps(
    config.timestepSpacing,
    n,
    config.numTrainTimesteps,
    lastTimestep(config, alphas),
    config.stepsOffset,
  );
  let sigmas: number[];
  if (config.useKarrasSigmas) {
    sigmas = karrasSigmas(train[0] as number, train[train.length - 1] as number, n);
    const whole = config.betaSchedule === "squaredcos_cap_v2" ? Math.trunc : roundHalfEven;
    timesteps = sigmas.map((s) => whole(sigmaToTimestep(s, train)));
  } else {
    sigmas = timesteps.map((t) => interpOnIndex(t, train));
  }
  const final = config.dpmSolver.finalSigmas === "sigma_min" ? (train[0] as number) : 0;
  return { timesteps, sigmas: [...sigmas, final].map(Math.fround) };
}

/**
 * @module EulerDiscreteScheduler: Euler's method on the probability-flow ODE in σ (Karras et al. 2022, algorithm 2
 * with no churn), with diffusers' timestep spacings, optional Karras sigmas and continuous (0.25·ln σ) timesteps for SVD.
 */
import { Lru } from "../internal/lru.js";
import { karrasSigmas } from "./karras.js";
import { alphasCumprod, interpOnIndex, sigmaToTimestep, trainingSigmas } from "./noise-schedule.js";
import { axpby, eulerStep, type SchedulePlan, type Scheduler, scale } from "./scheduler.js";
import type { SchedulerConfig } from "./scheduler-config.js";
import { spacedTimesteps } from "./timestep-spacing.js";

/** Timesteps and sigmas of a sigma-based (Euler-family) schedule. */
export interface SigmaSchedule {
  timesteps: readonly number[];
  /** One σ per step plus a final 0. */
  sigmas: readonly number[];
  initNoiseSigma: number;
}

/**
 * The Euler-family schedule for `n` steps: σ interpolated from the training sigmas at the spaced timesteps (or Karras
 * sigmas), a final σ of 0, and an initial noise σ of max σ (`linspace`/`trailing`) or √(max σ² + 1) (`leading`).
 *
 * @example
 * sigmaSchedule(parseSchedulerConfig({ _class_name: "EulerDiscreteScheduler", beta_schedule: "scaled_linear",
 *   beta_start: 0.00085, beta_end: 0.012, timestep_spacing: "trailing" }), 4).timesteps; // [999, 749, 499, 249]
 */
export function sigmaSchedule(
  config: SchedulerConfig,
  n: number,
  train: Float32Array = trainingSigmas(alphasCumprod(config)),
): SigmaSchedule {
  let timesteps = spacedTimesteps({
    spacing: config.timestepSpacing,
    numInferenceSteps: n,
    numTrainTimesteps: config.numTrainTimesteps,
    stepsOffset: config.stepsOffset,
  });
  let sigmas = timesteps.map((t) => interpOnIndex(t, train));
  if (config.useKarrasSigmas) {
    sigmas = karrasSigmas(config.sigmaMin ?? (sigmas.at(-1) as number), config.sigmaMax ?? (sigmas[0] as number), n);
    timesteps = sigmas.map((s) => sigmaToTimestep(s, train));
  }
  // diffusers feeds 0.25·ln σ only to a v-prediction model ("continuous" with another prediction type keeps the
  // discrete timesteps: EDM scalings are implemented for v-prediction alone).
  if (config.timestepType === "continuous" && config.predictionType === "v_prediction")
    timesteps = sigmas.map((s) => 0.25 * Math.log(s));
  sigmas = sigmas.map(Math.fround);
  const max = Math.max(...sigmas);
  const initNoiseSigma = config.timestepSpacing === "leading" ? Math.sqrt(max * max + 1) : max;
  return { timesteps, sigmas: [...sigmas, 0], initNoiseSigma };
}

/** How many step counts an Euler-family scheduler keeps the plan of. */
export const SCHEDULE_CACHE_SIZE = 16;

/**
 * The plans of an Euler-family scheduler whose step is `stepFor(sigmas)`: built once per step count and shared (frozen)
 * by every request with that count (a plan holds no state between steps), so a request's plan costs a map lookup.
 *
 * @example
 * const plans = sigmaPlans(config, (sigmas) => (eps, i, x) => ({ prevSample: x, predOriginal: x }));
 * plans(4) === plans(4); // true
 */
export function sigmaPlans(
  config: SchedulerConfig,
  stepFor: (sigmas: readonly number[]) => SchedulePlan["step"],
): (n: number) => SchedulePlan {
  const train = trainingSigmas(alphasCumprod(config));
  const plans = new Lru<number, SchedulePlan>(SCHEDULE_CACHE_SIZE);
  return (n) =>
    plans.getOrSet(n, (steps) => {
      const { timesteps, sigmas, initNoiseSigma } = sigmaSchedule(config, steps, train);
      const schedule = { timesteps: Object.freeze(timesteps), sigmas: Object.freeze(sigmas), initNoiseSigma };
      return Object.freeze({ ...sigmaPlanBase(schedule), step: stepFor(schedule.sigmas) });
    });
}

/** The Euler-family operations shared by Euler and Euler ancestral: input scaling 1/√(σ²+1) and `add_noise` x₀ + σ·ε. */
function sigmaPlanBase(schedule: Readonly<SigmaSchedule>): Omit<SchedulePlan, "step"> {
  const { sigmas } = schedule;
  return {
    timesteps: schedule.timesteps,
    sigmas,
    initNoiseSigma: schedule.initNoiseSigma,
    scaleModelInput: (sample, i, out) => scale(1 / Math.sqrt((sigmas[i] as number) ** 2 + 1), sample, out),
    addNoise: (original, noise, i) => axpby(1, original, sigmas[i] as number, noise),
  };
}

/**
 * Creates the Euler discrete scheduler.
 *
 * @example
 * const plan = eulerDiscrete(config).plan(4);
 * const next = plan.step(eps, 0, latents, noise).prevSample;
 */
export function eulerDiscrete(config: SchedulerConfig): Scheduler {
  return {
    config,
    plan: sigmaPlans(config, (sigmas) => (modelOutput, i, sample, _noise, into) => {
      const sigma = sigmas[i] as number;
      return eulerStep(config.predictionType, modelOutput, sample, sigma, (sigmas[i + 1] as number) - sigma, into);
    }),
  };
}

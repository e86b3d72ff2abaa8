/**
 * @module DDIMScheduler with η = 0 (Song et al., "Denoising Diffusion Implicit Models", 2021, eq. 12): deterministic
 * steps x_{t'} = √ᾱ_{t'}·x̂₀ + √(1−ᾱ_{t'})·ε̂ with t' = t − ⌊T/n⌋.
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
import { spacedTimesteps } from "./timestep-spacing.js";

/**
 * Creates the DDIM scheduler.
 *
 * @example
 * const plan = ddim(config).plan(50);
 * plan.initNoiseSigma; // 1
 */
export function ddim(config: SchedulerConfig): Scheduler {
  const alphaAt = alphaAtTimestep(config);
  return {
    config,
    plan(n) {
      const timesteps = spacedTimesteps({
        spacing: config.timestepSpacing,
        numInferenceSteps: n,
        numTrainTimesteps: config.numTrainTimesteps,
        stepsOffset: config.stepsOffset,
        integer: true,
      });
      const stride = Math.floor(config.numTrainTimesteps / n);
      return {
        timesteps,
        sigmas: [],
        initNoiseSigma: 1,
        scaleModelInput: unscaled,
        step(modelOutput, i, sample, _noise, into) {
          const t = timesteps[i] as number;
          const alpha = alphaAt(t);
          const alphaPrev = alphaAt(t - stride);
          const pred = predictFromAlpha(config.predictionType, modelOutput, sample, alpha);
          const predOriginal = config.clipSample ? clip(pred.predOriginal, config.clipSampleRange) : pred.predOriginal;
          const prevSample = axpby(Math.sqrt(alphaPrev), predOriginal, Math.sqrt(1 - alphaPrev), pred.predEpsilon);
          return stepResult(prevSample, predOriginal, into);
        },
        addNoise: alphaAddNoise(alphaAt, timesteps),
      };
    },
  };
}

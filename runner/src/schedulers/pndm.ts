/**
 * @module PNDMScheduler in its PLMS form (`skip_prk_steps: true`, as Stable Diffusion 1.x ships it): the pseudo linear
 * multistep method of Liu et al., "Pseudo Numerical Methods for Diffusion Models on Manifolds" (2022), eq. 12, with
 * diffusers' warm-up — the second timestep is repeated once to average the first two model outputs — so n steps run
 * the UNet n + 1 times. The plan keeps the past outputs, so its steps must be taken in order.
 */
import {
  alphaAddNoise,
  alphaAtTimestep,
  axpby,
  predictFromAlpha,
  type Scheduler,
  stepResult,
  unscaled,
} from "./scheduler.js";
import type { SchedulerConfig } from "./scheduler-config.js";
import { spacedTimesteps } from "./timestep-spacing.js";

/**
 * PLMS timesteps: the spaced timesteps with the second one repeated, descending (n + 1 entries).
 *
 * @example
 * plmsTimesteps([751, 501, 251, 1]); // [751, 501, 501, 251, 1]
 */
export function plmsTimesteps(descending: readonly number[]): number[] {
  if (descending.length < 2) return [...descending];
  return [descending[0] as number, descending[1] as number, ...descending.slice(1)];
}

/**
 * Creates the PNDM (PLMS) scheduler.
 *
 * @example
 * const plan = pndm(config).plan(50); // 51 UNet calls
 */
export function pndm(config: SchedulerConfig): Scheduler {
  const alphaAt = alphaAtTimestep(config);
  return {
    config,
    plan(n) {
      const spaced = spacedTimesteps({
        spacing: config.timestepSpacing,
        numInferenceSteps: n,
        numTrainTimesteps: config.numTrainTimesteps,
        stepsOffset: config.stepsOffset,
        integer: true,
      });
      const timesteps = plmsTimesteps(spaced);
      const stride = Math.floor(config.numTrainTimesteps / n);
      const ets: Float32Array[] = [];
      let counter = 0;
      let firstSample: Float32Array | undefined;
      return {
        timesteps,
        sigmas: [],
        initNoiseSigma: 1,
        scaleModelInput: unscaled,
        step(modelOutput, i, sample, _noise, into) {
          let t = timesteps[i] as number;
          let prevT = t - stride;
          if (counter !== 1) {
            if (ets.length > 3) ets.shift();
            // Copies: the caller may reuse its arrays for the next step.
            ets.push(Float32Array.from(modelOutput));
          } else {
            prevT = t;
            t += stride;
          }
          let eps: Float32Array;
          let from = sample;
          const e = (k: number) => ets[ets.length - k] as Float32Array;
          if (ets.length === 1 && counter === 0) {
            eps = modelOutput;
            firstSample = Float32Array.from(sample);
          } else if (ets.length === 1 && counter === 1) {
            eps = axpby(0.5, modelOutput, 0.5, e(1));
            from = firstSample as Float32Array;
            firstSample = undefined;
          } else if (ets.length === 2) {
            eps = axpby(1.5, e(1), -0.5, e(2));
          } else if (ets.length === 3) {
            eps = e(1).map((v, k) => (23 * v - 16 * (e(2)[k] as number) + 5 * (e(3)[k] as number)) / 12);
          } else {
            eps = e(1).map(
              (v, k) => (55 * v - 59 * (e(2)[k] as number) + 37 * (e(3)[k] as number) - 9 * (e(4)[k] as number)) / 24,
            );
          }
          counter++;
          const a = alphaAt(t);
          const aPrev = alphaAt(prevT);
          // v-prediction is turned into ε first; "sample" prediction is not defined for PNDM.
          const epsilon =
            config.predictionType === "v_prediction" ? predictFromAlpha("v_prediction", eps, from, a).predEpsilon : eps;
          const denom = a * Math.sqrt(1 - aPrev) + Math.sqrt(a * (1 - a) * aPrev);
          const prevSample = axpby(Math.sqrt(aPrev / a), from, -(aPrev - a) / denom, epsilon);
          const predOriginal = axpby(1 / Math.sqrt(a), from, -Math.sqrt(1 - a) / Math.sqrt(a), epsilon);
          return stepResult(prevSample, predOriginal, into);
        },
        addNoise: alphaAddNoise(alphaAt, timesteps),
      };
    },
  };
}

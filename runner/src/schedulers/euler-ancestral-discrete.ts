/**
 * @module EulerAncestralDiscreteScheduler: an Euler step down to σ_down followed by fresh noise of σ_up, with
 * σ_up² = σ_to²(σ_from² − σ_to²)/σ_from² and σ_down² = σ_to² − σ_up² (k-diffusion's `get_ancestral_step`, η = 1).
 */
import { sigmaPlans } from "./euler-discrete.js";
import { eulerStep, type Scheduler } from "./scheduler.js";
import type { SchedulerConfig } from "./scheduler-config.js";

/**
 * Creates the Euler ancestral scheduler.
 *
 * @example
 * const plan = eulerAncestralDiscrete(config).plan(1);
 * const x0 = plan.step(eps, 0, latents, batchNoise([seed])).prevSample;
 */
export function eulerAncestralDiscrete(config: SchedulerConfig): Scheduler {
  return {
    config,
    plan: sigmaPlans(config, (sigmas) => (modelOutput, i, sample, noise, into) => {
      const from = sigmas[i] as number;
      const to = sigmas[i + 1] as number;
      const up = Math.sqrt((to * to * (from * from - to * to)) / (from * from));
      const down = Math.sqrt(to * to - up * up);
      const result = eulerStep(config.predictionType, modelOutput, sample, from, down - from, into);
      if (up > 0) {
        const { prevSample } = result;
        const eps = noise(sample.length);
        for (let k = 0; k < prevSample.length; k++) prevSample[k] = (prevSample[k] as number) + up * (eps[k] as number);
      }
      return result;
    }),
  };
}

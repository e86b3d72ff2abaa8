/**
 * @module Schedulers in TypeScript, chosen by `scheduler/scheduler_config.json`'s `_class_name`; an unknown class or
 * setting fails the model load with a clear message rather than running a substitute.
 */
import { ddim } from "./ddim.js";
import { dpmSolverMultistep } from "./dpm-solver-multistep.js";
import { eulerAncestralDiscrete } from "./euler-ancestral-discrete.js";
import { eulerDiscrete } from "./euler-discrete.js";
import { lcm } from "./lcm.js";
import { pndm } from "./pndm.js";
import type { Scheduler } from "./scheduler.js";
import { parseSchedulerConfig } from "./scheduler-config.js";

export { ddim } from "./ddim.js";
export { dpmSolverMultistep } from "./dpm-solver-multistep.js";
export { type DpmSolverSchedule, dpmSolverSchedule, dpmSolverTimesteps } from "./dpm-solver-schedule.js";
export { eulerAncestralDiscrete } from "./euler-ancestral-discrete.js";
export { eulerDiscrete, sigmaSchedule } from "./euler-discrete.js";
export { edmScalings, guidanceRamp, karrasSigmas } from "./karras.js";
export { lcm, lcmScalings, lcmTimesteps } from "./lcm.js";
export { alphasCumprod, trainingSigmas } from "./noise-schedule.js";
export { plmsTimesteps, pndm } from "./pndm.js";
export type { NoiseSource, SchedulePlan, Scheduler, StepResult } from "./scheduler.js";
export { guidedEulerStep, type ScaledSampleTarget, scale, scaleIntoSample } from "./scheduler.js";
export {
  type DpmSolverSettings,
  parseSchedulerConfig,
  SCHEDULER_CLASSES,
  type SchedulerClass,
  type SchedulerConfig,
  SchedulerConfigError,
} from "./scheduler-config.js";
export { batchNoise, SeededNoise } from "./seeded-noise.js";

/**
 * A scheduler from the parsed contents of `scheduler_config.json`.
 *
 * @throws {SchedulerConfigError} for an unknown `_class_name` or an unsupported setting.
 * @example
 * const scheduler = createScheduler(JSON.parse(readFileSync("scheduler/scheduler_config.json", "utf8")));
 * const plan = scheduler.plan(25);
 */
export function createScheduler(rawConfig: unknown): Scheduler {
  const config = parseSchedulerConfig(rawConfig);
  switch (config.className) {
    case "EulerDiscreteScheduler":
      return eulerDiscrete(config);
    case "EulerAncestralDiscreteScheduler":
      return eulerAncestralDiscrete(config);
    case "DDIMScheduler":
      return ddim(config);
    case "LCMScheduler":
      return lcm(config);
    case "PNDMScheduler":
      return pndm(config);
    case "DPMSolverMultistepScheduler":
      return dpmSolverMultistep(config);
  }
}

/**
 * @module Reading `scheduler/scheduler_config.json` (diffusers' format) into a checked config. Settings this runner
 * does not implement are rejected with a message naming them, never ignored.
 */
import type { BetaSchedule } from "./noise-schedule.js";
import type { TimestepSpacing } from "./timestep-spacing.js";

/** Scheduler classes this runner implements (diffusers' `_class_name`). */
export const SCHEDULER_CLASSES = [
  "EulerDiscreteScheduler",
  "EulerAncestralDiscreteScheduler",
  "DDIMScheduler",
  "LCMScheduler",
  "PNDMScheduler",
  "DPMSolverMultistepScheduler",
] as const;

/** One of {@link SCHEDULER_CLASSES}. */
export type SchedulerClass = (typeof SCHEDULER_CLASSES)[number];

/** What the model was trained to predict. */
export type PredictionType = "epsilon" | "v_prediction" | "sample";

/** A checked scheduler config, with diffusers' defaults filled in for the chosen class. */
export interface SchedulerConfig {
  className: SchedulerClass;
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: BetaSchedule;
  trainedBetas: number[] | undefined;
  predictionType: PredictionType;
  timestepSpacing: TimestepSpacing;
  stepsOffset: number;
  /** DDIM/LCM: ᾱ used past the last step (1, or ᾱ₀ when false). */
  setAlphaToOne: boolean;
  clipSample: boolean;
  clipSampleRange: number;
  /** Euler: sigmas from Karras et al. (2022) eq. 5 instead of the training schedule. */
  useKarrasSigmas: boolean;
  sigmaMin: number | undefined;
  sigmaMax: number | undefined;
  /** Euler: `continuous` feeds a v-prediction UNet 0.25·ln σ (EDM/SVD) instead of training timesteps. */
  timestepType: "discrete" | "continuous";
  /** LCM: the number of teacher steps the model was distilled on. */
  originalInferenceSteps: number;
  /** LCM: scale of t in the boundary-condition scalings. */
  timestepScaling: number;
  /** DPM-Solver: the settings of `DPMSolverMultistepScheduler` (defaults for the other classes). */
  dpmSolver: DpmSolverSettings;
}

/** The settings only `DPMSolverMultistepScheduler` reads (diffusers' names in the comments). */
export interface DpmSolverSettings {
  /** `solver_order`: 1, 2 (DPM++ 2M, the default) or 3. */
  order: 1 | 2 | 3;
  /** `algorithm_type`: the ODE solver, or its SDE variant that adds fresh noise at every step. */
  algorithm: "dpmsolver++" | "sde-dpmsolver++";
  /** `solver_type`: how the second-order term is formed. */
  solverType: "midpoint" | "heun";
  /** `lower_order_final`: first/second order at the last two steps of schedules shorter than 15 steps. */
  lowerOrderFinal: boolean;
  /** `euler_at_final`: always a first-order last step. */
  eulerAtFinal: boolean;
  /** `final_sigmas_type`: the σ after the last step, 0 or the training schedule's smallest. */
  finalSigmas: "zero" | "sigma_min";
  /** `lambda_min_clipped`: timesteps whose log-SNR λ = −ln σ is below this are not used (−∞: none cut). */
  lambdaMinClipped: number;
}

/** Thrown when a scheduler config cannot be used; the model then fails to load with this message. */
export class SchedulerConfigError extends Error {
  override name = "SchedulerConfigError";
}

type Json = Record<string, unknown>;

function pick<T>(raw: Json, key: string, allowed: readonly T[], fallback: T): T {
  const v = raw[key];
  if (v === undefined || v === null) return fallback;
  if (!allowed.includes(v as T)) {
    throw new SchedulerConfigError(
      `scheduler_config.json: ${key} ${JSON.stringify(v)} is not supported (supported: ${allowed.join(", ")})`,
    );
  }
  return v as T;
}

function num(raw: Json, key: string, fallback: number): number;
function num(raw: Json, key: string, fallback: undefined): number | undefined;
function num(raw: Json, key: string, fallback: number | undefined): number | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new SchedulerConfigError(`scheduler_config.json: ${key} must be a number, got ${JSON.stringify(v)}`);
  }
  return v;
}

function bool(raw: Json, key: string, fallback: boolean): boolean {
  const v = raw[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "boolean") {
    throw new SchedulerConfigError(`scheduler_config.json: ${key} must be true or false, got ${JSON.stringify(v)}`);
  }
  return v;
}

function refuse(raw: Json, key: string, isUnsupported: (v: unknown) => boolean, what: string): void {
  if (raw[key] !== undefined && raw[key] !== null && isUnsupported(raw[key])) {
    throw new SchedulerConfigError(
      `scheduler_config.json: ${key} ${JSON.stringify(raw[key])} is not supported (${what})`,
    );
  }
}

/** diffusers' defaults of the DPM-Solver settings (DPM++ 2M, midpoint). */
const DPM_SOLVER_DEFAULTS: DpmSolverSettings = Object.freeze({
  order: 2,
  algorithm: "dpmsolver++",
  solverType: "midpoint",
  lowerOrderFinal: true,
  eulerAtFinal: false,
  finalSigmas: "zero",
  lambdaMinClipped: -Infinity,
});

/**
 * The DPM-Solver settings of a `DPMSolverMultistepScheduler` config. Its `sigma_min`/`sigma_max` are not read: diffusers'
 * class has no such parameters and ignores the keys, so its Karras sigmas always span the training schedule.
 */
function parseDpmSolverSettings(r: Json): DpmSolverSettings {
  refuse(r, "use_lu_lambdas", (v) => v !== false, "uniform log-SNR steps are not implemented");
  refuse(r, "use_flow_sigmas", (v) => v !== false, "flow-matching sigmas are not implemented");
  refuse(r, "variance_type", () => true, "models that predict their variance are not supported");
  const order = num(r, "solver_order", 2);
  if (order !== 1 && order !== 2 && order !== 3) {
    throw new SchedulerConfigError(`scheduler_config.json: solver_order must be 1, 2 or 3, got ${order}`);
  }
  const algorithm = pick(r, "algorithm_type", ["dpmsolver++", "sde-dpmsolver++"] as const, "dpmsolver++");
  if (algorithm === "sde-dpmsolver++" && order === 3) {
    throw new SchedulerConfigError(
      "scheduler_config.json: solver_order 3 is not defined for algorithm_type sde-dpmsolver++ (use 1 or 2)",
    );
  }
  const clipped = r.lambda_min_clipped;
  if (clipped !== undefined && clipped !== null && (typeof clipped !== "number" || Number.isNaN(clipped))) {
    throw new SchedulerConfigError(
      `scheduler_config.json: lambda_min_clipped must be a number or -Infinity, got ${JSON.stringify(clipped)}`,
    );
  }
  return {
    order,
    algorithm,
    solverType: pick(r, "solver_type", ["midpoint", "heun"] as const, "midpoint"),
    lowerOrderFinal: bool(r, "lower_order_final", true),
    eulerAtFinal: bool(r, "euler_at_final", false),
    finalSigmas: pick(r, "final_sigmas_type", ["zero", "sigma_min"] as const, "zero"),
    lambdaMinClipped: (clipped as number | null | undefined) ?? -Infinity,
  };
}

/**
 * Checks a parsed `scheduler_config.json` and fills in the defaults diffusers uses for its class.
 *
 * @example
 * const config = parseSchedulerConfig({ _class_name: "EulerDiscreteScheduler", timestep_spacing: "trailing" });
 * config.timestepSpacing; // "trailing"
 */
export function parseSchedulerConfig(raw: unknown): SchedulerConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new SchedulerConfigError("scheduler_config.json must hold a JSON object");
  }
  const r = raw as Json;
  const className = r._class_name;
  if (typeof className !== "string" || !(SCHEDULER_CLASSES as readonly string[]).includes(className)) {
    throw new SchedulerConfigError(
      `scheduler_config.json: unknown scheduler _class_name ${JSON.stringify(className)} (supported: ${SCHEDULER_CLASSES.join(", ")})`,
    );
  }
  const cls = className as SchedulerClass;
  const isEuler = cls === "EulerDiscreteScheduler" || cls === "EulerAncestralDiscreteScheduler";
  const isDpm = cls === "DPMSolverMultistepScheduler";
  refuse(r, "thresholding", (v) => v !== false, "dynamic thresholding is not implemented");
  refuse(r, "rescale_betas_zero_snr", (v) => v !== false, "zero-SNR rescaling is not implemented");
  refuse(r, "interpolation_type", (v) => v !== "linear", "only linear sigma interpolation is implemented");
  if (!isDpm) refuse(r, "final_sigmas_type", (v) => v !== "zero", "only a final sigma of zero is implemented");
  refuse(r, "use_exponential_sigmas", (v) => v !== false, "not implemented");
  refuse(r, "use_beta_sigmas", (v) => v !== false, "not implemented");
  refuse(r, "eta", (v) => v !== 0, "DDIM runs with eta 0");
  if (cls === "PNDMScheduler") {
    refuse(r, "skip_prk_steps", (v) => v !== true, "only the PLMS form (skip_prk_steps true) is implemented");
    refuse(r, "prediction_type", (v) => v === "sample", "PNDM needs epsilon or v_prediction");
  }
  const trained = r.trained_betas;
  if (
    trained !== undefined &&
    trained !== null &&
    (!Array.isArray(trained) || trained.some((b) => typeof b !== "number"))
  ) {
    throw new SchedulerConfigError("scheduler_config.json: trained_betas must be an array of numbers");
  }
  const config: SchedulerConfig = {
    className: cls,
    numTrainTimesteps: num(r, "num_train_timesteps", 1000),
    betaStart: num(r, "beta_start", cls === "LCMScheduler" ? 0.00085 : 0.0001),
    betaEnd: num(r, "beta_end", cls === "LCMScheduler" ? 0.012 : 0.02),
    betaSchedule: pick<BetaSchedule>(
      r,
      "beta_schedule",
      ["scaled_linear", "linear", "squaredcos_cap_v2"],
      cls === "LCMScheduler" ? "scaled_linear" : "linear",
    ),
    trainedBetas: (trained as number[] | null | undefined) ?? undefined,
    predictionType: pick<PredictionType>(r, "prediction_type", ["epsilon", "v_prediction", "sample"], "epsilon"),
    timestepSpacing: pick<TimestepSpacing>(
      r,
      "timestep_spacing",
      ["linspace", "leading", "trailing"],
      isEuler || isDpm ? "linspace" : "leading",
    ),
    stepsOffset: num(r, "steps_offset", 0),
    setAlphaToOne: bool(r, "set_alpha_to_one", cls !== "PNDMScheduler"),
    clipSample: bool(r, "clip_sample", cls === "DDIMScheduler"),
    clipSampleRange: num(r, "clip_sample_range", 1),
    useKarrasSigmas: bool(r, "use_karras_sigmas", false),
    sigmaMin: num(r, "sigma_min", undefined),
    sigmaMax: num(r, "sigma_max", undefined),
    timestepType: pick(r, "timestep_type", ["discrete", "continuous"] as const, "discrete"),
    originalInferenceSteps: num(r, "original_inference_steps", 50),
    timestepScaling: num(r, "timestep_scaling", 10),
    dpmSolver: isDpm ? parseDpmSolverSettings(r) : DPM_SOLVER_DEFAULTS,
  };
  if (!Number.isInteger(config.numTrainTimesteps) || config.numTrainTimesteps < 2) {
    throw new SchedulerConfigError(
      `scheduler_config.json: num_train_timesteps must be an integer ≥ 2, got ${config.numTrainTimesteps}`,
    );
  }
  if (cls === "EulerAncestralDiscreteScheduler" && config.useKarrasSigmas) {
    throw new SchedulerConfigError(
      "scheduler_config.json: use_karras_sigmas is only implemented for EulerDiscreteScheduler",
    );
  }
  return config;
}

/**
 * @module DPMSolverMultistepScheduler: the multistep DPM-Solver++ of Lu et al., "DPM-Solver++: Fast Solver for Guided
 * Sampling of Diffusion Probabilistic Models" (2022), which integrates the diffusion ODE in λ = −ln σ over the model's
 * data prediction x̂₀, reusing the previous steps' x̂₀ for a second-order ("2M", algorithm 2) or third-order update;
 * optionally its SDE variant, which adds fresh noise at every step. Step-order rules, prediction types and the
 * schedule follow diffusers' documented config. The plan keeps the past x̂₀, so its steps must be taken in order.
 */
import { Lru } from "../internal/lru.js";
import { type DpmSolverSchedule, dpmSolverSchedule } from "./dpm-solver-schedule.js";
import { SCHEDULE_CACHE_SIZE } from "./euler-discrete.js";
import { type SchedulePlan, type Scheduler, type StepResult, unscaled } from "./scheduler.js";
import type { SchedulerConfig } from "./scheduler-config.js";

/** x = α·x₀ + σ_t·ε in the σ parameterisation: α = 1/√(σ²+1), σ_t = σ·α. */
function alphaSigma(sigma: number): [alpha: number, sigmaT: number] {
  const alpha = 1 / Math.sqrt(sigma * sigma + 1);
  return [alpha, sigma * alpha];
}

/**
 * The update x_next = a·x + c0·m0 + c1·m1 + c2·m2 + n·z of one step, with m0 the current x̂₀, m1 and m2 the previous
 * ones and z fresh noise (SDE only). The order-k formulas of the paper, written out on the x̂₀ history.
 */
interface Update {
  a: number;
  c0: number;
  c1: number;
  c2: number;
  n: number;
}

/**
 * The coefficients of step `i` of order `order`. With h = λ_next − λ_i (and h₀, h₁ the previous step sizes, r = h_k/h):
 * first order x_next = (σ_next/σ_i)·x − α_next(e^{−h} − 1)·m0 (eq. 8, DDIM); second order adds
 * −½α_next(e^{−h} − 1)·D1 (midpoint) or α_next((e^{−h} − 1)/h + 1)·D1 (Heun), D1 = (m0 − m1)/r₀; third order also
 * D2 (Lu et al. 2022a, "DPM-Solver", multistep form). The SDE variant scales x by e^{−h} and doubles h in the data term.
 */
function coefficients(
  sigmas: readonly number[],
  i: number,
  order: 1 | 2 | 3,
  sde: boolean,
  heun: boolean,
): Update | undefined {
  const lambda = (k: number) => -Math.log(sigmas[k] as number);
  const [alphaNext, sigmaNext] = alphaSigma(sigmas[i + 1] as number);
  const [, sigmaNow] = alphaSigma(sigmas[i] as number);
  const h = lambda(i + 1) - lambda(i);
  // A step between equal σ (a final σ_min after Karras σ ending at σ_min) leaves the sample as it is, which is the
  // limit of every formula below (diffusers computes 0/0 there for Heun).
  if (h === 0) return undefined;
  const e = Math.exp(-h);
  const e2 = Math.exp(-2 * h);
  const u: Update = sde
    ? { a: (sigmaNext / sigmaNow) * e, c0: alphaNext * (1 - e2), c1: 0, c2: 0, n: sigmaNext * Math.sqrt(1 - e2) }
    : { a: sigmaNext / sigmaNow, c0: -alphaNext * (e - 1), c1: 0, c2: 0, n: 0 };
  if (order === 1) return u;
  const r0 = (lambda(i) - lambda(i - 1)) / h;
  // C1: the weight of D1.
  const c1 = sde
    ? heun
      ? alphaNext * ((1 - e2) / (-2 * h) + 1)
      : 0.5 * alphaNext * (1 - e2)
    : heun
      ? alphaNext * ((e - 1) / h + 1)
      : -0.5 * alphaNext * (e - 1);
  if (order === 2) {
    // D1 = (m0 − m1)/r0
    return { ...u, c0: u.c0 + c1 / r0, c1: -c1 / r0 };
  }
  const r1 = (lambda(i - 1) - lambda(i - 2)) / h;
  const c1Third = alphaNext * ((e - 1) / h + 1);
  const c2Third = -alphaNext * ((e - 1 + h) / (h * h) - 0.5);
  // D1_0 = (m0 − m1)/r0, D1_1 = (m1 − m2)/r1, D1 = D1_0 + r0/(r0+r1)·(D1_0 − D1_1), D2 = (D1_0 − D1_1)/(r0+r1).
  const p = (c1Third * r0) / (r0 + r1) + c2Third / (r0 + r1);
  return {
    ...u,
    c0: u.c0 + c1Third / r0 + p / r0,
    c1: -c1Third / r0 - p / r0 - p / r1,
    c2: p / r1,
  };
}

/**
 * x̂₀ from the model output at σ: ε-prediction (x − σ_t·m)/α, v-prediction α·x − σ_t·m, sample prediction m;
 * written into `out`.
 */
function predictOriginal(
  prediction: SchedulerConfig["predictionType"],
  modelOutput: Float32Array,
  sample: Float32Array,
  sigma: number,
  out: Float32Array,
): void {
  const [alpha, sigmaT] = alphaSigma(sigma);
  if (prediction === "sample") return void out.set(modelOutput);
  const [a, b] = prediction === "epsilon" ? [1 / alpha, -sigmaT / alpha] : [alpha, -sigmaT];
  for (let k = 0; k < out.length; k++) out[k] = a * (sample[k] as number) + b * (modelOutput[k] as number);
}

/**
 * The order of step `i` of `n`: lower while the history fills (`lower` steps taken so far), first order at the last
 * step when `euler_at_final`, when `lower_order_final` and n < 15, or when the final σ is 0; at most second order at
 * the second-to-last step when `lower_order_final` and n < 15 (diffusers' stabilisation of short schedules).
 */
function stepOrder(config: SchedulerConfig["dpmSolver"], i: number, n: number, lower: number): 1 | 2 | 3 {
  const short = config.lowerOrderFinal && n < 15;
  if (i === n - 1 && (config.eulerAtFinal || short || config.finalSigmas === "zero")) return 1;
  if (config.order === 1 || lower < 1) return 1;
  if (config.order === 2 || lower < 2 || (i === n - 2 && short)) return 2;
  return 3;
}

/** A plan with its own x̂₀ history; `schedule` is shared between plans. */
function dpmSolverPlan(config: SchedulerConfig, schedule: DpmSolverSchedule): SchedulePlan {
  const { timesteps, sigmas } = schedule;
  const settings = config.dpmSolver;
  const sde = settings.algorithm === "sde-dpmsolver++";
  const heun = settings.solverType === "heun";
  let previous = -2;
  let lower = 0;
  let m1 = new Float32Array(0);
  let m2 = new Float32Array(0);
  let z = new Float32Array(0);
  return {
    timesteps,
    sigmas,
    initNoiseSigma: 1,
    scaleModelInput: unscaled,
    step(modelOutput, i, sample, noise, into) {
      const size = sample.length;
      const out: StepResult = into ?? { prevSample: new Float32Array(size), predOriginal: new Float32Array(size) };
      // A step that does not follow the previous one starts a new trajectory (image-to-image begins mid-schedule).
      if (i !== previous + 1 || m1.length !== size) {
        lower = 0;
        if (m1.length !== size) [m1, m2] = [new Float32Array(size), new Float32Array(size)];
      }
      previous = i;
      const m0 = out.predOriginal;
      predictOriginal(config.predictionType, modelOutput, sample, sigmas[i] as number, m0);
      const u = coefficients(sigmas, i, stepOrder(settings, i, timesteps.length, lower), sde, heun);
      const next = out.prevSample;
      if (!u) {
        next.set(sample);
      } else {
        let drawn: Float32Array | undefined;
        if (u.n !== 0) {
          if (z.length !== size) z = new Float32Array(size);
          drawn = noise(size, z);
        }
        for (let k = 0; k < size; k++) {
          next[k] =
            u.a * (sample[k] as number) +
            u.c0 * (m0[k] as number) +
            u.c1 * (m1[k] as number) +
            u.c2 * (m2[k] as number) +
            (drawn ? u.n * (drawn[k] as number) : 0);
        }
      }
      [m1, m2] = [m2, m1];
      m1.set(m0);
      if (lower < settings.order) lower++;
      return out;
    },
    addNoise(original, eps, i) {
      const [alpha, sigmaT] = alphaSigma(sigmas[i] as number);
      const out = new Float32Array(original.length);
      for (let k = 0; k < out.length; k++) out[k] = alpha * (original[k] as number) + sigmaT * (eps[k] as number);
      return out;
    },
  };
}

/**
 * Creates the DPM-Solver++ multistep scheduler. Each `plan()` is a fresh trajectory (it holds the x̂₀ history); the
 * timesteps and sigmas of a step count are computed once and shared.
 *
 * @example
 * const plan = dpmSolverMultistep(parseSchedulerConfig({ _class_name: "DPMSolverMultistepScheduler",
 *   beta_schedule: "scaled_linear", beta_start: 0.00085, beta_end: 0.012, use_karras_sigmas: true })).plan(20);
 * for (let i = 0; i < plan.timesteps.length; i++) latents = plan.step(unet(latents, plan.timesteps[i]), i, latents, noise).prevSample;
 */
export function dpmSolverMultistep(config: SchedulerConfig): Scheduler {
  const schedules = new Lru<number, DpmSolverSchedule>(SCHEDULE_CACHE_SIZE);
  return {
    config,
    plan: (n) =>
      dpmSolverPlan(
        config,
        schedules.getOrSet(n, (steps) => {
          const s = dpmSolverSchedule(config, steps);
          return Object.freeze({ timesteps: Object.freeze(s.timesteps), sigmas: Object.freeze(s.sigmas) });
        }),
      ),
  };
}

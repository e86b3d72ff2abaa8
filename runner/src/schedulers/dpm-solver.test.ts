/**
 * @module DPMSolverMultistepScheduler against the numpy reference in `__fixtures__/dpm-solver-vectors.json` (written by
 * `dpm-solver-vectors.py` beside it): schedules for every spacing, Karras and final-σ setting, and whole trajectories
 * of a known model through every order, solver type, prediction type and the SDE variant.
 */
import { describe, expect, it } from "vitest";
import { referenceVectors, SD } from "./__fixtures__/reference-vectors.js";
import {
  createScheduler,
  dpmSolverTimesteps,
  type NoiseSource,
  parseSchedulerConfig,
  SchedulerConfigError,
} from "./index.js";

interface Trajectory {
  config: Record<string, unknown>;
  steps: number;
  begin?: number;
  timesteps: number[];
  sigmas: number[];
  noised?: number[];
  prev_sample: number[][];
  pred_original: number[][];
}

const { keys, ref, unread } = referenceVectors("dpm-solver-vectors.json", import.meta.url);

/** Equal within `rel` of the largest expected magnitude (at least 1e-3), element by element. */
function close(actual: ArrayLike<number>, expected: readonly number[], what: string, rel = 1e-5): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const scale = Math.max(1e-3, ...expected.map(Math.abs));
  expected.forEach((e, k) => {
    const got = actual[k] as number;
    expect(Math.abs(got - e) <= rel * scale, `${what}[${k}]: got ${got}, expected ${e}`).toBe(true);
  });
}

const DPM = { _class_name: "DPMSolverMultistepScheduler" };
const START = Float32Array.of(0.8, -1.2, 0.3, 1.5);
const CLEAN = Float32Array.of(0.5, -0.25, 1.0, -0.75);

/** The reference's model: m(x)_k = 0.3·x_k − 0.05·(k+1) + 0.02·i, in float64 then float32. */
function model(x: Float32Array, i: number, out = new Float32Array(x.length)): Float32Array {
  for (let k = 0; k < x.length; k++) out[k] = 0.3 * (x[k] as number) - 0.05 * (k + 1) + 0.02 * i;
  return out;
}

/** The reference's SDE noise at step `i`: ((7k + 3i) mod 5 − 2)/2. */
function noiseAt(step: () => number): NoiseSource {
  return (n, out = new Float32Array(n)) => {
    for (let k = 0; k < n; k++) out[k] = (((7 * k + 3 * step()) % 5) - 2) * 0.5;
    return out;
  };
}

describe("DPMSolverMultistepScheduler schedules", () => {
  for (const karras of [false, true]) {
    for (const [spacing, offset] of [
      ["linspace", 0],
      ["leading", 1],
      ["trailing", 0],
    ] as const) {
      for (const n of [1, 4, 25]) {
        for (const final of ["zero", "sigma_min"]) {
          const key = `schedule n=${n} ${spacing} steps_offset=${offset} karras=${karras} final=${final}`;
          it(key, () => {
            const v = ref<{ timesteps: number[]; sigmas: number[] }>(key);
            const plan = createScheduler({
              ...DPM,
              ...SD,
              timestep_spacing: spacing,
              steps_offset: offset,
              use_karras_sigmas: karras,
              final_sigmas_type: final,
            }).plan(n);
            expect(plan.timesteps).toEqual(v.timesteps);
            close(plan.sigmas, v.sigmas, "sigmas");
            expect(plan.initNoiseSigma).toBe(1);
          });
        }
      }
    }
  }

  for (const karras of [false, true]) {
    const key = `schedule cosine lambda_min_clipped=-5.1 n=6 karras=${karras}`;
    it(`${key} (timesteps cut where λ < −5.1; Karras ones truncated)`, () => {
      const v = ref<{ timesteps: number[]; sigmas: number[] }>(key);
      const plan = createScheduler({
        ...DPM,
        beta_schedule: "squaredcos_cap_v2",
        lambda_min_clipped: -5.1,
        use_karras_sigmas: karras,
      }).plan(6);
      expect(plan.timesteps).toEqual(v.timesteps);
      close(plan.sigmas, v.sigmas, "sigmas");
    });
  }

  it("trailing spacing keeps numpy's arange length, one more than asked for some counts", () => {
    expect(dpmSolverTimesteps("trailing", 4, 1000, 1000, 0)).toEqual([999, 749, 499, 249]);
    expect(dpmSolverTimesteps("trailing", 61, 1000, 1000, 0)).toHaveLength(62);
    expect(() => dpmSolverTimesteps("linspace", 0, 1000, 1000, 0)).toThrow(/from 1 to 1000, got 0/);
  });
});

describe("DPMSolverMultistepScheduler trajectories", () => {
  for (const key of keys().filter((k) => k.startsWith("trajectory "))) {
    it(key, () => {
      const v = ref<Trajectory>(key);
      const plan = createScheduler({ ...DPM, ...v.config }).plan(v.steps);
      expect(plan.timesteps).toEqual(v.timesteps);
      close(plan.sigmas, v.sigmas, "sigmas");
      let i = v.begin ?? 0;
      let x: Float32Array = Float32Array.from(START);
      if (v.begin !== undefined) {
        x = plan.addNoise(CLEAN, START, v.begin);
        close(x, v.noised as number[], "add_noise");
      }
      const noise = noiseAt(() => i);
      for (let row = 0; i < plan.timesteps.length; i++, row++) {
        expect(plan.scaleModelInput(x, i)).toBe(x);
        const r = plan.step(model(x, i), i, x, noise);
        close(r.predOriginal, v.pred_original[row] as number[], `step ${i} x̂₀`);
        close(r.prevSample, v.prev_sample[row] as number[], `step ${i} x`);
        x = r.prevSample;
      }
    });
  }

  it("gives every plan its own history, so overlapping requests do not mix", () => {
    const scheduler = createScheduler({ ...DPM, ...SD });
    const alone = scheduler.plan(6);
    let x: Float32Array = Float32Array.from(START);
    for (let i = 0; i < 6; i++) x = alone.step(model(x, i), i, x, () => new Float32Array(4)).prevSample;
    const a = scheduler.plan(6);
    const b = scheduler.plan(6);
    let xa: Float32Array = Float32Array.from(START);
    let xb: Float32Array = Float32Array.from(CLEAN);
    for (let i = 0; i < 6; i++) {
      xa = a.step(model(xa, i), i, xa, () => new Float32Array(4)).prevSample;
      xb = b.step(model(xb, i), i, xb, () => new Float32Array(4)).prevSample;
    }
    expect([...xa]).toEqual([...x]);
  });
});

describe("DPMSolverMultistepScheduler config", () => {
  it("defaults to DPM++ 2M (midpoint, lower-order final steps, final σ 0, linspace)", () => {
    const c = parseSchedulerConfig(DPM);
    const explicit = parseSchedulerConfig({
      ...DPM,
      solver_order: 2,
      algorithm_type: "dpmsolver++",
      solver_type: "midpoint",
      lower_order_final: true,
      euler_at_final: false,
      final_sigmas_type: "zero",
    });
    expect(c.dpmSolver).toEqual(explicit.dpmSolver);
    expect(c.dpmSolver.lambdaMinClipped).toBe(Number.NEGATIVE_INFINITY);
    expect(c.timestepSpacing).toBe("linspace");
  });

  it("refuses what it does not implement, naming the setting and what is supported", () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [
        { algorithm_type: "dpmsolver" },
        /algorithm_type "dpmsolver" is not supported \(supported: dpmsolver\+\+, sde-dpmsolver\+\+\)/,
      ],
      [{ solver_order: 4 }, /solver_order must be 1, 2 or 3, got 4/],
      [
        { algorithm_type: "sde-dpmsolver++", solver_order: 3 },
        /solver_order 3 is not defined for algorithm_type sde-dpmsolver\+\+/,
      ],
      [{ solver_type: "bh2" }, /solver_type "bh2" is not supported \(supported: midpoint, heun\)/],
      [{ final_sigmas_type: "max" }, /final_sigmas_type "max" is not supported \(supported: zero, sigma_min\)/],
      [{ use_lu_lambdas: true }, /use_lu_lambdas true is not supported/],
      [{ variance_type: "learned_range" }, /variance_type "learned_range" is not supported/],
      [{ thresholding: true }, /thresholding true is not supported/],
      [{ lambda_min_clipped: "low" }, /lambda_min_clipped must be a number or -Infinity, got "low"/],
    ];
    for (const [over, message] of bad) {
      expect(() => createScheduler({ ...DPM, ...over })).toThrow(SchedulerConfigError);
      expect(() => createScheduler({ ...DPM, ...over })).toThrow(message);
    }
  });

  it("still refuses a non-zero final sigma for the other classes", () => {
    expect(() => createScheduler({ _class_name: "EulerDiscreteScheduler", final_sigmas_type: "sigma_min" })).toThrow(
      /final_sigmas_type "sigma_min" is not supported/,
    );
  });
});

it("reads every reference vector it owns", () => {
  expect(unread()).toEqual([]);
});

/**
 * @module The noise schedule, Euler, DDIM and LCM against the numpy reference values in
 * `__fixtures__/scheduler-vectors.json` (SVD's vectors: svd-schedulers.test.ts), config errors, and every scheduler
 * stepping into the caller's arrays.
 */
import { describe, expect, it } from "vitest";
import { close, referenceVectors, SD } from "./__fixtures__/reference-vectors.js";
import { SCHEDULE_CACHE_SIZE, sigmaPlans } from "./euler-discrete.js";
import {
  alphasCumprod,
  createScheduler,
  lcmScalings,
  type NoiseSource,
  parseSchedulerConfig,
  SchedulerConfigError,
  type StepResult,
  sigmaSchedule,
  trainingSigmas,
} from "./index.js";

const { ref, unread } = referenceVectors("scheduler-vectors.json", import.meta.url);
const ones = (n: number) => new Float32Array(n).fill(1);
const zeros = (n: number) => new Float32Array(n);

describe("noise schedule", () => {
  const ac = alphasCumprod({
    betaSchedule: "scaled_linear",
    betaStart: 0.00085,
    betaEnd: 0.012,
    numTrainTimesteps: 1000,
  });

  it("SD scaled_linear ᾱ in float32", () => {
    close(
      [0, 1, 249, 499, 749, 999].map((t) => ac[t] as number),
      ref("alphas_cumprod[0,1,249,499,749,999]"),
      "ᾱ",
    );
  });

  it("float32 ᾱ differ from float64 ᾱ by the reference amount", () => {
    const lin = Array.from(
      { length: 1000 },
      (_, i) => Math.sqrt(0.00085) + (i * (Math.sqrt(0.012) - Math.sqrt(0.00085))) / 999,
    );
    let acc = 1;
    let max = 0;
    lin.forEach((b, i) => {
      acc *= 1 - b * b;
      max = Math.max(max, Math.abs(acc - (ac[i] as number)));
    });
    expect(Math.abs(max - ref("max_abs_diff_alphas_cumprod_f32_vs_f64")) / max).toBeLessThan(1e-3);
  });

  it("training sigma range", () => {
    const s = trainingSigmas(ac);
    close([s[0] as number, s[999] as number], ref("train_sigma_min_max"), "σ");
  });
});

describe("EulerDiscreteScheduler", () => {
  for (const n of [1, 4]) {
    for (const [spacing, offset] of [
      ["linspace", 0],
      ["leading", 1],
      ["trailing", 0],
    ] as const) {
      const key = `euler n=${n} ${spacing} steps_offset=${offset}`;
      it(key, () => {
        const v = ref(key);
        const config = {
          _class_name: "EulerDiscreteScheduler",
          ...SD,
          timestep_spacing: spacing,
          steps_offset: offset,
        };
        const plan = createScheduler(config).plan(n);
        close(plan.timesteps, v.timesteps, "timesteps");
        close(plan.sigmas, v.sigmas, "sigmas");
        close(plan.initNoiseSigma, v.init_noise_sigma, "init_noise_sigma");
        const factors = plan.timesteps.map((_, i) => plan.scaleModelInput(ones(1), i)[0] as number);
        close(factors, v["scale_model_input_factor_1/sqrt(sigma^2+1)"], "scale_model_input");
      });
    }
  }

  it("single ε step (x=1, ε=0.5, trailing n=4, step 0)", () => {
    const v = ref("sd euler eps single step (x=1, eps=0.5, trailing n=4, step 0)");
    const plan = createScheduler({ _class_name: "EulerDiscreteScheduler", ...SD, timestep_spacing: "trailing" }).plan(
      4,
    );
    const { prevSample, predOriginal } = plan.step(Float32Array.of(0.5), 0, ones(1), zeros);
    close(predOriginal[0] as number, v.pred_x0, "pred_x0");
    close(prevSample[0] as number, v.prev_sample, "prev_sample");
  });
});

describe("Euler-family plans per step count", () => {
  it("are built once, shared frozen by later requests, and equal a fresh computation", () => {
    const config = parseSchedulerConfig({ _class_name: "EulerDiscreteScheduler", ...SD, timestep_spacing: "leading" });
    const plans = sigmaPlans(config, () => () => {
      throw new Error("not stepped here");
    });
    const four = plans(4);
    expect(plans(4)).toBe(four);
    expect(Object.isFrozen(four)).toBe(true);
    expect(Object.isFrozen(four.sigmas)).toBe(true);
    const fresh = sigmaSchedule(config, 4, trainingSigmas(alphasCumprod(config)));
    expect({ timesteps: four.timesteps, sigmas: four.sigmas, initNoiseSigma: four.initNoiseSigma }).toEqual(fresh);
    for (let n = 5; n < 5 + SCHEDULE_CACHE_SIZE; n++) plans(n);
    expect(plans(4)).not.toBe(four);
    expect(plans(4).sigmas).toEqual(four.sigmas);
  });
});

describe("DDIMScheduler", () => {
  for (const [spacing, offset] of [
    ["leading", 1],
    ["trailing", 0],
    ["linspace", 0],
  ] as const) {
    const key = `ddim n=4 ${spacing} steps_offset=${offset}`;
    it(key, () => {
      const v = ref(key);
      const config = {
        _class_name: "DDIMScheduler",
        ...SD,
        set_alpha_to_one: false,
        clip_sample: false,
        timestep_spacing: spacing,
        steps_offset: offset,
      };
      const plan = createScheduler(config).plan(4);
      close(plan.timesteps, v.timesteps, "timesteps");
      expect(plan.initNoiseSigma).toBe(1);
      close(
        plan.timesteps.map((t) => t - 250),
        v["prev_timesteps(t - T//n)"],
        "prev timesteps",
      );
      // With ε = 0: x̂₀ = x/√ᾱ_t and x_prev = √ᾱ_prev·x̂₀, so the step reveals the ᾱ pair it used.
      const alphas = plan.timesteps.map((_, i) => plan.step(zeros(1), i, ones(1), zeros));
      close(
        alphas.map((r) => 1 / (r.predOriginal[0] as number) ** 2),
        v.alpha_prod_t,
        "ᾱ_t",
      );
      close(
        alphas.map((r) => ((r.prevSample[0] as number) / (r.predOriginal[0] as number)) ** 2),
        v["alpha_prod_t_prev (set_alpha_to_one=False -> ac[0] when prev<0)"],
        "ᾱ_prev",
      );
    });
  }
});

describe("LCMScheduler", () => {
  for (const n of [1, 2, 4, 8]) {
    const key = `lcm n=${n} original_inference_steps=50`;
    it(key, () => {
      const v = ref(key);
      const plan = createScheduler({ _class_name: "LCMScheduler", ...SD, original_inference_steps: 50 }).plan(n);
      close(plan.timesteps, v.timesteps, "timesteps");
      close(
        plan.timesteps.map((t) => lcmScalings(t, 10).cSkip),
        v.c_skip,
        "c_skip",
      );
      close(
        plan.timesteps.map((t) => lcmScalings(t, 10).cOut),
        v.c_out,
        "c_out",
      );
      // With ε = 0 the denoised output is (c_out/√ᾱ_t + c_skip)·x.
      const denoised = plan.timesteps.map((_, i) => plan.step(zeros(1), i, ones(1), zeros).predOriginal[0] as number);
      const alphas = plan.timesteps.map((t, i) => {
        const { cSkip, cOut } = lcmScalings(t, 10);
        return (cOut / ((denoised[i] as number) - cSkip)) ** 2;
      });
      close(alphas, v.alpha_prod_t, "ᾱ_t");
    });
  }
});

describe("scheduler config", () => {
  it("names the unknown class and the supported ones", () => {
    expect(() => createScheduler({ _class_name: "KDPM2DiscreteScheduler" })).toThrow(SchedulerConfigError);
    expect(() => createScheduler({ _class_name: "KDPM2DiscreteScheduler" })).toThrow(
      /unknown scheduler _class_name "KDPM2DiscreteScheduler" \(supported: EulerDiscreteScheduler, EulerAncestralDiscreteScheduler, DDIMScheduler, LCMScheduler, PNDMScheduler, DPMSolverMultistepScheduler\)/,
    );
  });

  it("refuses settings it does not implement instead of ignoring them", () => {
    expect(() => createScheduler({ _class_name: "DDIMScheduler", rescale_betas_zero_snr: true })).toThrow(
      /rescale_betas_zero_snr true is not supported/,
    );
    expect(() => createScheduler({ _class_name: "EulerDiscreteScheduler", timestep_spacing: "middle" })).toThrow(
      /timestep_spacing "middle" is not supported \(supported: linspace, leading, trailing\)/,
    );
  });

  it("rejects a step count outside the schedule", () => {
    const lcmScheduler = createScheduler({ _class_name: "LCMScheduler", ...SD });
    expect(() => lcmScheduler.plan(51)).toThrow(/from 1 to 50/);
    expect(() => createScheduler({ _class_name: "DDIMScheduler", ...SD }).plan(0)).toThrow(/from 1 to 1000/);
  });
});

describe("stepping into the caller's arrays", () => {
  const classes = [
    { _class_name: "EulerDiscreteScheduler", timestep_spacing: "leading" },
    { _class_name: "EulerDiscreteScheduler", prediction_type: "v_prediction", timestep_spacing: "trailing" },
    { _class_name: "EulerAncestralDiscreteScheduler", timestep_spacing: "trailing" },
    { _class_name: "DDIMScheduler", clip_sample: true, set_alpha_to_one: false },
    { _class_name: "LCMScheduler", original_inference_steps: 50 },
    { _class_name: "PNDMScheduler", skip_prk_steps: true, steps_offset: 1 },
    { _class_name: "DPMSolverMultistepScheduler", use_karras_sigmas: true },
    { _class_name: "DPMSolverMultistepScheduler", solver_order: 3, prediction_type: "v_prediction" },
    { _class_name: "DPMSolverMultistepScheduler", algorithm_type: "sde-dpmsolver++", solver_type: "heun" },
  ];
  // A deterministic "model": ε depends on the sample and the step, so each trajectory is distinct.
  const model = (x: Float32Array, i: number, out: Float32Array) => {
    for (let k = 0; k < x.length; k++) out[k] = Math.sin((x[k] as number) * 3 + k + i) * 0.8;
    return out;
  };
  const noise = (): NoiseSource => {
    let seed = 0;
    return (n, out = new Float32Array(n)) => {
      for (let k = 0; k < n; k++) out[k] = Math.cos(++seed * 1.7);
      return out;
    };
  };

  for (const cls of classes) {
    it(`${cls._class_name} ${JSON.stringify(cls).slice(0, 60)}…: the same values as new arrays, arrays reusable`, () => {
      const scheduler = createScheduler({ ...SD, ...cls });
      const start = Float32Array.from({ length: 16 }, (_, k) => Math.cos(k) * 2);
      // New arrays everywhere.
      const fresh = scheduler.plan(5);
      const freshNoise = noise();
      let x: Float32Array = Float32Array.from(start);
      const want: number[][] = [];
      for (let i = 0; i < fresh.timesteps.length; i++) {
        const input = fresh.scaleModelInput(x, i);
        const r = fresh.step(model(input, i, new Float32Array(16)), i, x, freshNoise);
        want.push([...r.prevSample, ...r.predOriginal]);
        x = r.prevSample;
      }
      // Reused arrays, as the denoising loop does: the model output and the input are overwritten at every step.
      const plan = scheduler.plan(5);
      const reusedNoise = noise();
      const into: StepResult = { prevSample: new Float32Array(16), predOriginal: new Float32Array(16) };
      const input = new Float32Array(16);
      const eps = new Float32Array(16);
      x = Float32Array.from(start);
      for (let i = 0; i < plan.timesteps.length; i++) {
        plan.scaleModelInput(x, i, input);
        const r = plan.step(model(input, i, eps), i, x, reusedNoise, into);
        expect(r).toBe(into);
        expect([...r.prevSample, ...r.predOriginal]).toEqual(want[i]);
        const previous = x;
        x = into.prevSample;
        into.prevSample = previous;
      }
    });
  }
});

it("reads every reference vector it owns", () => {
  expect(unread()).toEqual([]);
});

/**
 * @module Stable Video Diffusion's scheduler pieces against the numpy reference values in
 * `__fixtures__/scheduler-vectors.json`: Euler with Karras sigmas, continuous timesteps and v-prediction (EDM
 * scalings), the guidance ramps, and the fused guided Euler step against guiding and stepping one after the other.
 */
import { describe, expect, it } from "vitest";
import { close, referenceVectors, SD } from "./__fixtures__/reference-vectors.js";
import { createScheduler, edmScalings, guidanceRamp, guidedEulerStep, scaleIntoSample } from "./index.js";
import { eulerStep } from "./scheduler.js";

const { ref, unread } = referenceVectors("scheduler-vectors.json", import.meta.url);
const ones = (n: number) => new Float32Array(n).fill(1);
const zeros = (n: number) => new Float32Array(n);

const SVD = {
  _class_name: "EulerDiscreteScheduler",
  ...SD,
  prediction_type: "v_prediction",
  timestep_spacing: "leading",
  use_karras_sigmas: true,
  sigma_min: 0.002,
  sigma_max: 700,
  timestep_type: "continuous",
};

describe("SVD: Euler with Karras sigmas, continuous timesteps, v-prediction (EDM)", () => {
  for (const n of [4, 25]) {
    it(`svd euler karras n=${n}`, () => {
      const v = ref(`svd euler karras n=${n}`);
      const plan = createScheduler(SVD).plan(n);
      close(plan.sigmas, v.sigmas, "sigmas");
      close(plan.timesteps, v["timesteps(0.25*ln sigma)"], "timesteps");
      close(plan.initNoiseSigma, v["init_noise_sigma(leading: sqrt(max^2+1))"], "init_noise_sigma");
      const steps = plan.sigmas.slice(0, n);
      close(
        steps.map((s) => edmScalings(s).cIn),
        v["c_in=1/sqrt(s^2+1)"],
        "c_in",
      );
      close(
        plan.timesteps.map((_, i) => plan.scaleModelInput(ones(1), i)[0] as number),
        v["c_in=1/sqrt(s^2+1)"],
        "scaled input",
      );
      close(
        steps.map((s) => edmScalings(s).cSkip),
        v["c_skip=1/(s^2+1)"],
        "c_skip",
      );
      close(
        steps.map((s) => edmScalings(s).cOut),
        v["c_out=-s/sqrt(s^2+1)"],
        "c_out",
      );
      close(
        steps.map((s) => edmScalings(s).cNoise),
        v["timesteps(0.25*ln sigma)"],
        "c_noise",
      );
    });
  }

  it("single v-prediction step (x=1, v=0.5, σ0→σ1, n=4)", () => {
    const v = ref("svd euler v-pred single step (x=1, v=0.5, sigma0->sigma1, n=4)");
    const { prevSample, predOriginal } = createScheduler(SVD).plan(4).step(Float32Array.of(0.5), 0, ones(1), zeros);
    close(predOriginal[0] as number, v.pred_x0, "pred_x0");
    close(prevSample[0] as number, v.prev_sample, "prev_sample");
  });

  it("feeds continuous timesteps to v-prediction only, as diffusers does; other predictions keep Karras' discrete ones", () => {
    const epsilon = createScheduler({ ...SVD, prediction_type: "epsilon" }).plan(4);
    const v = createScheduler(SVD).plan(4);
    expect(epsilon.sigmas).toEqual(v.sigmas);
    close(v.timesteps, ref("svd euler karras n=4")["timesteps(0.25*ln sigma)"], "continuous");
    // σ = 700 and 70.5 lie above the training range (σ_max 14.6): the training timestep clamps to 999.
    expect(epsilon.timesteps[0]).toBe(999);
    expect(epsilon.timesteps.every((t) => t >= 0 && t <= 999)).toBe(true);
  });

  it("the guided Euler step equals guiding per frame, then stepping, for every prediction type", () => {
    const frames = 5;
    const per = 7;
    const sample = Float32Array.from({ length: frames * per }, (_, i) => Math.sin(i) * 40);
    const output = Float32Array.from({ length: 2 * frames * per }, (_, i) => Math.cos(i * 1.7) * 2);
    const scales = Float32Array.from(guidanceRamp(1, 3, frames));
    for (const prediction of ["epsilon", "v_prediction", "sample"] as const) {
      const guided = new Float32Array(frames * per);
      for (let i = 0; i < guided.length; i++) {
        const u = output[i] as number;
        guided[i] = u + (scales[Math.floor(i / per)] as number) * ((output[guided.length + i] as number) - u);
      }
      const expected = eulerStep(prediction, guided, sample, 14.6, -4.2).prevSample;
      const [u, c] = [output.subarray(0, frames * per), output.subarray(frames * per)];
      const got = guidedEulerStep(prediction, u, c, sample, 14.6, -4.2, scales, new Float32Array(frames * per));
      expect(Buffer.from(got.buffer), prediction).toEqual(Buffer.from(expected.buffer));
    }
  });

  it("the guided Euler step with a target also writes the next UNet input: factor·x' into the noisy half of each row", () => {
    const frames = 3;
    const per = 6;
    const sample = Float32Array.from({ length: frames * per }, (_, i) => Math.sin(i) * 40);
    const output = Float32Array.from({ length: 2 * frames * per }, (_, i) => Math.cos(i * 1.7) * 2);
    const scales = Float32Array.from(guidanceRamp(1, 3, frames));
    const factor = 1 / Math.sqrt(9.8 * 9.8 + 1);
    const [u, c] = [output.subarray(0, sample.length), output.subarray(sample.length)];
    for (const rows of [1, 2]) {
      const expected = guidedEulerStep(
        "v_prediction",
        u,
        c,
        sample,
        14.6,
        -4.8,
        scales,
        new Float32Array(sample.length),
      );
      // [rows, F, 8 = 4 noisy + 4 image latents, …]: the image half is a marker that must stay.
      const want = new Float32Array(rows * frames * 2 * per).fill(-7);
      scaleIntoSample(expected, factor, want, rows, frames);
      const into = new Float32Array(want.length).fill(-7);
      const got = guidedEulerStep("v_prediction", u, c, sample, 14.6, -4.8, scales, new Float32Array(sample.length), {
        sample: into,
        factor,
        rows,
      });
      expect(Buffer.from(got.buffer)).toEqual(Buffer.from(expected.buffer));
      expect(Buffer.from(into.buffer)).toEqual(Buffer.from(want.buffer));
      for (let r = 0; r < rows; r++) {
        for (let f = 0; f < frames; f++) {
          const at = (r * frames + f) * 2 * per;
          expect(into[at + 1]).toBe(Math.fround(factor * (expected[f * per + 1] as number)));
          expect(into.subarray(at + per, at + 2 * per).every((v) => v === -7)).toBe(true);
        }
      }
    }
  });

  it("guidance ramps", () => {
    close(guidanceRamp(1, 3, 25), ref("svd guidance ramp 25 frames 1.0->3.0 (torch.linspace)"), "25 frames");
    close(guidanceRamp(1, 3, 14), ref("svd guidance ramp 14 frames 1.0->3.0"), "14 frames");
  });
});

it("reads every reference vector it owns", () => {
  expect(unread()).toEqual([]);
});

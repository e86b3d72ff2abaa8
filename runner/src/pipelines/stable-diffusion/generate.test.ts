/**
 * @module Whole-pipeline tests on tiny generated models: the final latents must equal the reference computed in
 * TypeScript (tiny-reference.ts) for CFG, seeds, every export variant and SDXL; load failures name their cause.
 */
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { expectClose } from "../../../test/expect-close.js";
import type { TinySdOptions } from "../../models/factory/sd-tiny.js";
import { writeTinySdModel } from "../../models/factory/sd-tiny.js";
import type { TinySdFamily } from "../../models/factory/sd-tiny-weights.js";
import { RGB_OUTPUT } from "../../onnx/rgb-output.js";
import { job, tinyHarness } from "../../testing/sd-harness.js";
import { referenceLatents } from "../../testing/sd-reference.js";
import { generate, type SdComponents } from "./generate.js";
import { loadSd } from "./sd-worker.js";

const h = tinyHarness();
afterAll(h.cleanup);
const model = h.model;
const root = h.root;

describe("text-to-image on tiny/sd15", async () => {
  const { sd, reference } = await model("sd15", "sd15");
  const components = (sd as unknown as { components: SdComponents }).components;

  it("follows the reference trajectory with CFG, a negative prompt and two images", async () => {
    const j = job({ numImages: 2 });
    const { latents, result } = await generate(components, j);
    expectClose(latents, referenceLatents(reference, j), 1e-5);
    expect(result.images).toHaveLength(2);
    expect(result.images[0]).toMatchObject({ width: 32, height: 24 });
    expect(result.steps).toBe(3);
  });

  it("gives image i the seed + i stream, and the same request the same bytes", async () => {
    const pair = await generate(components, job({ numImages: 2, seed: 7 }));
    const second = await generate(components, job({ numImages: 1, seed: 8 }));
    expect(pair.result.images[1]?.pixels).toEqual(second.result.images[0]?.pixels);
    expect(pair.result.images[0]?.pixels).not.toEqual(pair.result.images[1]?.pixels);
    const again = await generate(components, job({ numImages: 2, seed: 7 }));
    expect(Buffer.from(again.latents.buffer)).toEqual(Buffer.from(pair.latents.buffer));
  });

  it("without guidance (scale ≤ 1) follows the conditional-only trajectory", async () => {
    for (const guidanceScale of [0, 1]) {
      const j = job({ guidanceScale });
      expectClose((await generate(components, j)).latents, referenceLatents(reference, j), 1e-5);
    }
  });

  it("reuses its arrays across requests without mixing shapes, also when requests overlap", async () => {
    // One image with guidance and two without both run the UNet on a batch of 2; sizes and counts interleave.
    const jobs = [
      job({ numImages: 2, guidanceScale: 0 }),
      job({ numImages: 1 }),
      job({ numImages: 2, guidanceScale: 0, seed: 3 }),
      job({ numImages: 1, width: 16, height: 16 }),
      job({ numImages: 1, seed: 5 }),
      job({ numImages: 2 }),
    ];
    for (const j of jobs) expectClose((await generate(components, j)).latents, referenceLatents(reference, j), 1e-5);
    const overlapping = await Promise.all(jobs.map((j) => generate(components, j)));
    overlapping.forEach(({ latents }, i) => {
      expectClose(latents, referenceLatents(reference, jobs[i] as (typeof jobs)[number]), 1e-5);
    });
  });

  it("reports prompt truncation", async () => {
    const long = Array.from({ length: 90 }, () => "cat").join(" ");
    const { result } = await generate(components, job({ prompt: long, guidanceScale: 0 }));
    expect(result.truncated).toEqual({
      prompt: 15,
      negativePrompt: 0,
      text: Array.from({ length: 15 }, () => "cat").join(" "),
    });
  });

  it("runs the safety checker only when asked", async () => {
    const { sd: flagged } = await model("sd15-strict", "sd15", { safetyThreshold: -1 });
    const c = (flagged as unknown as { components: SdComponents }).components;
    expect((await generate(c, job({ numImages: 2 }))).result.nsfw).toEqual([true, true]);
    expect((await generate(c, job({ numImages: 2, safetyCheck: false }))).result.nsfw).toEqual([false, false]);
    expect((await generate(components, job())).result.nsfw).toEqual([false]);
  });
});

describe("pixel work in ONNX Runtime", () => {
  it("the RGB-output VAE and the preparation session give the JS paths' images and flags", async () => {
    const { sd, dir } = await model("sd15-fallbacks", "sd15", { safetyThreshold: 0.5 });
    const fused = (sd as unknown as { components: SdComponents }).components;
    expect(fused.vaeDecoder.outputNames).toEqual([RGB_OUTPUT]);
    expect(fused.safetyPreprocess).toBeDefined();
    const plainVae = await ort.InferenceSession.create(join(dir, "vae_decoder", "model.onnx"));
    const js: SdComponents = { ...fused, vaeDecoder: plainVae, safetyPreprocess: undefined };
    try {
      let flagged = 0;
      for (const seed of [1, 2, 3, 4]) {
        const j = job({ numImages: 2, seed });
        const a = (await generate(fused, j)).result;
        const b = (await generate(js, j)).result;
        expect(a.images.map((i) => Buffer.from(i.pixels))).toEqual(b.images.map((i) => Buffer.from(i.pixels)));
        expect(a.nsfw).toEqual(b.nsfw);
        flagged += a.nsfw.filter(Boolean).length;
        expect(a.sessionMs.safety_preprocess).toBeGreaterThan(0);
        expect(b.sessionMs.safety_preprocess).toBeUndefined();
      }
      expect(flagged, "the threshold should flag some images and pass others").toBeGreaterThan(0);
      expect(flagged).toBeLessThan(8);
    } finally {
      await plainVae.release();
    }
  });
});

describe("guidance batch", () => {
  it("runs the UNet on one sample per image when guidance_scale ≤ 1 (a batch-1 UNet accepts it, CFG needs 2)", async () => {
    const { sd } = await model("batch1", "sd-turbo", { unetBatch: 1 });
    const c = (sd as unknown as { components: SdComponents }).components;
    await expect(generate(c, job({ guidanceScale: 1 }))).resolves.toBeDefined();
    await expect(generate(c, job({ guidanceScale: 2 }))).rejects.toThrow(/dimension|Got invalid dimensions/i);
  });
});

describe("export variants", () => {
  const variants: [string, TinySdFamily, Partial<TinySdOptions>, number][] = [
    [
      "ids int64, scalar float timestep, external weights",
      "sd15",
      { idsType: "int64", timestep: { shape: "scalar", dtype: "float" }, externalData: true },
      1e-5,
    ],
    [
      "[B] float timestep, v-prediction DDIM",
      "sd-turbo",
      {
        timestep: { shape: "[B]", dtype: "float" },
        scheduler: {
          _class_name: "DDIMScheduler",
          beta_schedule: "scaled_linear",
          beta_start: 0.00085,
          beta_end: 0.012,
          prediction_type: "v_prediction",
          set_alpha_to_one: false,
          clip_sample: false,
          steps_offset: 1,
        },
      },
      1e-5,
    ],
    [
      "[1] int64 timestep, LCM",
      "sd15",
      {
        timestep: { shape: "[1]", dtype: "int64" },
        scheduler: {
          _class_name: "LCMScheduler",
          beta_schedule: "scaled_linear",
          beta_start: 0.00085,
          beta_end: 0.012,
        },
      },
      1e-5,
    ],
    [
      "PNDM (SD 1.5's own scheduler config)",
      "sd15",
      {
        scheduler: {
          _class_name: "PNDMScheduler",
          beta_schedule: "scaled_linear",
          beta_start: 0.00085,
          beta_end: 0.012,
          skip_prk_steps: true,
          steps_offset: 1,
          set_alpha_to_one: false,
        },
      },
      1e-5,
    ],
    [
      "LCM-distilled UNet (timestep_cond guidance embedding, no negative pass)",
      "sd15",
      {
        timestepCond: 32,
        scheduler: {
          _class_name: "LCMScheduler",
          beta_schedule: "scaled_linear",
          beta_start: 0.00085,
          beta_end: 0.012,
        },
      },
      1e-5,
    ],
    [
      "DPM++ 2M Karras, [B] int64 timestep",
      "sd15",
      {
        scheduler: {
          _class_name: "DPMSolverMultistepScheduler",
          beta_schedule: "scaled_linear",
          beta_start: 0.00085,
          beta_end: 0.012,
          use_karras_sigmas: true,
        },
      },
      1e-5,
    ],
    [
      "DPM++ 2M SDE, v-prediction, float timestep",
      "sd-turbo",
      {
        timestep: { shape: "[1]", dtype: "float" },
        scheduler: {
          _class_name: "DPMSolverMultistepScheduler",
          beta_schedule: "scaled_linear",
          beta_start: 0.00085,
          beta_end: 0.012,
          algorithm_type: "sde-dpmsolver++",
          prediction_type: "v_prediction",
          timestep_spacing: "trailing",
        },
      },
      1e-5,
    ],
    [
      "fp16 I/O everywhere (safety checker too)",
      "sd-turbo",
      { io: "float16", safetyChecker: true, timestep: { shape: "[1]", dtype: "float" } },
      2e-2,
    ],
    ["fp16 SDXL with int32 ids", "sdxl-turbo", { io: "float16", idsType: "int32" }, 2e-2],
  ];
  for (const [name, family, overrides, tolerance] of variants) {
    it(name, async () => {
      const { sd, reference } = await model(name.replace(/[^a-z0-9]+/gi, "-"), family, overrides);
      const c = (sd as unknown as { components: SdComponents }).components;
      const j = job({ numImages: 2, guidanceScale: 3 });
      expectClose((await generate(c, j)).latents, referenceLatents(reference, j), tolerance);
    });
  }
});

describe("SDXL (tiny/sdxl-turbo)", async () => {
  const { sd, reference } = await model("sdxl-turbo", "sdxl-turbo");
  const c = (sd as unknown as { components: SdComponents }).components;

  it("conditions on both encoders' penultimate states, text_embeds and time_ids (1 step, no guidance)", async () => {
    const j = job({ guidanceScale: 0, numInferenceSteps: 1, width: 48, height: 40 });
    expectClose((await generate(c, j)).latents, referenceLatents(reference, j), 1e-5);
  });

  it("uses zero embeddings for an empty negative prompt under CFG, ancestral noise per image", async () => {
    const j = job({ guidanceScale: 2, negativePrompt: "", numImages: 2, numInferenceSteps: 4 });
    expectClose((await generate(c, j)).latents, referenceLatents(reference, j), 1e-5);
    const k = job({ guidanceScale: 2, negativePrompt: "dog", numInferenceSteps: 2 });
    expectClose((await generate(c, k)).latents, referenceLatents(reference, k), 1e-5);
  });
});

it("loads a DPM++ scheduler_config.json as diffusers writes it (-Infinity, other classes' leftover keys)", async () => {
  const { writeFileSync } = await import("node:fs");
  const { parsePythonJson } = await import("../../internal/python-json.js");
  const text = `{
  "_class_name": "DPMSolverMultistepScheduler",
  "_diffusers_version": "0.21.4",
  "algorithm_type": "dpmsolver++",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "clip_sample": false,
  "dynamic_thresholding_ratio": 0.995,
  "euler_at_final": false,
  "lambda_min_clipped": -Infinity,
  "lower_order_final": true,
  "num_train_timesteps": 1000,
  "prediction_type": "epsilon",
  "sample_max_value": 1.0,
  "set_alpha_to_one": false,
  "skip_prk_steps": true,
  "solver_order": 2,
  "solver_type": "midpoint",
  "steps_offset": 1,
  "thresholding": false,
  "timestep_spacing": "leading",
  "trained_betas": null,
  "use_karras_sigmas": true,
  "use_lu_lambdas": false,
  "variance_type": null
}
`;
  const { sd, reference } = await model("dpm-finetune", "sd15", {}, (dir) =>
    writeFileSync(join(dir, "scheduler", "scheduler_config.json"), text),
  );
  const c = (sd as unknown as { components: SdComponents }).components;
  expect(c.scheduler.config.className).toBe("DPMSolverMultistepScheduler");
  expect(c.scheduler.config.dpmSolver.lambdaMinClipped).toBe(Number.NEGATIVE_INFINITY);
  const j = job({ numInferenceSteps: 5, numImages: 2 });
  const scheduler = parsePythonJson(text) as Record<string, unknown>;
  expectClose((await generate(c, j)).latents, referenceLatents({ ...reference, scheduler }, j), 1e-5);
});

it("fails to load with an unknown scheduler, naming it", async () => {
  await expect(model("kdpm2", "sd15", { scheduler: { _class_name: "KDPM2DiscreteScheduler" } })).rejects.toThrow(
    /unknown scheduler _class_name "KDPM2DiscreteScheduler"/,
  );
});

it("guidance embedding: sin/cos of 1000·w at geometric frequencies", async () => {
  const { guidanceEmbedding } = await import("./generate.js");
  const e = guidanceEmbedding(0.5, 8);
  // half = 4, frequencies 10000^(−k/3): 1, 0.0464159, 0.00215443, 0.0001; v = 500·f
  const v = [500, 23.20794, 1.077217, 0.05];
  expect(Array.from(e).map((x) => Number(x.toFixed(4)))).toEqual([
    ...v.map((x) => Number(Math.sin(x).toFixed(4))),
    ...v.map((x) => Number(Math.cos(x).toFixed(4))),
  ]);
});

it("fails to load a UNet with an input it cannot feed, naming it", async () => {
  const { GraphBuilder } = await import("../../onnx/index.js");
  const { writeFileSync } = await import("node:fs");
  const dir = join(root, "models", "tiny", "odd-unet");
  writeTinySdModel(dir, "sd15");
  const g = new GraphBuilder("odd-unet");
  const sample = g.input("sample", "float32", ["batch_size", 4, "h", "w"]);
  g.input("timestep", "int64", ["batch_size"]);
  g.input("encoder_hidden_states", "float32", ["batch_size", 77, 32]);
  g.input("controlnet_residual", "float32", ["batch_size", 4, "h", "w"]);
  g.output(sample, "out_sample", "float32", ["batch_size", 4, "h", "w"]);
  writeFileSync(join(dir, "unet", "model.onnx"), g.toBytes());
  await expect(
    loadSd({
      modelId: "tiny/odd-unet",
      modelPath: dir,
      executionProvider: "cpu",
      intraOpThreads: 1,
      options: {},
      log: () => {},
    }),
  ).rejects.toThrow(/unet has inputs this runner does not feed: controlnet_residual \(known: sample, timestep/);
});

/**
 * @module Whole-pipeline tests on tiny generated models: the final latents must equal the reference computed in
 * TypeScript (tiny-reference.ts) for CFG, seeds, every export variant, image-to-image and SDXL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type TinySdOptions, writeTinySdModel } from "../../models/factory/sd-tiny.js";
import type { TinySdFamily } from "../../models/factory/sd-tiny-weights.js";
import type { LoadedPipeline } from "../types.js";
import { generate, type SdComponents } from "./generate.js";
import type { SdJob } from "./job.js";
import { loadSd } from "./sd-worker.js";
import { referenceLatents } from "./tiny-reference.js";

const root = mkdtempSync(join(tmpdir(), "avs-sd-generate-"));
const loaded: LoadedPipeline[] = [];
afterAll(async () => {
  await Promise.all(loaded.map((l) => l.release()));
  rmSync(root, { recursive: true, force: true });
});

async function model(name: string, family: TinySdFamily, overrides: Partial<TinySdOptions> = {}) {
  const dir = join(root, "models", "tiny", name);
  const options = writeTinySdModel(dir, family, overrides);
  const sd = await loadSd({
    modelId: `tiny/${name}`,
    modelPath: dir,
    executionProvider: "cpu",
    intraOpThreads: 1,
    options: {},
    log: () => {},
  });
  loaded.push(sd);
  const reference = { dir, family, scheduler: options.scheduler, intTimestep: options.timestep.dtype === "int64" };
  return { sd, options, dir, reference };
}

const job = (over: Partial<SdJob> = {}): SdJob => ({
  prompt: "a red cat",
  negativePrompt: "blue",
  guidanceScale: 7.5,
  numInferenceSteps: 3,
  numImages: 1,
  seed: 42,
  width: 32,
  height: 24,
  safetyCheck: true,
  loras: [],
  ...over,
});

function expectClose(actual: Float32Array, expected: Float32Array, rel: number) {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...Array.from(expected, Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++)
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
  expect(worst / scale, `worst difference ${worst} against a scale of ${scale}`).toBeLessThan(rel);
}

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
      "fp16 I/O everywhere (safety checker too)",
      "sd-turbo",
      { io: "float16", safetyChecker: true, timestep: { shape: "[1]", dtype: "float" } },
      2e-2,
    ],
    ["fp16 SDXL with int32 ids", "sdxl-turbo", { io: "float16", idsType: "int32" }, 2e-2],
  ];
  for (const [name, family, overrides, tolerance] of variants) {
    it(name, async () => {
      const { sd, reference: base } = await model(name.replace(/[^a-z0-9]+/gi, "-"), family, overrides);
      const reference = { ...base, ...(overrides.timestepCond ? { timestepCond: overrides.timestepCond } : {}) };
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

describe("image-to-image", () => {
  const image = (w: number, h: number) => ({
    width: w,
    height: h,
    pixels: Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37) % 256),
  });
  /** The tiny VAE encoder: 8×8 means of R, G, B and their mean, scaled. */
  function encoded(img: ReturnType<typeof image>, scaling: number): Float32Array {
    const h = img.height / 8;
    const w = img.width / 8;
    const out = new Float32Array(4 * h * w);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const rgb = [0, 1, 2].map((c) => {
          let s = 0;
          for (let dy = 0; dy < 8; dy++)
            for (let dx = 0; dx < 8; dx++)
              s += (img.pixels[((y * 8 + dy) * img.width + x * 8 + dx) * 3 + c] as number) / 127.5 - 1;
          return s / 64;
        });
        rgb.push((rgb[0]! + rgb[1]! + rgb[2]!) / 3);
        rgb.forEach((v, c) => {
          out[c * h * w + y * w + x] = v * scaling;
        });
      }
    }
    return out;
  }

  it("starts at steps − int(steps·strength) from the noised init latents (latent_sample encoder)", async () => {
    const { sd, reference } = await model("i2i-sd15", "sd15");
    const c = (sd as unknown as { components: SdComponents }).components;
    const img = image(32, 16);
    const j = job({ init: { image: img, strength: 0.5 }, numInferenceSteps: 4, numImages: 2 });
    const { latents, result } = await generate(c, j);
    expect(result.steps).toBe(2);
    const init = encoded(img, 0.18215);
    const ref = referenceLatents(
      {
        ...reference,
        initLatents: (_noise, n) =>
          Float32Array.from({ length: n * init.length }, (_, i) => init[i % init.length] as number),
      },
      j,
    );
    expectClose(latents, ref, 1e-5);
  });

  it("samples a latent_parameters encoder with each image's seeded noise", async () => {
    const { sd, reference } = await model("i2i-turbo", "sd-turbo");
    const c = (sd as unknown as { components: SdComponents }).components;
    const img = image(16, 16);
    const j = job({ init: { image: img, strength: 1 }, numInferenceSteps: 2, guidanceScale: 0, numImages: 2 });
    const mean = encoded(img, 1);
    const ref = referenceLatents(
      {
        ...reference,
        initLatents: (noise, n) =>
          noise(n * mean.length).map((e, i) => ((mean[i % mean.length] as number) + Math.exp(-2) * e) * 0.18215),
      },
      j,
    );
    expectClose((await generate(c, j)).latents, ref, 1e-5);
  });

  it("refuses a strength that leaves no step", async () => {
    const { sd } = await model("i2i-zero", "sd-turbo");
    const c = (sd as unknown as { components: SdComponents }).components;
    await expect(
      generate(c, job({ init: { image: image(16, 16), strength: 0.1 }, numInferenceSteps: 5 })),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/strength 0.1 × num_inference_steps 5 leaves no denoising step/),
    });
  });
});

it("fails to load with an unknown scheduler, naming it", async () => {
  await expect(model("kdpm2", "sd15", { scheduler: { _class_name: "KDPM2DiscreteScheduler" } })).rejects.toThrow(
    /unknown scheduler _class_name "KDPM2DiscreteScheduler"/,
  );
});

describe("LoRAs through the pipeline", () => {
  it("matches the reference with W + weight·(α/r)·up·down merged into the UNet and the text encoder", async () => {
    const { sd, reference, dir } = await model("lora-base", "sd15");
    const loaded = sd as unknown as { components: SdComponents; loras: import("./lora-sessions.js").LoraSessionCache };
    const d = 32;
    const r = 2;
    const alpha = 1;
    const ramp = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => s * Math.cos(i));
    const upK = ramp(4 * r, 0.7);
    const downK = ramp(r * d, 0.9);
    const upQ = ramp(d * r, 0.3);
    const downQ = ramp(r * d, 0.2);
    const { writeSafetensors } = await import("../../lora/index.js");
    const { mkdirSync, writeFileSync } = await import("node:fs");
    const loraDir = join(root, "models", "org", "style");
    mkdirSync(loraDir, { recursive: true });
    writeFileSync(
      join(loraDir, "pytorch_lora_weights.safetensors"),
      writeSafetensors({
        "unet.mid_block.attentions.0.transformer_blocks.0.attn2.to_k.lora_A.weight": { shape: [r, d], data: downK },
        "unet.mid_block.attentions.0.transformer_blocks.0.attn2.to_k.lora_B.weight": { shape: [4, r], data: upK },
        "unet.mid_block.attentions.0.transformer_blocks.0.attn2.to_k.alpha": {
          shape: [],
          data: Float32Array.of(alpha),
        },
        "text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_A.weight": { shape: [r, d], data: downQ },
        "text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_B.weight": { shape: [d, r], data: upQ },
        "text_encoder.text_model.encoder.layers.0.self_attn.q_proj.alpha": { shape: [], data: Float32Array.of(alpha) },
      }),
    );
    const weight = 0.6;
    /** W (in × out) + weight·(α/r)·(up·down)ᵀ, by hand. */
    const merged = (w: Float32Array, up: Float32Array, down: Float32Array, out: number, inn: number) => {
      const m = Float32Array.from(w);
      for (let o = 0; o < out; o++) {
        for (let j = 0; j < inn; j++) {
          let s = 0;
          for (let k = 0; k < r; k++) s += (up[o * r + k] as number) * (down[k * inn + j] as number);
          m[j * out + o] = (m[j * out + o] as number) + weight * (alpha / r) * s;
        }
      }
      return m;
    };
    const { tinySdWeights } = await import("../../models/factory/sd-tiny-weights.js");
    const { loadClipTokenizer } = await import("../../tokenizer/index.js");
    const w = tinySdWeights("sd15", loadClipTokenizer(join(dir, "tokenizer")).vocabSize);
    const loras = [{ id: "org/style", weight }];
    const adapted = await loaded.loras.get(loras);
    expect(adapted.unet).not.toBe(loaded.components.unet);
    const { planTextEncoder } = await import("./text-encoding.js");
    const c = {
      ...loaded.components,
      unet: adapted.unet,
      textEncoders: adapted.textEncoders.map((s, i) =>
        planTextEncoder(s, loaded.components.textEncoders[i]?.tokenizer as never, false, i),
      ),
    };
    const j = job({ loras, numImages: 2 });
    const expected = referenceLatents(
      { ...reference, wk: merged(w.wk, upK, downK, 4, d), wq: merged(w.text[0]?.wq as Float32Array, upQ, downQ, d, d) },
      j,
    );
    expectClose((await generate(c, j)).latents, expected, 1e-5);
    expect(await loaded.loras.get([{ id: "org/style", weight }])).toBe(adapted);
    expect(loaded.loras.size).toBe(1);
    const withoutLora = (await generate(loaded.components, j)).latents;
    expect(Math.abs((withoutLora[0] as number) - (expected[0] as number))).toBeGreaterThan(1e-3);
  });
});

describe("LoRAs on a model with external weights (tiny/sdxl-turbo)", () => {
  it("merges into a temporary model, matches the reference, and removes it when evicted", async () => {
    const { sd, reference, dir } = await model("lora-xl", "sdxl-turbo");
    const loaded = sd as unknown as { components: SdComponents; loras: import("./lora-sessions.js").LoraSessionCache };
    const { writeSafetensors } = await import("../../lora/index.js");
    const { existsSync, mkdirSync, writeFileSync } = await import("node:fs");
    const d = 80;
    const up = Float32Array.from({ length: 4 }, (_, i) => 0.5 - i * 0.3);
    const down = Float32Array.from({ length: d }, (_, i) => Math.sin(i) * 0.4);
    for (const id of ["xl/a", "xl/b", "xl/c"]) {
      mkdirSync(join(root, "models", id), { recursive: true });
      writeFileSync(
        join(root, "models", id, "pytorch_lora_weights.safetensors"),
        writeSafetensors(
          {
            "lora_unet_mid_block_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight": {
              shape: [1, d],
              data: down,
            },
            "lora_unet_mid_block_attentions_0_transformer_blocks_0_attn2_to_k.lora_up.weight": {
              shape: [4, 1],
              data: up,
            },
          },
          { ss_base_model_version: "sdxl_base_v1-0" },
        ),
      );
    }
    const { tinySdWeights } = await import("../../models/factory/sd-tiny-weights.js");
    const { loadClipTokenizer } = await import("../../tokenizer/index.js");
    const wk = Float32Array.from(tinySdWeights("sdxl-turbo", loadClipTokenizer(join(dir, "tokenizer")).vocabSize).wk);
    const weight = 1.5;
    for (let o = 0; o < 4; o++)
      for (let j = 0; j < d; j++)
        wk[j * 4 + o] = (wk[j * 4 + o] as number) + weight * (up[o] as number) * (down[j] as number);
    const loras = [{ id: "xl/a", weight }];
    const adapted = await loaded.loras.get(loras);
    const temp = adapted.tempDirs?.[0] as string;
    expect(existsSync(join(temp, "model.onnx"))).toBe(true);
    const j = job({ loras, guidanceScale: 0, numInferenceSteps: 2 });
    expectClose(
      (await generate({ ...loaded.components, unet: adapted.unet }, j)).latents,
      referenceLatents({ ...reference, wk }, j),
      1e-5,
    );
    await loaded.loras.get([{ id: "xl/b", weight }]);
    await loaded.loras.get([{ id: "xl/c", weight }]);
    expect(loaded.loras.size).toBe(2);
    expect(existsSync(temp)).toBe(false);
  });
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
  const { GraphBuilder } = await import("../../models/onnx/index.js");
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

/** @module The tiny SD components load in ONNX Runtime and compute exactly what sd-tiny-weights.ts says. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { writeTinySdModel } from "./sd-tiny.js";
import {
  matmul,
  meanRows,
  tinySdWeights,
  tinyTextEncoder,
  UNET_GAMMA,
  UNET_K,
  UNET_TAU,
  UNET_TE,
} from "./sd-tiny-weights.js";
import { tinyClipVocab } from "./sd-tokenizer.js";

const root = mkdtempSync(join(tmpdir(), "avs-sd-tiny-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const vocab = Object.keys(tinyClipVocab().vocab).length;

async function run(file: string, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(file);
  const out = await session.run(feeds);
  await session.release();
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++)
    expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThan(tol);
}

describe("tiny SD model folders", () => {
  it("sd15: layout, text encoder and UNet arithmetic", async () => {
    const dir = join(root, "sd15");
    writeTinySdModel(dir, "sd15");
    for (const f of [
      "model_index.json",
      "scheduler/scheduler_config.json",
      "tokenizer/vocab.json",
      "tokenizer/merges.txt",
      "text_encoder/model.onnx",
      "unet/model.onnx",
      "vae_encoder/model.onnx",
      "vae_decoder/model.onnx",
      "safety_checker/model.onnx",
    ]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(dir, "model_index.json"), "utf8"))._class_name).toBe(
      "ORTStableDiffusionPipeline",
    );
    const w = tinySdWeights("sd15", vocab);
    const ids = Array.from({ length: 77 }, (_, i) => (i * 7) % vocab);
    const te = await run(join(dir, "text_encoder/model.onnx"), {
      input_ids: new ort.Tensor("int32", Int32Array.from(ids), [1, 77]),
    });
    const ref = tinyTextEncoder(w.text[0] as never, ids, 32);
    expectClose(te.last_hidden_state?.data as Float32Array, ref.h2, 1e-4);
    const sample = Float32Array.from({ length: 4 * 2 * 2 }, (_, i) => i / 10);
    const unet = await run(join(dir, "unet/model.onnx"), {
      sample: new ort.Tensor("float32", sample, [1, 4, 2, 2]),
      timestep: new ort.Tensor("int64", BigInt64Array.of(500n), [1]),
      encoder_hidden_states: new ort.Tensor("float32", ref.h2, [1, 77, 32]),
    });
    const bias = matmul(meanRows(ref.h2, 77, 32), w.wk, 1, 32, 4);
    const expected = sample.map((x, i) => UNET_K * x + (bias[Math.floor(i / 4)] as number) + UNET_TAU * 500);
    expectClose(unet.out_sample?.data as Float32Array, expected, 1e-4);
  });

  it("sdxl-turbo: two encoders, hidden states, text_embeds, time_ids; external weights", async () => {
    const dir = join(root, "sdxl");
    writeTinySdModel(dir, "sdxl-turbo");
    expect(existsSync(join(dir, "text_encoder_2/model.onnx_data"))).toBe(true);
    const w = tinySdWeights("sdxl-turbo", vocab);
    const ids = Array.from({ length: 77 }, (_, i) => (i * 3) % vocab);
    const te2 = await run(join(dir, "text_encoder_2/model.onnx"), {
      input_ids: new ort.Tensor("int64", BigInt64Array.from(ids.map(BigInt)), [1, 77]),
    });
    const ref2 = tinyTextEncoder(w.text[1] as never, ids, 48, 40);
    expectClose(te2["hidden_states.1"]?.data as Float32Array, ref2.h1, 1e-4);
    expectClose(te2.text_embeds?.data as Float32Array, ref2.textEmbeds as Float32Array, 1e-4);
    const ehs = new Float32Array(77 * 80).fill(0.25);
    const unet = await run(join(dir, "unet/model.onnx"), {
      sample: new ort.Tensor("float32", new Float32Array(4), [1, 4, 1, 1]),
      timestep: new ort.Tensor("float32", Float32Array.of(999), []),
      encoder_hidden_states: new ort.Tensor("float32", ehs, [1, 77, 80]),
      text_embeds: new ort.Tensor("float32", new Float32Array(40).fill(2), [1, 40]),
      time_ids: new ort.Tensor("float32", Float32Array.of(64, 64, 0, 0, 64, 64), [1, 6]),
    });
    const bias = matmul(new Float32Array(80).fill(0.25), w.wk, 1, 80, 4);
    const extra = UNET_TAU * 999 + UNET_TE * 2 + UNET_GAMMA * 256;
    expectClose(
      unet.out_sample?.data as Float32Array,
      Array.from(bias, (b) => b + extra),
      1e-4,
    );
  });

  it("VAE round trip of a block-constant image, fp16 I/O and latent_parameters", async () => {
    const dir = join(root, "fp16");
    writeTinySdModel(dir, "sd-turbo", { io: "float16" });
    const { toHalfBits, fromHalfBits } = await import("../../onnx/float16.js");
    const image = new Float32Array(3 * 16 * 8).map((_, i) => (Math.floor(i / 128) === 1 ? 0.5 : -0.25));
    const enc = await run(join(dir, "vae_encoder/model.onnx"), {
      sample: new ort.Tensor("float16", toHalfBits(image), [1, 3, 16, 8]),
    });
    const params = fromHalfBits(enc.latent_parameters?.data as Uint16Array);
    expect(enc.latent_parameters?.dims).toEqual([1, 8, 2, 1]);
    expect(Array.from(params)).toEqual([-0.25, -0.25, 0.5, 0.5, -0.25, -0.25, 0, 0, -4, -4, -4, -4, -4, -4, -4, -4]);
    const dec = await run(join(dir, "vae_decoder/model.onnx"), {
      latent_sample: new ort.Tensor("float16", toHalfBits(params.subarray(0, 8)), [1, 4, 2, 1]),
    });
    expect(Array.from(fromHalfBits(dec.sample?.data as Uint16Array))).toEqual(Array.from(image));
  });
});

/** @module The tiny SVD components load in ONNX Runtime and compute exactly what svd-tiny-weights.ts says. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { SVD_CONV_COST, SVD_TINY_ENTRIES, svdConvStepGflop } from "./svd-catalog.js";
import { writeTinySvdModel } from "./svd-tiny.js";
import {
  SVD_DECODER_FRAMES,
  SVD_DECODER_MIX,
  SVD_EMBED_DIM,
  SVD_UNET_K,
  SVD_UNET_L,
  tinyImageEncoder,
  tinySvdWeights,
  tinyUnetBias,
} from "./svd-tiny-weights.js";

const root = mkdtempSync(join(tmpdir(), "avs-svd-tiny-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(file: string, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(file);
  try {
    return { out: await session.run(feeds), inputs: session.inputMetadata, outputs: session.outputNames };
  } finally {
    await session.release();
  }
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++)
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
  expect(worst).toBeLessThan(tol);
}

const wave = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k) * 0.8);

describe("tiny SVD model folders", () => {
  it("writes the SVD layout with the shipped scheduler and feature extractor configs", () => {
    const dir = join(root, "layout");
    writeTinySvdModel(dir, "svd");
    for (const f of [
      "model_index.json",
      "feature_extractor/preprocessor_config.json",
      "scheduler/scheduler_config.json",
      "image_encoder/model.onnx",
      "vae_encoder/model.onnx",
      "unet/model.onnx",
      "unet/config.json",
      "vae_decoder/model.onnx",
    ]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    const json = (f: string) => JSON.parse(readFileSync(join(dir, f), "utf8"));
    expect(json("model_index.json")._class_name).toBe("StableVideoDiffusionPipeline");
    expect(json("scheduler/scheduler_config.json")).toMatchObject({
      _class_name: "EulerDiscreteScheduler",
      prediction_type: "v_prediction",
      timestep_type: "continuous",
      use_karras_sigmas: true,
      sigma_min: 0.002,
      sigma_max: 700,
    });
    expect(json("feature_extractor/preprocessor_config.json").image_std).toEqual([0.26862954, 0.26130258, 0.27577711]);
    expect(json("unet/config.json").num_frames).toBe(14);
  });

  it("image encoder: pooled cells projected to image_embeds", async () => {
    const dir = join(root, "svd");
    writeTinySvdModel(dir, "svd");
    const pixels = wave(3 * 224 * 224, 0.013);
    const { out } = await run(join(dir, "image_encoder/model.onnx"), {
      pixel_values: new ort.Tensor("float32", pixels, [1, 3, 224, 224]),
    });
    expect(out.image_embeds?.dims).toEqual([1, SVD_EMBED_DIM]);
    expect(out.last_hidden_state?.dims).toEqual([1, 64, 3]);
    expectClose(out.image_embeds?.data as Float32Array, tinyImageEncoder(tinySvdWeights("svd"), pixels), 1e-5);
  });

  it("UNet: K·noisy + L·image latents + a bias from embeddings, time ids and the timestep, per batch row", async () => {
    const dir = join(root, "svd-xt-b");
    writeTinySvdModel(dir, "svd-xt", { timestep: "[B]" });
    const w = tinySvdWeights("svd-xt");
    const [B, F, h, wd] = [2, 25, 2, 3];
    const P = h * wd;
    const sample = wave(B * F * 8 * P, 0.7);
    const ehs = wave(B * SVD_EMBED_DIM, 1.3);
    const ids = Float32Array.of(5, 127, 0.02, 6, 40, 0.5);
    const t = Float32Array.of(1.6, -0.4);
    const { out, inputs } = await run(join(dir, "unet/model.onnx"), {
      sample: new ort.Tensor("float32", sample, [B, F, 8, h, wd]),
      timestep: new ort.Tensor("float32", t, [B]),
      encoder_hidden_states: new ort.Tensor("float32", ehs, [B, 1, SVD_EMBED_DIM]),
      added_time_ids: new ort.Tensor("float32", ids, [B, 3]),
    });
    const declared = inputs.find((m) => m.name === "sample") as { shape: readonly unknown[] };
    expect(declared.shape[1]).toBe(25);
    expect(out.out_sample?.dims).toEqual([B, F, 4, h, wd]);
    const expected = new Float32Array(B * F * 4 * P);
    for (let b = 0; b < B; b++) {
      const bias = tinyUnetBias(
        w,
        ehs.subarray(b * SVD_EMBED_DIM, (b + 1) * SVD_EMBED_DIM),
        Array.from(ids.subarray(3 * b, 3 * b + 3)),
        t[b] as number,
      );
      for (let f = 0; f < F; f++)
        for (let c = 0; c < 4; c++)
          for (let p = 0; p < P; p++) {
            const s = (k: number) => sample[((b * F + f) * 8 + k) * P + p] as number;
            expected[((b * F + f) * 4 + c) * P + p] = SVD_UNET_K * s(c) + SVD_UNET_L * s(4 + c) + (bias[c] as number);
          }
    }
    expectClose(out.out_sample?.data as Float32Array, expected, 1e-5);
  });

  it("temporal decoder: mixes the fourth channel in, upsamples ×8, and shifts every pixel for a wrong num_frames", async () => {
    const dir = join(root, "svd-nf");
    writeTinySvdModel(dir, "svd", { numFrames: { dtype: "float", shape: "[1]" } });
    const z = wave(3 * 4 * 1 * 2, 0.9);
    const decode = async (numFrames: number) =>
      (
        await run(join(dir, "vae_decoder/model.onnx"), {
          latent_sample: new ort.Tensor("float32", z, [3, 4, 1, 2]),
          num_frames: new ort.Tensor("float32", Float32Array.of(numFrames), [1]),
        })
      ).out.sample as ort.Tensor;
    const right = await decode(3);
    expect(right.dims).toEqual([3, 3, 8, 16]);
    const expected = new Float32Array(3 * 3 * 8 * 16);
    for (let n = 0; n < 3; n++)
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < 8; y++)
          for (let x = 0; x < 16; x++) {
            const at = (k: number) => z[((n * 4 + k) * 1 + 0) * 2 + Math.floor(x / 8)] as number;
            expected[((n * 3 + c) * 8 + y) * 16 + x] = at(c) + SVD_DECODER_MIX * at(3);
          }
    expectClose(right.data as Float32Array, expected, 1e-6);
    const wrong = (await decode(5)).data as Float32Array;
    expectClose(
      wrong,
      expected.map((v) => v + 2 * SVD_DECODER_FRAMES),
      1e-6,
    );
  });

  it("tiny/svd-conv: the UNet's cost path adds exact zeros, so it returns tiny/svd's out_sample bit for bit", async () => {
    const entry = SVD_TINY_ENTRIES.find((e) => e.id === "tiny/svd-conv");
    if (!entry) throw new Error("tiny/svd-conv is not in the catalog");
    expect(entry.description).toMatch(/^synthetic benchmark model, not SVD/);
    const conv = join(root, "svd-conv");
    const plain = join(root, "svd-plain");
    await entry.install(conv);
    writeTinySvdModel(plain, "svd");
    const [B, F, h, wd] = [2, 14, 3, 5];
    const feeds = () => ({
      sample: new ort.Tensor("float32", wave(B * F * 8 * h * wd, 0.37), [B, F, 8, h, wd]),
      timestep: new ort.Tensor("float32", Float32Array.of(1.25), []),
      encoder_hidden_states: new ort.Tensor("float32", wave(B * SVD_EMBED_DIM, 1.1), [B, 1, SVD_EMBED_DIM]),
      added_time_ids: new ort.Tensor("float32", Float32Array.of(5, 127, 0.02, 5, 127, 0.02), [B, 3]),
    });
    const withPath = await run(join(conv, "unet/model.onnx"), feeds());
    const without = await run(join(plain, "unet/model.onnx"), feeds());
    const bytes = (r: typeof withPath) => {
      const data = (r.out.out_sample as ort.Tensor).data as Float32Array;
      return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    };
    expect(withPath.out.out_sample?.dims).toEqual([B, F, 4, h, wd]);
    expect(bytes(withPath).equals(bytes(without))).toBe(true);
    // The path is really there: its weights make the UNet file far larger than tiny/svd's.
    const size = (dir: string) => readFileSync(join(dir, "unet/model.onnx")).length;
    const weights = 4 * 9 * (8 * 64 + 2 * 64 * 64 + 64 * 4);
    expect(SVD_CONV_COST).toEqual({ channels: 64, layers: 4 });
    expect(size(conv) - size(plain)).toBeGreaterThan(weights);
    // 28 latent images (14 frames × [uncond; cond]) of 8×8: 2 · 9 · (8·64 + 2·64² + 64·4) · 64 · 28 FLOP.
    expect(svdConvStepGflop(64, 64)).toBeCloseTo(0.289, 3);
    expect(svdConvStepGflop(64, 64, false)).toBeCloseTo(0.1445, 3);
  });
});

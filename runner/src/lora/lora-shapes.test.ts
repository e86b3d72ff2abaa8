/**
 * @module Hostile LoRA shapes: every shape is checked against the LoRA's own rules and the model's weight before the
 * up·down product is built, so a 100 kB file cannot make the merge allocate gigabytes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { BadRequestError } from "../errors.js";
import { GraphBuilder } from "../onnx/index.js";
import { statusOf } from "../server/http-errors.js";
import { mergeLorasIntoModel, readLora, writeSafetensors } from "./index.js";

const root = mkdtempSync(join(tmpdir(), "avs-lora-shapes-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const models = join(root, "models");

/** y = x·W1 (anonymous MatMul weight [in=3, out=2]), z = y·W2ᵀ (Gemm transB, named weight [out=2, in=2]). */
function tinyModel(): string {
  const g = new GraphBuilder("lora-shapes");
  const x = g.input("x", "float32", [1, 3]);
  const w1 = g.initializer("onnx::MatMul_7", "float32", [3, 2], Float32Array.of(1, 2, 3, 4, 5, 6));
  const y = g.node("MatMul", [x, w1], {}, { name: "/down_blocks.0/attentions.0/proj_in/MatMul" });
  const w2 = g.initializer("mid_block.proj_out.weight", "float32", [2, 2], Float32Array.of(1, 0, 0, 1));
  g.output(g.node("Gemm", [y, w2], { transB: 1 }), "z", "float32", [1, 2]);
  mkdirSync(join(root, "model"), { recursive: true });
  writeFileSync(join(root, "model", "model.onnx"), g.toBytes());
  return join(root, "model", "model.onnx");
}
const model = tinyModel();

function install(id: string, tensors: Record<string, { shape: number[]; data: Float32Array }>): void {
  mkdirSync(join(models, id), { recursive: true });
  writeFileSync(join(models, id, "pytorch_lora_weights.safetensors"), writeSafetensors(tensors));
}

/** A kohya layer `name` with up and down of the given shapes (values 0.1). */
function layer(name: string, up: number[], down: number[]) {
  const filled = (shape: number[]) => ({
    shape,
    data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.1),
  });
  return { [`${name}.lora_up.weight`]: filled(up), [`${name}.lora_down.weight`]: filled(down) };
}

function refused(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestError);
    expect(statusOf(err)).toBe(400);
    return (err as Error).message;
  }
  throw new Error("expected a 400");
}

const merge = (id: string) => () =>
  mergeLorasIntoModel(model, "unet", [{ lora: readLora(models, { id, weight: 1 }), weight: 1 }]);

it("refuses a rank-1 LoRA whose up·down would be huge before building it, in milliseconds", () => {
  const n = 12_000; // up·down would be n² floats: 576 MB
  install("amp", layer("lora_unet_mid_block_proj_out", [n, 1], [1, n]));
  const started = performance.now();
  const message = refused(merge("amp"));
  const ms = performance.now() - started;
  expect(message).toBe(
    'LoRA "amp": layer mid_block.proj_out: up [12000×1] · down [1×12000] do not fit this model\'s weight [2×2] — ' +
      "is the LoRA for another base model?",
  );
  expect(ms).toBeLessThan(100);
});

it("refuses a MatMul weight's LoRA whose 4-D down has a real kernel, though its sizes multiply right", () => {
  install("kernel", layer("lora_unet_down_blocks_0_attentions_0_proj_in", [2, 1], [1, 1, 3, 1]));
  expect(refused(merge("kernel"))).toMatch(
    /^LoRA "kernel": layer down_blocks.0.attentions.0.proj_in: up \[2×1\] · down \[1×1×3×1\] do not fit this model's weight \[3×2\]/,
  );
  install("pointwise", layer("lora_unet_down_blocks_0_attentions_0_proj_in", [2, 1, 1, 1], [1, 3, 1, 1]));
  expect(merge("pointwise")()?.kind).toBe("bytes");
});

it("refuses up and down that are not LoRA matrices, naming the tensors' shapes", () => {
  const name = "lora_unet_mid_block_proj_out";
  install("updims", layer(name, [2, 1, 3], [1, 2]));
  expect(refused(() => readLora(models, { id: "updims", weight: 1 }))).toBe(
    'LoRA "updims": layer mid_block_proj_out: up [2×1×3] and down [1×2] are not LoRA matrices ' +
      "(up is [out×r] or [out×r×1×1], down [r×in] or [r×in×kh×kw])",
  );
  install("upkernel", layer(name, [2, 1, 3, 3], [1, 2, 3, 3]));
  expect(refused(() => readLora(models, { id: "upkernel", weight: 1 }))).toMatch(/are not LoRA matrices/);
  install("rank0", layer(name, [2, 0], [0, 2]));
  expect(refused(() => readLora(models, { id: "rank0", weight: 1 }))).toMatch(
    /up \[2×0\] and down \[0×2\] have an empty dimension$/,
  );
  install("ranks", layer(name, [2, 2], [1, 2]));
  expect(refused(() => readLora(models, { id: "ranks", weight: 1 }))).toMatch(/disagree on the rank$/);
});

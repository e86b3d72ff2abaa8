/**
 * @module Finding the weight of a module (e.g. `mid_block.attentions.0.transformer_blocks.0.attn2.to_k`) inside an
 * exported ONNX graph, and reading/writing its values. PyTorch exports name Linear weights either `<module>.weight`
 * or anonymously (`onnx::MatMul_123`, transposed to [in, out]) — then the consuming node's name
 * (`/mid_block/attentions.0/…/to_k/MatMul`) still carries the module path, so both are indexed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { onnx } from "onnx-proto";
import { fromHalfBits, toHalfBits } from "../pipelines/stable-diffusion/float16.js";

/** A weight tensor of the model and how its axes are laid out. */
export interface WeightRef {
  tensor: onnx.ITensorProto;
  /** `out-in` for Conv/Gemm(transB) weights, `in-out` for MatMul (and Gemm without transB) weights. */
  layout: "out-in" | "in-out";
}

const FLOAT = 1;
const FLOAT16 = 10;

/**
 * Maps module paths (dotted) to their weights, from initializer names and from node names.
 *
 * @example
 * const weights = indexWeights(model);
 * weights.get("mid_block.attentions.0.transformer_blocks.0.attn2.to_k")?.layout; // "in-out"
 */
export function indexWeights(model: onnx.IModelProto): Map<string, WeightRef> {
  const graph = model.graph;
  const byName = new Map((graph?.initializer ?? []).map((t) => [t.name ?? "", t]));
  const index = new Map<string, WeightRef>();
  for (const node of graph?.node ?? []) {
    const op = node.opType ?? "";
    if (op !== "MatMul" && op !== "Gemm" && op !== "Conv") continue;
    const tensor = byName.get(node.input?.[1] ?? "");
    if (!tensor || (tensor.dataType !== FLOAT && tensor.dataType !== FLOAT16)) continue;
    const transB = node.attribute?.find((a) => a.name === "transB")?.i;
    const layout = op === "MatMul" || (op === "Gemm" && !Number(transB ?? 0)) ? "in-out" : "out-in";
    const ref = { tensor, layout } as const;
    const name = tensor.name ?? "";
    if (name.endsWith(".weight")) index.set(name.slice(0, -".weight".length), ref);
    const parts = (node.name ?? "").split("/").filter(Boolean);
    if ((node.name ?? "").startsWith("/") && parts.length >= 2) index.set(parts.slice(0, -1).join("."), ref);
  }
  return index;
}

/**
 * The float32 values of an inline float or float16 initializer (`raw_data`, `float_data`, or `int32_data` halves);
 * call {@link inlineExternalData} first for models with external weights.
 *
 * @example
 * const w = readWeight(ref.tensor);
 */
export function readWeight(tensor: onnx.ITensorProto): Float32Array {
  const raw = tensor.rawData;
  if (raw?.length) {
    const copy = new Uint8Array(raw);
    return tensor.dataType === FLOAT16 ? fromHalfBits(new Uint16Array(copy.buffer)) : new Float32Array(copy.buffer);
  }
  if (tensor.dataType === FLOAT16) return fromHalfBits(tensor.int32Data ?? []);
  return Float32Array.from(tensor.floatData ?? []);
}

/**
 * Stores values into an initializer as inline `raw_data` in its own type (dropping any external location).
 *
 * @example
 * writeWeight(ref.tensor, merged);
 */
export function writeWeight(tensor: onnx.ITensorProto, values: Float32Array): void {
  const typed = tensor.dataType === FLOAT16 ? toHalfBits(values) : values;
  tensor.rawData = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  tensor.floatData = [];
  tensor.int32Data = [];
  tensor.externalData = [];
  tensor.dataLocation = 0;
}

/**
 * Moves every externally stored initializer inline, so the model can be handed to ONNX Runtime as one buffer.
 *
 * @example
 * inlineExternalData(model, "/models/x/unet");
 */
export function inlineExternalData(model: onnx.IModelProto, modelDir: string): void {
  const files = new Map<string, Uint8Array>();
  for (const tensor of model.graph?.initializer ?? []) {
    const bytes = externalBytes(tensor, modelDir, files);
    if (!bytes) continue;
    tensor.rawData = bytes;
    tensor.externalData = [];
    tensor.dataLocation = 0;
  }
}

function externalBytes(
  tensor: onnx.ITensorProto,
  modelDir: string,
  files: Map<string, Uint8Array>,
): Uint8Array | undefined {
  if (tensor.dataLocation !== 1 || !tensor.externalData?.length) return undefined;
  const entry = (key: string) => tensor.externalData?.find((e) => e.key === key)?.value ?? undefined;
  const location = entry("location");
  if (!location) throw new Error(`initializer ${tensor.name} has external data without a location`);
  const path = join(modelDir, location);
  let file = files.get(path);
  if (!file) {
    file = readFileSync(path);
    files.set(path, file);
  }
  const offset = Number(entry("offset") ?? 0);
  const length = Number(entry("length") ?? file.byteLength - offset);
  return file.subarray(offset, offset + length);
}

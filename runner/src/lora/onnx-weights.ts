/**
 * @module Finding the weight of a module (e.g. `mid_block.attentions.0.transformer_blocks.0.attn2.to_k`) inside an
 * exported ONNX graph, and reading/writing its values. PyTorch exports name Linear weights either `<module>.weight`
 * or anonymously (`onnx::MatMul_123`, transposed to [in, out]) — then the consuming node's name
 * (`/mid_block/attentions.0/…/to_k/MatMul`) still carries the module path, so both are indexed.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import type { onnx } from "onnx-proto";
import { fromHalfBits, toHalfBits } from "../onnx/float16.js";

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
 * The float32 values of a float or float16 initializer: inline (`raw_data`, `float_data`, `int32_data` halves) or
 * external, in which case only its byte range is read from the data file next to the model.
 *
 * @example
 * const w = readWeight(ref.tensor, "/models/x/unet");
 */
export function readWeight(tensor: onnx.ITensorProto, modelDir = "."): Float32Array {
  const range = externalRange(tensor);
  let raw = tensor.rawData;
  if (range) {
    raw = new Uint8Array(range.length);
    const fd = openSync(join(modelDir, range.location), "r");
    try {
      if (readSync(fd, raw, 0, range.length, range.offset) !== range.length) {
        throw new Error(
          `${range.location} ends before initializer ${tensor.name} (offset ${range.offset}, ${range.length} bytes)`,
        );
      }
    } finally {
      closeSync(fd);
    }
  }
  if (raw?.length) {
    const copy = new Uint8Array(raw);
    return tensor.dataType === FLOAT16 ? fromHalfBits(new Uint16Array(copy.buffer)) : new Float32Array(copy.buffer);
  }
  if (tensor.dataType === FLOAT16) return fromHalfBits(tensor.int32Data ?? []);
  return Float32Array.from(tensor.floatData ?? []);
}

/**
 * The bytes of values in an initializer's own type (float32, or float16 half bits).
 *
 * @example
 * const bytes = weightBytes(ref.tensor, merged);
 */
export function weightBytes(tensor: onnx.ITensorProto, values: Float32Array): Uint8Array {
  const typed = tensor.dataType === FLOAT16 ? toHalfBits(values) : values;
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

/**
 * Stores values into an initializer: inline `raw_data`, or at `external` (a data file next to the model) when given.
 *
 * @example
 * writeWeight(ref.tensor, merged);
 */
export function writeWeight(
  tensor: onnx.ITensorProto,
  values: Float32Array,
  external?: { location: string; offset: number },
): void {
  const bytes = weightBytes(tensor, values);
  tensor.floatData = [];
  tensor.int32Data = [];
  if (external) {
    tensor.rawData = new Uint8Array(0);
    tensor.dataLocation = 1;
    tensor.externalData = [
      { key: "location", value: external.location },
      { key: "offset", value: String(external.offset) },
      { key: "length", value: String(bytes.byteLength) },
    ];
  } else {
    tensor.rawData = bytes;
    tensor.externalData = [];
    tensor.dataLocation = 0;
  }
}

/** Where an externally stored initializer's bytes are, or undefined for an inline one. */
export interface ExternalRange {
  location: string;
  offset: number;
  length: number;
}

/**
 * The external-data range of an initializer.
 *
 * @example
 * externalRange(tensor)?.location; // "model.onnx_data"
 */
export function externalRange(tensor: onnx.ITensorProto): ExternalRange | undefined {
  if (tensor.dataLocation !== 1 || !tensor.externalData?.length) return undefined;
  const entry = (key: string) => tensor.externalData?.find((e) => e.key === key)?.value ?? undefined;
  const location = entry("location");
  if (!location) throw new Error(`initializer ${tensor.name} has external data without a location`);
  const offset = Number(entry("offset") ?? 0);
  const length = entry("length");
  if (length === undefined) throw new Error(`initializer ${tensor.name} has external data without a length`);
  return { location, offset, length: Number(length) };
}

/**
 * @module Feeding and reading ONNX sessions by their metadata, so export variants load without configuration: float
 * inputs become float32 or float16 (half bits) tensors as the model declares, ids int32 or int64, and the UNet's
 * `timestep` a scalar, a [1] or a [B] tensor of float or int64.
 */
import * as ort from "onnxruntime-node";
import { fromHalfBits, toHalfBits } from "./float16.js";

/** What a session declares about one input or output. */
export interface ValueInfo {
  name: string;
  type: string;
  shape: readonly (number | string | null)[];
}

const described = new WeakMap<ort.InferenceSession, Record<"input" | "output", Map<string, ValueInfo>>>();

/**
 * The declared inputs or outputs of a session, by name (read once per session, then served from a cache).
 *
 * @example
 * describe(session, "input").get("timestep")?.type; // "int64"
 */
export function describe(session: ort.InferenceSession, side: "input" | "output"): Map<string, ValueInfo> {
  let both = described.get(session);
  if (!both) {
    both = { input: valueInfos(session.inputMetadata), output: valueInfos(session.outputMetadata) };
    described.set(session, both);
  }
  return both[side];
}

function valueInfos(list: readonly ort.InferenceSession.ValueMetadata[]): Map<string, ValueInfo> {
  return new Map(
    list.map((m) => [
      m.name,
      m.isTensor
        ? { name: m.name, type: m.type, shape: m.shape as readonly (number | string | null)[] }
        : { name: m.name, type: "non-tensor", shape: [] },
    ]),
  );
}

/**
 * A float tensor in the dtype `info` declares (float32, or float16 as half bits).
 *
 * @example
 * floatTensor(inputs.get("sample"), latents, [2, 4, 64, 64]);
 */
export function floatTensor(info: ValueInfo, data: Float32Array, dims: readonly number[]): ort.Tensor {
  if (info.type === "float16") return new ort.Tensor("float16", toHalfBits(data), dims);
  if (info.type === "float32") return new ort.Tensor("float32", data, dims);
  throw new Error(`input ${info.name} is ${info.type}; float32 or float16 expected`);
}

/**
 * The values of a float32 or float16 output as float32.
 *
 * @example
 * const noise = readFloats(out.out_sample);
 */
export function readFloats(tensor: ort.Tensor | undefined): Float32Array {
  if (!tensor) throw new Error("the model did not return an expected output");
  if (tensor.type === "float16") return fromHalfBits(tensor.data as Uint16Array);
  if (tensor.type === "float32") return tensor.data as Float32Array;
  throw new Error(`output is ${tensor.type}; float32 or float16 expected`);
}

/**
 * Token ids as int32 or int64, as the text encoder declares: one row per prompt, all of the same length.
 *
 * @example
 * idsTensor(inputs.get("input_ids"), [negative.ids, positive.ids]); // [2, 77]
 */
export function idsTensor(info: ValueInfo, rows: readonly (readonly number[])[]): ort.Tensor {
  const length = rows[0]?.length ?? 0;
  const dims = [rows.length, length];
  if (info.type === "int32") {
    const data = new Int32Array(rows.length * length);
    for (const [r, row] of rows.entries()) data.set(row, r * length);
    return new ort.Tensor("int32", data, dims);
  }
  if (info.type === "int64") {
    const data = new BigInt64Array(rows.length * length);
    for (const [r, row] of rows.entries())
      for (let i = 0; i < length; i++) data[r * length + i] = BigInt(row[i] as number);
    return new ort.Tensor("int64", data, dims);
  }
  throw new Error(`input ${info.name} is ${info.type}; int32 or int64 expected`);
}

/**
 * The UNet's timestep: rank 0 → scalar, a fixed [1] → [1], otherwise [batch]; int64 timesteps are truncated like
 * diffusers' `np.array([t], dtype=int64)`.
 *
 * @example
 * timestepTensor(inputs.get("timestep"), 999, 2); // int64 [2] for a [batch_size] int64 input
 */
export function timestepTensor(info: ValueInfo, t: number, batch: number): ort.Tensor {
  const dims = info.shape.length === 0 ? [] : info.shape[0] === 1 ? [1] : [batch];
  const count = dims.length === 0 ? 1 : (dims[0] as number);
  if (info.type === "int64") return new ort.Tensor("int64", new BigInt64Array(count).fill(BigInt(Math.trunc(t))), dims);
  if (info.type === "int32") return new ort.Tensor("int32", new Int32Array(count).fill(Math.trunc(t)), dims);
  return floatTensor(info, new Float32Array(count).fill(t), dims);
}

/**
 * The input `name` of a session, or an error naming what the model has.
 *
 * @example
 * const sample = requireInput(unetInputs, "sample", "unet");
 */
export function requireValue(values: Map<string, ValueInfo>, name: string, component: string): ValueInfo {
  const v = values.get(name);
  if (!v) throw new Error(`${component} has no ${name} (it has ${[...values.keys()].join(", ")})`);
  return v;
}

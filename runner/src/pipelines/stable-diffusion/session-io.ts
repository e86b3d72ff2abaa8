/**
 * @module Feeding and reading ONNX sessions by their metadata, so export variants load without configuration: float
 * inputs become float32 or float16 (half bits) tensors as the model declares, ids int32 or int64, and the UNet's
 * `timestep` a scalar, a [1] or a [B] tensor of float or int64.
 */
import * as ort from "onnxruntime-node";
import { fromHalfBits, halfBits, toHalfBits } from "../../onnx/float16.js";

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

/** A float input made once and refilled in place before each run. */
export interface ReusedFloatTensor {
  /** The values to feed: write them, then call {@link ReusedFloatTensor.refresh}. */
  readonly values: Float32Array;
  readonly tensor: ort.Tensor;
  /** Makes the tensor carry the current `values` (converts to half bits for a float16 input; nothing for float32). */
  refresh(): void;
}

/**
 * A float tensor over `values` that a loop rewrites between runs (ONNX Runtime reads a tensor's data when `run` is
 * called, so one tensor serves every step): float32 inputs share `values`; float16 inputs get a half-bit buffer that
 * `refresh` rewrites.
 *
 * @example
 * const sample = reusedFloatTensor(inputs.get("sample"), new Float32Array(2 * 4 * 8 * 8), [2, 4, 8, 8]);
 * sample.values.set(latents); sample.refresh(); await unet.run({ sample: sample.tensor, ... });
 */
export function reusedFloatTensor(info: ValueInfo, values: Float32Array, dims: readonly number[]): ReusedFloatTensor {
  const tensor = floatTensor(info, values, dims);
  if (tensor.type === "float32") return { values, tensor, refresh: () => {} };
  const half = tensor.data as Uint16Array;
  return { values, tensor, refresh: () => void toHalfBits(values, half) };
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
 * Token ids as int32 or int64, as the text encoder declares: one row per prompt, all of the same length. Written into
 * `into` when given (an earlier result of the same shape, reused), else into a new tensor.
 *
 * @example
 * idsTensor(inputs.get("input_ids"), [negative.ids, positive.ids]); // [2, 77]
 */
export function idsTensor(info: ValueInfo, rows: readonly (readonly number[])[], into?: ort.Tensor): ort.Tensor {
  if (info.type !== "int32" && info.type !== "int64")
    throw new Error(`input ${info.name} is ${info.type}; int32 or int64 expected`);
  const ids = ID_TYPES[info.type];
  const length = rows[0]?.length ?? 0;
  const tensor = into ?? new ort.Tensor(info.type, ids.alloc(rows.length * length), [rows.length, length]);
  const data = tensor.data as { set(row: ArrayLike<number | bigint>, offset: number): void };
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as readonly number[];
    let typed = ids.rows.get(row);
    if (!typed) {
      typed = ids.from(row);
      ids.rows.set(row, typed);
    }
    data.set(typed, r * length);
  }
  return tensor;
}

/**
 * How to make each id type, and typed copies of id rows kept as long as the row is: the tokenizer's cache shares a
 * repeated prompt's (frozen) row, and copying from a typed array is a memcpy where copying from a frozen array
 * converts id by id.
 */
type Ids = Int32Array | BigInt64Array;
const ID_TYPES: Record<
  "int32" | "int64",
  { rows: WeakMap<readonly number[], Ids>; alloc(n: number): Ids; from(row: readonly number[]): Ids }
> = {
  int32: {
    rows: new WeakMap(),
    alloc: (n: number) => new Int32Array(n),
    from: (row: readonly number[]) => Int32Array.from(row),
  },
  int64: {
    rows: new WeakMap(),
    alloc: (n: number) => new BigInt64Array(n),
    from: (row: readonly number[]) => BigInt64Array.from(row, (id) => BigInt(id)),
  },
};

/** The UNet's timestep input, made once and set before each step. */
export interface ReusedTimestepTensor {
  readonly tensor: ort.Tensor;
  set(t: number): void;
}

/**
 * The UNet's timestep, made once and rewritten in place by `set`: rank 0 → scalar, a fixed [1] → [1], otherwise
 * [batch]; int64 timesteps are truncated like diffusers' `np.array([t], dtype=int64)`.
 *
 * @example
 * const timestep = reusedTimestepTensor(inputs.get("timestep"), 2);
 * timestep.set(999); await unet.run({ timestep: timestep.tensor, ... });
 */
export function reusedTimestepTensor(info: ValueInfo, batch: number): ReusedTimestepTensor {
  const dims = info.shape.length === 0 ? [] : info.shape[0] === 1 ? [1] : [batch];
  const count = dims.length === 0 ? 1 : (dims[0] as number);
  if (info.type === "int64") {
    const data = new BigInt64Array(count);
    return { tensor: new ort.Tensor("int64", data, dims), set: (t) => void data.fill(BigInt(Math.trunc(t))) };
  }
  if (info.type === "int32") {
    const data = new Int32Array(count);
    return { tensor: new ort.Tensor("int32", data, dims), set: (t) => void data.fill(Math.trunc(t)) };
  }
  const tensor = floatTensor(info, new Float32Array(count), dims);
  const data = tensor.data as Float32Array | Uint16Array;
  return { tensor, set: (t) => void data.fill(tensor.type === "float16" ? halfBits(t) : t) };
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

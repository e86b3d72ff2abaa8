/**
 * @module Merging LoRAs into an ONNX component: W ← W + Σ weight·(α/r)·up·down for every adapted layer, in the
 * component's own dtype, giving a new in-memory model for ONNX Runtime (weights inline, so ≤ 2 GiB per component).
 */
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import onnxProto from "onnx-proto";
import { BadRequestError } from "../errors.js";
import { allFinite } from "../internal/finite.js";
import { type LoraFile, type LoraLayer, type LoraTarget, shapeText } from "./lora-file.js";
import { externalRange, indexWeights, readWeight, type WeightRef, weightBytes, writeWeight } from "./onnx-weights.js";

const { onnx } = onnxProto;

/** Where a merge may stop: `throwIfAborted` throws once the job it serves is cancelled (a job's `JobControl`). */
export interface MergeControl {
  throwIfAborted(): void;
}

const NEVER_ABORTED: MergeControl = { throwIfAborted() {} };

/**
 * ΔW = up·down as a flat [out, rest] matrix, with up reshaped to [out, r] and down to [r, rest] (Linear and Conv LoRAs).
 * `control` is asked before each output row, so a cancelled job stops within one row (out·r·rest/out operations).
 *
 * @example
 * loraDelta(up, down); // out·rest values
 */
export function loraDelta(
  layer: Pick<LoraLayer, "up" | "down" | "rank">,
  control: MergeControl = NEVER_ABORTED,
): {
  out: number;
  rest: number;
  delta: Float32Array;
} {
  const r = layer.rank;
  const out = layer.up.shape[0] as number;
  const rest = layer.down.data.length / r;
  const delta = new Float32Array(out * rest);
  const up = layer.up.data;
  const down = layer.down.data;
  for (let o = 0; o < out; o++) {
    control.throwIfAborted();
    for (let k = 0; k < r; k++) {
      const u = up[o * r + k] as number;
      if (u === 0) continue;
      const row = k * rest;
      const at = o * rest;
      for (let j = 0; j < rest; j++) delta[at + j] = (delta[at + j] as number) + u * (down[row + j] as number);
    }
  }
  return { out, rest, delta };
}

/**
 * Whether up·down has the weight's shape: [out, in·kh·kw] against an `out-in` weight [out, in, kh, kw] (a 4-D down's
 * kernel must be the weight's, or 1×1 against a Linear weight; a 2-D down is a flattened one), [in, out] against an
 * `in-out` (MatMul) one.
 */
function fitsWeight(layer: Pick<LoraLayer, "up" | "down">, dims: readonly number[], layout: WeightRef["layout"]) {
  const out = layer.up.shape[0];
  const [, , ...kernel] = layer.down.shape;
  const rest = layer.down.shape.slice(1).reduce((a, b) => a * b, 1);
  const pointwise = kernel.every((k) => k === 1);
  if (layout === "in-out") return pointwise && dims.length === 2 && dims[0] === rest && dims[1] === out;
  const weightKernel = dims.slice(2);
  const kernelFits =
    kernel.length === 0 ||
    (weightKernel.length === 0
      ? pointwise
      : kernel.length === weightKernel.length && kernel.every((k, i) => k === weightKernel[i]));
  return dims[0] === out && kernelFits && rest === dims.slice(1).reduce((a, b) => a * b, 1);
}

/** A merged component: an in-memory model, or (when the source keeps its weights external) a model file. */
export type MergedModel =
  | { kind: "bytes"; bytes: Uint8Array }
  | {
      kind: "file";
      /** The merged `model.onnx`; remove `dir` when its session is released. */
      path: string;
      dir: string;
    };

/** ONNX's data type of float16 tensors, and the largest finite float16. */
const FLOAT16 = 10;
const FLOAT16_MAX = 65504;

/** Name of the data file holding the merged weights of a model with external data. */
const MERGED_DATA = "avs-lora-merged.data";

/**
 * A copy of the ONNX model at `modelFile` with the layers of `loras` that target `target` merged in, or `undefined`
 * when none of them targets it (the base session can be reused). An inline model comes back as bytes. A model with
 * external weights is written to a temporary folder (under TMPDIR): a new graph file, the merged weights in a data file
 * of their own, and the original data files for every untouched weight — hard-linked, so a multi-GiB SDXL UNet is
 * neither read whole nor copied, or copied when TMPDIR is on another filesystem than the model. (ONNX Runtime refuses
 * data files that resolve outside the model's folder, so symlinks cannot be used.)
 *
 * @throws {BadRequestError} when a layer has no counterpart in the model or its shape differs (a LoRA for another base).
 * @throws {JobAbortedError} (from `control`) once the job is cancelled: checked before every layer and every row of
 *   its update, so a client that leaves frees the worker within one row, and nothing is written or kept.
 * @example
 * const merged = mergeLorasIntoModel("/models/x/unet/model.onnx", "unet", [{ lora, weight: 0.8 }]);
 * if (merged?.kind === "bytes") session = await ort.InferenceSession.create(merged.bytes);
 */
export function mergeLorasIntoModel(
  modelFile: string,
  target: LoraTarget,
  loras: readonly { lora: LoraFile; weight: number }[],
  control: MergeControl = NEVER_ABORTED,
): MergedModel | undefined {
  const wanted = loras.flatMap(({ lora, weight }) =>
    lora.layers.filter((l) => l.target === target).map((layer) => ({ lora, weight, layer })),
  );
  if (wanted.length === 0) return undefined;
  const sourceDir = dirname(modelFile);
  const model = onnx.ModelProto.decode(readFileSync(modelFile));
  const weights = indexWeights(model);
  const kohyaNames = new Map([...weights.keys()].map((path) => [path.replace(/\./g, "_"), path]));
  const merged = new Map<string, Float32Array>();
  /** The LoRAs merged into each weight, as `"id" at weight w`, for the message of a weight out of its type's range. */
  const sources = new Map<string, string[]>();
  for (const { lora, weight, layer } of wanted) {
    control.throwIfAborted();
    const path = layer.kohya ? kohyaNames.get(layer.path) : layer.path;
    const ref = path === undefined ? undefined : weights.get(path);
    if (!ref || path === undefined) {
      throw new BadRequestError(
        `LoRA ${JSON.stringify(lora.id)}: layer ${layer.path} is not in this model's ${target} — is the LoRA for another base model?`,
      );
    }
    const dims = (ref.tensor.dims ?? []).map(Number);
    // Before the product is built: its size is the LoRA's out × in, which a tiny file can make gigabytes.
    if (!fitsWeight(layer, dims, ref.layout)) {
      throw new BadRequestError(
        `LoRA ${JSON.stringify(lora.id)}: layer ${path}: up ${shapeText(layer.up.shape)} · down ${shapeText(layer.down.shape)} ` +
          `do not fit this model's weight ${shapeText(dims)} — is the LoRA for another base model?`,
      );
    }
    const { out, rest, delta } = loraDelta(layer, control);
    // Finite matrices whose product is not (values near float32's limit): no weight, 0 included, merges it.
    if (!allFinite(delta)) {
      throw new BadRequestError(
        `LoRA ${JSON.stringify(lora.id)}: layer ${layer.path}'s up and down matrices multiply past float32's range; the file is damaged`,
      );
    }
    const values = merged.get(path) ?? readWeight(ref.tensor, sourceDir);
    merged.set(path, values);
    sources.set(path, [...(sources.get(path) ?? []), `${JSON.stringify(lora.id)} at weight ${weight}`]);
    const s = weight * (layer.alpha / layer.rank);
    if (ref.layout === "out-in") {
      for (let i = 0; i < delta.length; i++) values[i] = (values[i] as number) + s * (delta[i] as number);
    } else {
      for (let o = 0; o < out; o++) {
        for (let j = 0; j < rest; j++) {
          values[j * out + o] = (values[j * out + o] as number) + s * (delta[o * rest + j] as number);
        }
      }
    }
  }
  for (const [path, values] of merged) {
    const max = (weights.get(path) as WeightRef).tensor.dataType === FLOAT16 ? FLOAT16_MAX : Number.MAX_VALUE;
    for (let i = 0; i < values.length; i++) {
      // Past its type's range a weight becomes an infinity (and then NaN), and every image black.
      if (Math.abs(values[i] as number) <= max) continue;
      const type = max === FLOAT16_MAX ? "float16 (±65504)" : "float32";
      throw new BadRequestError(
        `LoRA ${sources.get(path)!.join(" + ")}: layer ${path} of this model's ${target} would hold values beyond the range of its ${type} weights; use a smaller weight`,
      );
    }
  }
  control.throwIfAborted();
  const locations = new Set(
    (model.graph?.initializer ?? []).map((t) => externalRange(t)?.location).filter((l): l is string => l !== undefined),
  );
  if (locations.size === 0) {
    for (const [path, values] of merged) writeWeight((weights.get(path) as WeightRef).tensor, values);
    return { kind: "bytes", bytes: onnx.ModelProto.encode(model).finish() };
  }
  const dir = mkdtempSync(join(tmpdir(), "avs-lora-"));
  try {
    for (const location of locations) {
      mkdirSync(dirname(join(dir, location)), { recursive: true });
      linkOrCopy(resolve(sourceDir, location), join(dir, location));
    }
    const chunks: Uint8Array[] = [];
    let offset = 0;
    for (const [path, values] of merged) {
      const tensor = (weights.get(path) as WeightRef).tensor;
      writeWeight(tensor, values, { location: MERGED_DATA, offset });
      const bytes = weightBytes(tensor, values);
      chunks.push(bytes);
      offset += bytes.byteLength;
    }
    writeFileSync(join(dir, MERGED_DATA), Buffer.concat(chunks));
    writeFileSync(join(dir, "model.onnx"), onnx.ModelProto.encode(model).finish());
    return { kind: "file", path: join(dir, "model.onnx"), dir };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Hard-links `from` to `to`, or copies it when a link is impossible (another filesystem, no permission). */
function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

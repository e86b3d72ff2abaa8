/**
 * @module Merging LoRAs into an ONNX component: W ← W + Σ weight·(α/r)·up·down for every adapted layer, in the
 * component's own dtype, giving a new in-memory model for ONNX Runtime (weights inline, so ≤ 2 GiB per component).
 */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { HttpError } from "@ai-video-subnet/specs";
import onnxProto from "onnx-proto";
import type { LoraFile, LoraLayer, LoraTarget } from "./lora-file.js";
import { indexWeights, inlineExternalData, readWeight, writeWeight } from "./onnx-weights.js";

const { onnx } = onnxProto;

/**
 * ΔW = up·down as a flat [out, rest] matrix, with up reshaped to [out, r] and down to [r, rest] (Linear and Conv LoRAs).
 *
 * @example
 * loraDelta(up, down); // out·rest values
 */
export function loraDelta(layer: Pick<LoraLayer, "up" | "down" | "rank">): {
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
 * A copy of the ONNX model at `modelFile` with the layers of `loras` that target `target` merged in, or `undefined`
 * when none of them targets it (the base session can be reused).
 *
 * @throws {HttpError} 400 when a layer has no counterpart in the model or its shape differs (a LoRA for another base).
 * @example
 * const bytes = mergeLorasIntoModel("/models/x/unet/model.onnx", "unet", [{ lora, weight: 0.8 }]);
 * if (bytes) session = await ort.InferenceSession.create(bytes);
 */
export function mergeLorasIntoModel(
  modelFile: string,
  target: LoraTarget,
  loras: readonly { lora: LoraFile; weight: number }[],
): Uint8Array | undefined {
  const wanted = loras.flatMap(({ lora, weight }) =>
    lora.layers.filter((l) => l.target === target).map((layer) => ({ lora, weight, layer })),
  );
  if (wanted.length === 0) return undefined;
  const model = onnx.ModelProto.decode(readFileSync(modelFile));
  inlineExternalData(model, dirname(modelFile));
  const weights = indexWeights(model);
  const kohyaNames = new Map([...weights.keys()].map((path) => [path.replace(/\./g, "_"), path]));
  const merged = new Map<string, Float32Array>();
  for (const { lora, weight, layer } of wanted) {
    const path = layer.kohya ? kohyaNames.get(layer.path) : layer.path;
    const ref = path === undefined ? undefined : weights.get(path);
    if (!ref || path === undefined) {
      throw new HttpError(
        400,
        `LoRA ${JSON.stringify(lora.id)}: layer ${layer.path} is not in this model's ${target} — is the LoRA for another base model?`,
      );
    }
    const dims = (ref.tensor.dims ?? []).map(Number);
    const { out, rest, delta } = loraDelta(layer);
    const fits =
      ref.layout === "out-in"
        ? dims[0] === out && dims.slice(1).reduce((a, b) => a * b, 1) === rest
        : dims.length === 2 && dims[0] === rest && dims[1] === out;
    if (!fits) {
      throw new HttpError(
        400,
        `LoRA ${JSON.stringify(lora.id)}: layer ${path} is [${out}×${rest}] but this model's weight is [${dims.join("×")}] — is the LoRA for another base model?`,
      );
    }
    const values = merged.get(path) ?? readWeight(ref.tensor);
    merged.set(path, values);
    const s = weight * (layer.alpha / layer.rank);
    if (ref.layout === "out-in") {
      for (let i = 0; i < delta.length; i++) values[i] = (values[i] as number) + s * (delta[i] as number);
    } else {
      for (let o = 0; o < out; o++)
        for (let j = 0; j < rest; j++)
          values[j * out + o] = (values[j * out + o] as number) + s * (delta[o * rest + j] as number);
    }
  }
  for (const [path, values] of merged)
    writeWeight((weights.get(path) as { tensor: onnxProto.onnx.ITensorProto }).tensor, values);
  return onnx.ModelProto.encode(model).finish();
}

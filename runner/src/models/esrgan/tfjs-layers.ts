/**
 * @module Reading a TensorFlow.js layers model from disk: `model.json` (a Keras functional graph) and its weight
 * shards, concatenated in manifest order and split into named float32 tensors.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** One Keras layer of a functional model. */
export interface KerasLayer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  /** Per call: `[[inboundLayer, nodeIndex, tensorIndex, kwargs], ...]`. */
  inbound_nodes: Array<Array<[string, number, number, unknown?]>>;
}

/** A loaded layers model: its layers in topological order, inputs, outputs and weights by name. */
export interface LayersModel {
  layers: KerasLayer[];
  inputs: string[];
  outputs: string[];
  weights: Map<string, { shape: number[]; data: Float32Array }>;
}

interface ModelJson {
  format?: string;
  modelTopology: {
    model_config: {
      class_name: string;
      config: { layers: KerasLayer[]; input_layers: Array<[string]>; output_layers: Array<[string]> };
    };
  };
  weightsManifest: Array<{
    paths: string[];
    weights: Array<{ name: string; shape: number[]; dtype: string; quantization?: unknown }>;
  }>;
}

/**
 * Loads `model.json` and its shards.
 * @example const model = await readLayersModel("node_modules/@upscalerjs/esrgan-slim/models/x4/model.json")
 */
export async function readLayersModel(modelJsonPath: string): Promise<LayersModel> {
  const json = JSON.parse(await readFile(modelJsonPath, "utf8")) as ModelJson;
  if (json.format !== "layers-model") throw new Error(`${modelJsonPath} is not a TF.js layers model`);
  const config = json.modelTopology.model_config.config;
  const weights = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const group of json.weightsManifest) {
    const shards = await Promise.all(group.paths.map((p) => readFile(join(dirname(modelJsonPath), p))));
    const bytes = Buffer.concat(shards);
    let offset = 0;
    for (const w of group.weights) {
      if (w.dtype !== "float32" || w.quantization) {
        throw new Error(`weight ${w.name}: only unquantized float32 weights are supported, got ${w.dtype}`);
      }
      const count = w.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(count);
      new Uint8Array(data.buffer).set(bytes.subarray(offset, offset + count * 4));
      offset += count * 4;
      weights.set(w.name, { shape: w.shape, data });
    }
    if (offset !== bytes.length) throw new Error(`${modelJsonPath}: ${bytes.length - offset} unused weight bytes`);
  }
  return {
    layers: config.layers,
    inputs: config.input_layers.map((l) => l[0]),
    outputs: config.output_layers.map((l) => l[0]),
    weights,
  };
}

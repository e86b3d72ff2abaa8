/** @module LoRAs: the request field, reading LoRA files, and merging them into ONNX weights. */
export { type LoraFile, type LoraLayer, type LoraTarget, readLora, type SdFamily } from "./lora-file.js";
export { loraDelta, mergeLorasIntoModel } from "./merge.js";
export { indexWeights, inlineExternalData, readWeight, type WeightRef, writeWeight } from "./onnx-weights.js";
export { isSafeLoraId, type LoraRequest, MAX_LORAS, parseLoras } from "./parse-loras.js";
export { readSafetensors, type SafeTensor, type SafeTensors, writeSafetensors } from "./safetensors.js";

/** @module LoRAs: the request field, reading LoRA files, and merging them into ONNX weights. */
export {
  DEFAULT_MAX_LORA_BYTES,
  type LoraFile,
  type LoraLayer,
  type LoraTarget,
  loraIdentity,
  NotALoraError,
  readLora,
  type SdFamily,
} from "./lora-file.js";
export { loraDelta, type MergeControl, type MergedModel, mergeLorasIntoModel } from "./merge.js";
export {
  type ExternalRange,
  externalRange,
  indexWeights,
  readWeight,
  type WeightRef,
  weightBytes,
  writeWeight,
} from "./onnx-weights.js";
export { isSafeLoraId, type LoraRequest, MAX_LORAS, parseLoras } from "./parse-loras.js";
export { readSafetensors, type SafeTensor, type SafeTensors, writeSafetensors } from "./safetensors.js";

/** @module Public entry of @ai-video-subnet/runner. */
export type { components, operations, paths } from "./generated/runner.js";
export {
  type AttrValue,
  bytesPerElement,
  DATA_TYPE_CODE,
  type Dim,
  type ExternalDataOptions,
  float,
  floats,
  GraphBuilder,
  type ModelOptions,
  type OnnxDType,
  rawBytes,
  type SplitModel,
  type TypedArrayOf,
} from "./models/onnx/index.js";

/** @module Writing ONNX models from TypeScript: the graph builder, attribute helpers and element types. */
export { type AttrValue, float, floats } from "./attributes.js";
export {
  type Dim,
  type ExternalDataOptions,
  GraphBuilder,
  type ModelOptions,
  type SplitModel,
} from "./graph-builder.js";
export {
  RGB_INPUT,
  RGB_OUTPUT,
  type RgbInputMapping,
  type RgbMapping,
  withRgbOutput,
  withRgbPixels,
} from "./rgb-output.js";
export { bytesPerElement, DATA_TYPE_CODE, type OnnxDType, rawBytes, type TypedArrayOf } from "./tensor-types.js";

/**
 * @module Runtime ONNX helpers: writing models from TypeScript (the graph builder, attribute helpers, element types),
 * the 8-bit pixel graph surgery and half-precision conversion (sessions: `session.ts`, which loads ONNX Runtime).
 */
export { type AttrValue, float, floats } from "./attributes.js";
export { fromHalfBits, toHalfBits } from "./float16.js";
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

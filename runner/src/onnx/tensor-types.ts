/** @module ONNX element types: the names used across the runner and their `TensorProto.DataType` codes. */

/** Element types the graph builder writes (the ONNX Runtime JS names). */
export type OnnxDType = "float32" | "float16" | "float64" | "int8" | "uint8" | "int32" | "int64" | "bool";

/** The typed array that holds data of each element type (float16 is raw half bits, as ONNX Runtime JS uses). */
export interface TypedArrayOf {
  float32: Float32Array;
  float16: Uint16Array;
  float64: Float64Array;
  int8: Int8Array;
  uint8: Uint8Array;
  int32: Int32Array;
  int64: BigInt64Array;
  bool: Uint8Array;
}

/** `onnx.TensorProto.DataType` codes, from onnx/onnx.proto. */
export const DATA_TYPE_CODE: Record<OnnxDType, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
};

const BYTES: Record<OnnxDType, number> = {
  float32: 4,
  float16: 2,
  float64: 8,
  int8: 1,
  uint8: 1,
  int32: 4,
  int64: 8,
  bool: 1,
};

/**
 * Bytes per element of a type.
 * @example bytesPerElement("float16") // 2
 */
export function bytesPerElement(dtype: OnnxDType): number {
  return BYTES[dtype];
}

/**
 * The little-endian bytes of a typed array, as ONNX `raw_data` wants them (every platform Node runs on is little-endian).
 * @example rawBytes(new Float32Array([1])) // Uint8Array [0, 0, 128, 63]
 */
export function rawBytes(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

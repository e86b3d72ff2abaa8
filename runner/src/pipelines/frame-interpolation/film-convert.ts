/**
 * @module The JS conversions between 8-bit RGB frames and a FILM model's float tensors, for models the graph surgery
 * (`film-pixels.ts`) cannot take. They compute what the surgery's nodes compute, in the same float64 order, so both
 * paths give the same bytes.
 */
import * as ort from "onnxruntime-node";
import { fromHalfBits, toHalfBits } from "../../onnx/float16.js";
import { planesToRgb, rgbToPlanes } from "../../onnx/rgb-output.js";
import { pixelMapping } from "./film-pixels.js";
import type { FilmSignature } from "./film-signature.js";

/**
 * An 8-bit RGB (HWC) canvas as the model's float frame tensor (`[1,H,W,3]` or `[1,3,H,W]`, float32 or float16).
 * @example const x0 = frameTensor(pixels, 128, 64, sig)
 */
export function frameTensor(rgb: Uint8Array, width: number, height: number, sig: FilmSignature): ort.Tensor {
  const { divisor, lo } = pixelMapping(sig);
  let values: Float32Array;
  if (sig.layout === "nchw") values = rgbToPlanes(rgb, width, height, { divisor, offset: lo });
  else {
    values = new Float32Array(rgb.length);
    for (let i = 0; i < rgb.length; i++) values[i] = (rgb[i] as number) / divisor + lo;
  }
  const dims = sig.layout === "nchw" ? [1, 3, height, width] : [1, height, width, 3];
  return sig.dtype === "float16"
    ? new ort.Tensor("float16", toHalfBits(values), dims)
    : new ort.Tensor("float32", values, dims);
}

/**
 * The model's float frame output as 8-bit RGB (HWC): `x · scale + offset`, rounded half to even and clamped.
 * @example const pixels = framePixels(result[sig.output], 128, 64, sig)
 */
export function framePixels(tensor: ort.Tensor, width: number, height: number, sig: FilmSignature): Uint8Array {
  const { scale, offset } = pixelMapping(sig);
  const values = tensor.type === "float16" ? fromHalfBits(tensor.data as Uint16Array) : (tensor.data as Float32Array);
  if (sig.layout === "nchw") return planesToRgb(values, width, height, { scale, offset });
  // A clamped array rounds half to even and clamps on assignment, as the graph's Round and Clip do.
  const out = new Uint8ClampedArray(width * height * 3);
  for (let i = 0; i < out.length; i++) out[i] = (values[i] as number) * scale + offset;
  return new Uint8Array(out.buffer);
}

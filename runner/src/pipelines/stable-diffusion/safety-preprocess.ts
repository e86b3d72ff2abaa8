/**
 * @module The safety checker's input preparation as a small ONNX model of its own, run by ONNX Runtime instead of
 * JavaScript: from the generated 8-bit RGB image it makes the checker's `images` (value / 255, HWC) and `clip_input`
 * the way diffusers' `CLIPImageProcessor` does with PIL — shortest side resized to 224 with PIL's bicubic filter
 * (a = −0.5, stretched when shrinking, edge taps renormalised: ONNX `Resize` with `cubic_coeff_a` −0.5,
 * `exclude_outside` 1, `antialias` 1, `half_pixel`), in PIL's two passes (columns, then rows) each rounded half up to
 * 8 bits, the centre 224×224 cropped, then scaled to 0…1 and normalised with CLIP's mean and std (in float64, so a
 * byte gives the same value as the JS table). Against Pillow 9.4 itself every value is within one 8-bit level, and
 * 96.6–100 % are equal on the test cards: PIL's fixed-point coefficients and ONNX Runtime's float32 break exact
 * halves differently. (a = −0.75, PyTorch's, is off by up to 3.)
 * It is a separate session rather than nodes prepended to the checker: the checker keeps loading from its file
 * (external weights included, no second in-memory copy of its 1.2 GB), and `antialias` needs opset 18, which the
 * checker's own exports (opset 14) cannot take.
 */
import type * as ort from "onnxruntime-node";
import { float } from "../../onnx/attributes.js";
import { GraphBuilder } from "../../onnx/graph-builder.js";
import { DATA_TYPE_CODE, type OnnxDType } from "../../onnx/tensor-types.js";
import { describe, requireValue } from "./session-io.js";

/** CLIP's side, mean and std (`CLIPImageProcessor` of SD's safety checker). */
export const CLIP_SIDE = 224;
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

/** The resize target and centre crop of one image size. */
export interface ClipGeometry {
  /** Height and width after resizing the shortest side to 224. */
  resized: [number, number];
  /** Top-left corner of the 224×224 crop in the resized image. */
  top: number;
  left: number;
}

/**
 * transformers' `get_resize_output_image_size` (shortest edge 224, `int()` of the long side) and `center_crop`
 * (`(size − 224) // 2`).
 *
 * @example
 * clipGeometry(768, 512); // { resized: [224, 336], top: 0, left: 56 }
 */
export function clipGeometry(width: number, height: number): ClipGeometry {
  const short = Math.min(width, height);
  const long = Math.trunc((CLIP_SIDE * Math.max(width, height)) / short);
  const resized: [number, number] = width <= height ? [long, CLIP_SIDE] : [CLIP_SIDE, long];
  return {
    resized,
    top: Math.floor((resized[0] - CLIP_SIDE) / 2),
    left: Math.floor((resized[1] - CLIP_SIDE) / 2),
  };
}

/**
 * The preparation model: `pixels` uint8 [B,H,W,3]; the geometry of {@link clipGeometry} as int64 tensors —
 * `column_sizes` [4] (B, 3, H, resized W) and `resize_sizes` [4] (B, 3, resized H, resized W) for the two passes,
 * `crop_starts` / `crop_ends` [2] (row, column) — → `clip_input` [B,3,224,224] and `images` [B,H,W,3], each in the
 * float type the checker declares. No float tensor is larger than a resized row pass of 224 columns.
 *
 * @example
 * const session = await ort.InferenceSession.create(safetyPreprocessModel("float32", "float32"));
 */
export function safetyPreprocessModel(clipType: OnnxDType, imagesType: OnnxDType): Uint8Array {
  const g = new GraphBuilder("avs-safety-preprocess");
  const pixels = g.input("pixels", "uint8", ["batch", "height", "width", 3]);
  const columnSizes = g.input("column_sizes", "int64", [4]);
  const sizes = g.input("resize_sizes", "int64", [4]);
  const starts = g.input("crop_starts", "int64", [2]);
  const ends = g.input("crop_ends", "int64", [2]);
  const double = (name: string, values: number[], dims: number[]) =>
    g.initializer(name, "float64", dims, Float64Array.from(values));
  const cast = (x: string, to: OnnxDType) => g.node("Cast", [x], { to: DATA_TYPE_CODE[to] });
  const toFloat = (x: string, to: OnnxDType) => (to === "float32" ? cast(x, "float32") : cast(cast(x, "float32"), to));
  const v255 = double("v255", [255], []);

  const unit = g.node("Div", [cast(pixels, "float64"), v255]);
  g.output(toFloat(unit, imagesType), "images", imagesType, ["batch", "height", "width", 3]);

  const nchw = g.node("Transpose", [cast(pixels, "float32")], { perm: [0, 3, 1, 2] });
  const half = g.initializer("half", "float32", [], Float32Array.of(0.5));
  const zero = g.initializer("zero", "float32", [], Float32Array.of(0));
  const max = g.initializer("max", "float32", [], Float32Array.of(255));
  const toByte = (x: string) => g.node("Clip", [g.node("Floor", [g.node("Add", [x, half])]), zero, max]);
  const resize = (x: string, to: string) =>
    g.node("Resize", [x, "", "", to], {
      mode: "cubic",
      cubic_coeff_a: float(-0.5),
      exclude_outside: 1,
      antialias: 1,
      coordinate_transformation_mode: "half_pixel",
    });
  // The crop is taken as early as the result allows, bytes unchanged: the columns after the first pass (the second
  // resizes each column on its own), the rows before the second pass's rounding (per value). Cropping at the end
  // held the whole resized image in float32 four times: 1.2 GB for one 4096×8 image (224 × 114688).
  const int64 = (name: string, values: bigint[]) =>
    g.initializer(name, "int64", [values.length], BigInt64Array.from(values));
  const [first, second, third] = [int64("i0", [0n]), int64("i1", [1n]), int64("i2", [2n])];
  const rowOf = (x: string) => g.node("Slice", [x, first, second]);
  const columnOf = (x: string) => g.node("Slice", [x, second, third]);
  const columns = toByte(resize(nchw, columnSizes));
  const cropped = g.node("Slice", [columns, columnOf(starts), columnOf(ends), int64("column_axis", [3n])]);
  const leading = g.node("Slice", [sizes, first, int64("i3", [3n])]);
  const rowSizes = g.node("Concat", [leading, int64("side", [BigInt(CLIP_SIDE)])], { axis: 0 });
  const rows = g.node("Slice", [resize(cropped, rowSizes), rowOf(starts), rowOf(ends), int64("row_axis", [2n])]);
  const bytes = toByte(rows);
  const centred = g.node("Sub", [
    g.node("Div", [cast(bytes, "float64"), v255]),
    double("mean", CLIP_MEAN, [1, 3, 1, 1]),
  ]);
  const normalised = g.node("Div", [centred, double("std", CLIP_STD, [1, 3, 1, 1])]);
  g.output(toFloat(normalised, clipType), "clip_input", clipType, ["batch", 3, CLIP_SIDE, CLIP_SIDE]);
  return g.toBytes({ opset: 18 });
}

/**
 * {@link safetyPreprocessModel} for a loaded safety checker: the element types of its `clip_input` and `images`.
 *
 * @example
 * const preprocess = await open(safetyPreprocessModelFor(checker), "cpu");
 */
export function safetyPreprocessModelFor(checker: ort.InferenceSession): Uint8Array {
  const inputs = describe(checker, "input");
  const type = (name: string) => requireValue(inputs, name, "safety_checker").type as OnnxDType;
  return safetyPreprocessModel(type("clip_input"), type("images"));
}

/**
 * @module The image encoder's input, prepared as diffusers' `StableVideoDiffusionPipeline._encode_image` does, in a
 * small ONNX model of its own (run by ONNX Runtime rather than as JavaScript loops over every pixel): the conditioning
 * image at its own size as floats (`/255`, then `·2 − 1`), `_resize_with_antialiasing` to 224×224 — a separable
 * Gaussian blur with reflect padding whose σ per axis is max((size/224 − 1)/2, 0.001) and whose odd kernel size is
 * int(max(4σ, 3)) (kornia's `gaussian_blur2d`, σ from skimage's rule), then PyTorch's bicubic interpolation with
 * `align_corners=True` (cubic a = −0.75, edge samples clamped: ONNX `Resize` cubic, `align_corners`,
 * `exclude_outside` 0) — then `(x + 1)/2` and CLIP's normalisation `(x − mean)/std` with the mean and std of
 * `feature_extractor/preprocessor_config.json` (`CLIPImageProcessor` with resize, crop and rescale off).
 * The blur kernels depend on the image's size, so they are inputs computed here ({@link clipBlur}).
 */
import { GraphBuilder } from "../../models/onnx/graph-builder.js";
import { DATA_TYPE_CODE, type OnnxDType } from "../../models/onnx/tensor-types.js";

/** The blur of one image size: a kernel and padding per axis, as the preparation model's inputs take them. */
export interface ClipBlur {
  /** `kernel_x` [3,1,1,kx] (the same normalised Gaussian for each channel). */
  kernelX: Float32Array;
  /** `kernel_y` [3,1,ky,1]. */
  kernelY: Float32Array;
  kx: number;
  ky: number;
  /** ONNX `Pad` pads of the horizontal and vertical passes (NCHW begins, then ends). */
  padsX: BigInt64Array;
  padsY: BigInt64Array;
}

/**
 * kornia's `get_gaussian_kernel1d` in float32: exp(−x²/(2σ²)) at x = i − size//2, normalised to sum to one.
 *
 * @example
 * gaussianKernel(3, 0.001); // Float32Array [0, 1, 0]
 */
export function gaussianKernel(size: number, sigma: number): Float32Array {
  const s = Math.fround(sigma);
  const raw = new Float32Array(size);
  const half = Math.floor(size / 2);
  for (let i = 0; i < size; i++) {
    const x = i - half + (size % 2 === 0 ? 0.5 : 0);
    raw[i] = Math.exp(Math.fround(-(x * x)) / Math.fround(2 * Math.fround(s * s)));
  }
  let total = 0;
  for (const v of raw) total += v;
  return raw.map((v) => v / Math.fround(total));
}

/**
 * σ and kernel size of one axis of `_resize_with_antialiasing` from `size` pixels to `target`.
 *
 * @example
 * blurAxis(1024, 224); // { sigma: 1.7857…, size: 7 }
 */
export function blurAxis(size: number, target: number): { sigma: number; size: number } {
  const sigma = Math.max((size / target - 1) / 2, 0.001);
  let k = Math.trunc(Math.max(2 * 2 * sigma, 3));
  if (k % 2 === 0) k += 1;
  return { sigma, size: k };
}

/**
 * The blur inputs for an image of `width`×`height` resized to `side`×`side`.
 *
 * @example
 * clipBlur(1024, 576).kx; // 7
 */
export function clipBlur(width: number, height: number, side = 224): ClipBlur {
  const x = blurAxis(width, side);
  const y = blurAxis(height, side);
  const repeat = (k: Float32Array) => {
    const out = new Float32Array(3 * k.length);
    for (let c = 0; c < 3; c++) out.set(k, c * k.length);
    return out;
  };
  const half = (k: number) => BigInt((k - 1) / 2);
  return {
    kernelX: repeat(gaussianKernel(x.size, x.sigma)),
    kernelY: repeat(gaussianKernel(y.size, y.sigma)),
    kx: x.size,
    ky: y.size,
    padsX: BigInt64Array.of(0n, 0n, 0n, half(x.size), 0n, 0n, 0n, half(x.size)),
    padsY: BigInt64Array.of(0n, 0n, half(y.size), 0n, 0n, 0n, half(y.size), 0n),
  };
}

/**
 * The preparation model: `pixels` uint8 [1,H,W,3], `kernel_x`, `kernel_y`, `pads_x`, `pads_y` (from
 * {@link clipBlur}) → `pixel_values` [1,3,side,side] in the image encoder's float type.
 *
 * @example
 * const session = await ort.InferenceSession.create(clipPreprocessModel({ mean, std, side: 224, type: "float32" }));
 */
export function clipPreprocessModel(o: {
  mean: readonly number[];
  std: readonly number[];
  side: number;
  type: OnnxDType;
}): Uint8Array {
  const g = new GraphBuilder("avs-svd-clip-preprocess");
  const pixels = g.input("pixels", "uint8", [1, "height", "width", 3]);
  const kernelX = g.input("kernel_x", "float32", [3, 1, 1, "kx"]);
  const kernelY = g.input("kernel_y", "float32", [3, 1, "ky", 1]);
  const padsX = g.input("pads_x", "int64", [8]);
  const padsY = g.input("pads_y", "int64", [8]);
  const scalar = (name: string, v: number) => g.initializer(name, "float32", [], Float32Array.of(v));
  const one = scalar("one", 1);
  const two = scalar("two", 2);
  const planes = g.node("Transpose", [g.node("Cast", [pixels], { to: DATA_TYPE_CODE.float32 })], {
    perm: [0, 3, 1, 2],
  });
  // pil_to_numpy (/255), then image·2 − 1 before resizing, as the pipeline does "to match the original implementation".
  const signed = g.node("Sub", [g.node("Mul", [g.node("Div", [planes, scalar("v255", 255)]), two]), one]);
  const blur = (x: string, pads: string, kernel: string) =>
    g.node("Conv", [g.node("Pad", [x, pads], { mode: "reflect" }), kernel], { group: 3 });
  const blurred = blur(blur(signed, padsX, kernelX), padsY, kernelY);
  const sizes = g.initializer("sizes", "int64", [4], BigInt64Array.of(1n, 3n, BigInt(o.side), BigInt(o.side)));
  const resized = g.node("Resize", [blurred, "", "", sizes], {
    mode: "cubic",
    cubic_coeff_a: -0.75,
    coordinate_transformation_mode: "align_corners",
    exclude_outside: 0,
  });
  const unit = g.node("Div", [g.node("Add", [resized, one]), two]);
  const channel = (name: string, v: readonly number[]) =>
    g.initializer(name, "float32", [1, 3, 1, 1], Float32Array.from(v));
  const normalised = g.node("Div", [g.node("Sub", [unit, channel("mean", o.mean)]), channel("std", o.std)]);
  const out = o.type === "float32" ? normalised : g.node("Cast", [normalised], { to: DATA_TYPE_CODE[o.type] });
  g.output(out, "pixel_values", o.type, [1, 3, o.side, o.side]);
  return g.toBytes({ opset: 17 });
}

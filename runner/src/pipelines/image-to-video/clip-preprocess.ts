/**
 * @module The image encoder's input, prepared as diffusers' `StableVideoDiffusionPipeline._encode_image` does, in a
 * small ONNX model of its own (run by ONNX Runtime rather than as JavaScript loops over every pixel): the conditioning
 * image at its own size as floats (`/255`, then `·2 − 1`), `_resize_with_antialiasing` to 224×224 — a separable
 * Gaussian blur with reflect padding whose σ per axis is max((size/224 − 1)/2, 0.001) and whose odd kernel size is
 * int(max(4σ, 3)) (kornia's `gaussian_blur2d`, σ from skimage's rule), then PyTorch's bicubic interpolation with
 * `align_corners=True` (Keys' cubic, A = −0.75, on the four neighbours of src = dst·(in − 1)/(out − 1), indices
 * clamped) — then `(x + 1)/2` and CLIP's normalisation `(x − mean)/std` with the mean and std of
 * `feature_extractor/preprocessor_config.json` (`CLIPImageProcessor` with resize, crop and rescale off).
 *
 * Blur and interpolation are both linear and separable, so along each axis they fold into one resampling: each output
 * sample is a weighted sum of a few input samples (the blur's taps around each of the four cubic taps, reflected at
 * the border). Those indices and weights depend only on the image's size; they are computed here
 * ({@link clipResample}) and the graph applies them with `Gather`, `Mul` and `ReduceSum` — ONNX Runtime's cubic
 * `Resize` took 100–400 ms per image on this machine, the folded form a few ms. At load the model is prepended to
 * the image encoder's graph ({@link encoderWithPreparation}), so both run in one `session.run`.
 */
import { GraphBuilder } from "../../onnx/graph-builder.js";
import { prependGraph } from "../../onnx/prepend-graph.js";
import { DATA_TYPE_CODE, type OnnxDType } from "../../onnx/tensor-types.js";
import type { ValueInfo } from "../stable-diffusion/session-io.js";
import type { SvdModelIndex } from "./svd-model-index.js";

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
 * PyTorch's bicubic weights (`cubic_convolution1`/`2`, A = −0.75) of the four taps floor(src) − 1 … + 2 at fraction t.
 *
 * @example
 * cubicWeights(0); // [0, 1, 0, 0]
 */
export function cubicWeights(t: number): [number, number, number, number] {
  const A = -0.75;
  const near = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1;
  const far = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

/** Index `i` reflected into 0 … n − 1 the way `pad(mode="reflect")` does (the edge sample is not repeated). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  let r = i;
  while (r < 0 || r >= n) r = r < 0 ? -r : 2 * (n - 1) - r;
  return r;
}

/** One axis of the folded blur + bicubic resampling: `taps` input indices and weights per output sample. */
export interface AxisResample {
  taps: number;
  /** [target, taps] input indices (unused taps point at 0 with weight 0). */
  index: BigInt64Array;
  /** [target, taps] weights; each row sums to one. */
  weight: Float32Array;
}

/**
 * The blur of {@link blurAxis} followed by bicubic `align_corners` interpolation, from `size` samples to `target`,
 * as taps per output sample (weights of the same input index summed).
 *
 * @example
 * resampleAxis(224, 224).taps; // 1: the identity
 */
export function resampleAxis(size: number, target: number): AxisResample {
  const { sigma, size: ks } = blurAxis(size, target);
  const kernel = gaussianKernel(ks, sigma);
  const half = (ks - 1) / 2;
  const rows: Map<number, number>[] = [];
  for (let o = 0; o < target; o++) {
    const src = target === 1 ? 0 : (o * (size - 1)) / (target - 1);
    const i0 = Math.floor(src);
    const cubic = cubicWeights(src - i0);
    const row = new Map<number, number>();
    for (let j = 0; j < 4; j++) {
      const c = cubic[j] as number;
      if (c === 0) continue;
      const q = Math.min(Math.max(i0 - 1 + j, 0), size - 1);
      for (let k = 0; k < ks; k++) {
        const g = kernel[k] as number;
        if (g === 0) continue;
        const r = reflect(q + k - half, size);
        row.set(r, (row.get(r) ?? 0) + c * g);
      }
    }
    rows.push(row);
  }
  const taps = Math.max(...rows.map((r) => r.size));
  const index = new BigInt64Array(target * taps);
  const weight = new Float32Array(target * taps);
  rows.forEach((row, o) => {
    let t = 0;
    for (const [i, w] of row) {
      index[o * taps + t] = BigInt(i);
      weight[o * taps + t] = w;
      t++;
    }
  });
  return { taps, index, weight };
}

/**
 * Both axes' resampling for an image of `width`×`height` resized to `side`×`side`.
 *
 * @example
 * clipResample(1024, 576).x.taps; // 10: 7 blur taps around 4 cubic taps one pixel apart
 */
export function clipResample(width: number, height: number, side = 224): { x: AxisResample; y: AxisResample } {
  return { x: resampleAxis(width, side), y: resampleAxis(height, side) };
}

/**
 * The preparation model: `pixels` uint8 [1,H,W,3], `index_x`/`weight_x` [side, taps_x] and `index_y`/`weight_y`
 * [side, taps_y] (from {@link clipResample}) → `pixel_values` [1,3,side,side] in the image encoder's float type.
 * It resamples the 8-bit pixels first (gathering bytes, so the only full-size float tensor has the taps of one axis)
 * and maps to CLIP's range after: each output is a weighted mean of inputs (its weights sum to one), so
 * ((mean of x/255·2 − 1) + 1)/2 = (mean of x)/255, as diffusers' order computes it up to float rounding.
 *
 * @example
 * const session = await ort.InferenceSession.create(clipPreprocessModel({ mean, std, side: 224, type: "float32" }));
 */
export function clipPreprocessModel(o: {
  mean: readonly number[];
  std: readonly number[];
  side: number;
  type: OnnxDType;
  /** Default-domain opset of the model (default 17; 13 or above: `ReduceSum` takes its axes as an input). */
  opset?: number;
}): Uint8Array {
  const g = new GraphBuilder("avs-svd-clip-preprocess");
  const pixels = g.input("pixels", "uint8", [1, "height", "width", 3]);
  const indexX = g.input("index_x", "int64", [o.side, "taps_x"]);
  const weightX = g.input("weight_x", "float32", [o.side, "taps_x"]);
  const indexY = g.input("index_y", "int64", [o.side, "taps_y"]);
  const weightY = g.input("weight_y", "float32", [o.side, "taps_y"]);
  const ints = (name: string, v: number[]) =>
    g.initializer(name, "int64", [v.length], BigInt64Array.from(v.map(BigInt)));
  const float = (x: string) => g.node("Cast", [x], { to: DATA_TYPE_CODE.float32 });
  // Σ_t w[o,t]·x[…, idx[o,t], …]: gather the taps (a new axis after the resampled one), weigh, sum them away.
  const resample = (x: string, index: string, weight: string, axis: number, weightShape: number[]) =>
    g.node(
      "ReduceSum",
      [
        g.node("Mul", [
          float(g.node("Gather", [x, index], { axis })),
          g.node("Reshape", [weight, ints(`w${axis}`, weightShape)]),
        ]),
        ints(`taps${axis}`, [axis + 1]),
      ],
      { keepdims: 0 },
    );
  // [1,H,W,3] → x: gather [1,H,side,tx,3] → [1,H,side,3] → y: gather [1,side,ty,side,3] → [1,side,side,3]
  const alongX = resample(pixels, indexX, weightX, 2, [o.side, -1, 1]);
  const resized = resample(alongX, indexY, weightY, 1, [o.side, -1, 1, 1]);
  const planes = g.node("Transpose", [resized], { perm: [0, 3, 1, 2] });
  const channel = (name: string, v: readonly number[]) =>
    g.initializer(name, "float32", [1, 3, 1, 1], Float32Array.from(v));
  const unit = g.node("Div", [planes, g.initializer("v255", "float32", [], Float32Array.of(255))]);
  const normalised = g.node("Div", [g.node("Sub", [unit, channel("mean", o.mean)]), channel("std", o.std)]);
  const out = o.type === "float32" ? normalised : g.node("Cast", [normalised], { to: DATA_TYPE_CODE[o.type] });
  g.output(out, "pixel_values", o.type, [1, 3, o.side, o.side]);
  return g.toBytes({ opset: o.opset ?? 17 });
}

/**
 * The image encoder's pixel input: `pixel_values`, else its first.
 *
 * @example
 * encoderInput(["pixel_values"]); // "pixel_values"
 */
export const encoderInput = (names: readonly string[]) =>
  (names.includes("pixel_values") ? "pixel_values" : names[0]) ?? "";

/**
 * The image encoder with the CLIP preparation prepended to its graph (see clip-preprocess.ts), and the encoder's own
 * pixel input; or the reason it stays two sessions (external weights, an opset below 13, whose ReduceSum takes no
 * axes input, a pixel input that is not float).
 *
 * @example
 * const prepared = encoderWithPreparation(await readFile("image_encoder/model.onnx"), index);
 * if ("bytes" in prepared) encoder = await ort.InferenceSession.create(prepared.bytes);
 */
export function encoderWithPreparation(
  bytes: Uint8Array,
  index: SvdModelIndex,
): { bytes: Uint8Array; pixelValues: ValueInfo } | { reason: string } {
  const merged = prependGraph(bytes, encoderInput, (t) => {
    if (t.opset < 13) return { reason: `its opset ${t.opset} is below 13` };
    if (t.type !== "float32" && t.type !== "float16") return { reason: `its input ${t.name} is not float` };
    const side = t.shape[2];
    return clipPreprocessModel({
      mean: index.imageMean,
      std: index.imageStd,
      side: typeof side === "number" ? side : 224,
      type: t.type,
      opset: t.opset,
    });
  });
  if (!merged.bytes) return { reason: merged.reason };
  return {
    bytes: merged.bytes,
    pixelValues: { name: merged.target.name, type: merged.target.type ?? "?", shape: merged.target.shape },
  };
}

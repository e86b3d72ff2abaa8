/**
 * @module The image encoder's input, prepared as diffusers' `StableVideoDiffusionPipeline._encode_image` does: the
 * conditioning image at its own size as floats (`/255`, then `·2 − 1`), `_resize_with_antialiasing` to 224×224 — a
 * separable Gaussian blur with reflect padding whose σ per axis is max((size/224 − 1)/2, 0.001) and whose odd kernel
 * size is int(max(4σ, 3)) (kornia's `gaussian_blur2d`, σ from skimage's rule), then PyTorch's bicubic interpolation
 * with `align_corners=True` (Keys' cubic, A = −0.75, on the four neighbours of src = dst·(in − 1)/(out − 1), indices
 * clamped) — then `(x + 1)/2` and CLIP's normalisation `(x − mean)/std` with the mean and std of
 * `feature_extractor/preprocessor_config.json` (`CLIPImageProcessor` with resize, crop and rescale off).
 *
 * Blur and interpolation are both linear and separable, so along each axis they fold into one resampling: each output
 * sample is a weighted sum of a few input samples (the blur's taps around each of the four cubic taps, reflected at
 * the border). Those indices and weights depend only on the image's size ({@link clipResample}); applying them is a
 * few multiply-adds per output sample ({@link clipPixelValues}): 0.5 ms for a 64×64 upload and 3.7–3.8 ms for
 * 1024×576 here (1.0 and 4.6 ms with one tap at a time), where the same taps as an ONNX graph (Gather, Mul,
 * ReduceSum) took 2–3.5 ms and 31–78 ms, and ONNX Runtime's cubic `Resize` 100–400 ms. Upscaling (an axis shorter
 * than 224 px), σ is 0.001 and the float32 kernel is exactly [0, 1, 0]: its zero taps are dropped when the taps are
 * folded, so the blur costs nothing there and each output reads the 4 cubic taps alone.
 */
import type { RgbImage } from "../../image/decode.js";

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
  index: Int32Array;
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
  const index = new Int32Array(target * taps);
  const weight = new Float32Array(target * taps);
  rows.forEach((row, o) => {
    let t = 0;
    for (const [i, w] of row) {
      index[o * taps + t] = i;
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

/** CLIP's normalisation and the square side the image encoder takes. */
export interface ClipNormalisation {
  mean: readonly number[];
  std: readonly number[];
  side: number;
}

/**
 * `pixel_values` [3, side, side] (planar, float32) of `image` (8-bit RGB, interleaved): resampled along x, then y,
 * with `resample`'s taps, then mapped to CLIP's range. It resamples the 8-bit values first: each output is a weighted
 * mean of inputs (its weights sum to one), so ((mean of x/255·2 − 1) + 1)/2 = (mean of x)/255, as diffusers' order
 * computes it up to float rounding. `buffers` lends the output (3·side² floats) and the scratch of the first pass
 * (height·side·3 floats) so steady traffic allocates nothing; missing or short ones are allocated.
 *
 * Each output is 0 + w₀·x₀ + w₁·x₁ + … summed in float64 in tap order (every product is exact: a float32 weight
 * times a byte or a float32), so the result does not depend on how the loops are arranged. They are arranged for
 * speed: per output column (x) or row (y) the taps' weights and offsets are read once, four at a time, and the loop
 * runs along the other axis; taps beyond four continue from a float64 row of partial sums, in the same order. A
 * padded tap (weight 0, when fewer than four are left) adds ±0, which leaves every sum as it was. The two passes
 * repeat the same four-tap step on purpose: one function for both, its sums kept in a float64 row and then stored or
 * normalised, measured 1.7× slower (0.85 against 0.50 ms at 64×64).
 *
 * @example
 * const values = clipPixelValues(image, clipResample(image.width, image.height), { mean, std, side: 224 });
 */
export function clipPixelValues(
  image: RgbImage,
  resample: { x: AxisResample; y: AxisResample },
  norm: ClipNormalisation,
  buffers: { out?: Float32Array; scratch?: Float32Array } = {},
): Float32Array {
  const { width, height, pixels } = image;
  const { side } = norm;
  const { x, y } = resample;
  if (x.index.length !== side * x.taps || y.index.length !== side * y.taps) {
    throw new RangeError(`the resampling taps are for another side than ${side}`);
  }
  const plane = side * side;
  const out = buffers.out && buffers.out.length >= 3 * plane ? buffers.out : new Float32Array(3 * plane);
  const needed = height * side * 3;
  const wide = buffers.scratch && buffers.scratch.length >= needed ? buffers.scratch : new Float32Array(needed);
  const partial = x.taps > 4 || y.taps > 4 ? partialSums(3 * Math.max(height, side)) : EMPTY;
  alongX(pixels, width, height, x, side, wide, partial);
  alongY(wide, y, side, norm, out, partial);
  return out;
}

const EMPTY = new Float64Array(0);
let partials = EMPTY;

/** A float64 scratch row of at least `n` values for sums over more than four taps (grown, never shrunk). */
function partialSums(n: number): Float64Array {
  if (partials.length < n) partials = new Float64Array(n);
  return partials;
}

/** Along x: [height, width, 3] bytes → [height, side, 3] floats, one output column at a time. */
function alongX(
  pixels: Uint8Array,
  width: number,
  height: number,
  x: AxisResample,
  side: number,
  wide: Float32Array,
  partial: Float64Array,
): void {
  const { taps, index, weight } = x;
  const rowIn = width * 3;
  const rowOut = side * 3;
  for (let o = 0; o < side; o++) {
    for (let t = 0; t < taps; t += 4) {
      const k = o * taps + t;
      const n = taps - t;
      const w0 = weight[k] as number;
      const w1 = n > 1 ? (weight[k + 1] as number) : 0;
      const w2 = n > 2 ? (weight[k + 2] as number) : 0;
      const w3 = n > 3 ? (weight[k + 3] as number) : 0;
      const b0 = (index[k] as number) * 3;
      const b1 = n > 1 ? (index[k + 1] as number) * 3 : b0;
      const b2 = n > 2 ? (index[k + 2] as number) * 3 : b0;
      const b3 = n > 3 ? (index[k + 3] as number) * 3 : b0;
      const first = t === 0;
      const last = n <= 4;
      for (let r = 0, s = 0, d = o * 3, q = 0; r < height; r++, s += rowIn, d += rowOut, q += 3) {
        const a0 =
          (first ? 0 : (partial[q] as number)) +
          w0 * (pixels[s + b0] as number) +
          w1 * (pixels[s + b1] as number) +
          w2 * (pixels[s + b2] as number) +
          w3 * (pixels[s + b3] as number);
        const a1 =
          (first ? 0 : (partial[q + 1] as number)) +
          w0 * (pixels[s + b0 + 1] as number) +
          w1 * (pixels[s + b1 + 1] as number) +
          w2 * (pixels[s + b2 + 1] as number) +
          w3 * (pixels[s + b3 + 1] as number);
        const a2 =
          (first ? 0 : (partial[q + 2] as number)) +
          w0 * (pixels[s + b0 + 2] as number) +
          w1 * (pixels[s + b1 + 2] as number) +
          w2 * (pixels[s + b2 + 2] as number) +
          w3 * (pixels[s + b3 + 2] as number);
        if (last) {
          wide[d] = a0;
          wide[d + 1] = a1;
          wide[d + 2] = a2;
        } else {
          partial[q] = a0;
          partial[q + 1] = a1;
          partial[q + 2] = a2;
        }
      }
    }
  }
}

/** Along y: [height, side, 3] → [side, side] per channel, then /255 and CLIP's mean and std, one output row at a time. */
function alongY(
  wide: Float32Array,
  y: AxisResample,
  side: number,
  norm: ClipNormalisation,
  out: Float32Array,
  partial: Float64Array,
): void {
  const { taps, index, weight } = y;
  const [m0, m1, m2] = [0, 1, 2].map((c) => norm.mean[c] as number) as [number, number, number];
  const [s0, s1, s2] = [0, 1, 2].map((c) => norm.std[c] as number) as [number, number, number];
  const plane = side * side;
  const row = side * 3;
  for (let o = 0; o < side; o++) {
    for (let t = 0; t < taps; t += 4) {
      const k = o * taps + t;
      const n = taps - t;
      const w0 = weight[k] as number;
      const w1 = n > 1 ? (weight[k + 1] as number) : 0;
      const w2 = n > 2 ? (weight[k + 2] as number) : 0;
      const w3 = n > 3 ? (weight[k + 3] as number) : 0;
      const b0 = (index[k] as number) * row;
      const b1 = n > 1 ? (index[k + 1] as number) * row : b0;
      const b2 = n > 2 ? (index[k + 2] as number) * row : b0;
      const b3 = n > 3 ? (index[k + 3] as number) * row : b0;
      const first = t === 0;
      const last = n <= 4;
      for (let j = 0, d = o * side; j < row; j += 3, d++) {
        const a0 =
          (first ? 0 : (partial[j] as number)) +
          w0 * (wide[b0 + j] as number) +
          w1 * (wide[b1 + j] as number) +
          w2 * (wide[b2 + j] as number) +
          w3 * (wide[b3 + j] as number);
        const a1 =
          (first ? 0 : (partial[j + 1] as number)) +
          w0 * (wide[b0 + j + 1] as number) +
          w1 * (wide[b1 + j + 1] as number) +
          w2 * (wide[b2 + j + 1] as number) +
          w3 * (wide[b3 + j + 1] as number);
        const a2 =
          (first ? 0 : (partial[j + 2] as number)) +
          w0 * (wide[b0 + j + 2] as number) +
          w1 * (wide[b1 + j + 2] as number) +
          w2 * (wide[b2 + j + 2] as number) +
          w3 * (wide[b3 + j + 2] as number);
        if (last) {
          out[d] = (a0 / 255 - m0) / s0;
          out[plane + d] = (a1 / 255 - m1) / s1;
          out[2 * plane + d] = (a2 / 255 - m2) / s2;
        } else {
          partial[j] = a0;
          partial[j + 1] = a1;
          partial[j + 2] = a2;
        }
      }
    }
  }
}

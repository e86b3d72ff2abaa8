/**
 * @module A test reference, in plain TypeScript, of what diffusers' SVD pipeline feeds its image encoder — written from
 * the documented behaviour of the pieces it calls, independently of the ONNX graph of clip-preprocess.ts: pixels / 255
 * in float32, ·2 − 1; kornia's separable Gaussian blur (`filter2d`, reflect padding) with diffusers' σ and kernel
 * sizes; PyTorch's `interpolate(mode="bicubic", align_corners=True)` (Keys' cubic with A = −0.75 on the four
 * neighbours of src = dst·(in − 1)/(out − 1), indices clamped to the image); (x + 1)/2; (x − mean)/std. Sums and
 * coordinates are exact (float64) here; PyTorch and ONNX Runtime each round the coordinate to float32 in their own
 * order, which moves a sample by up to ~1e-4 px on a 1000 px side. Used by tests only.
 */
import type { RgbImage } from "../../image/decode.js";
import { blurAxis, gaussianKernel } from "./clip-preprocess.js";

const f32 = Math.fround;

/** Keys' cubic convolution kernel with A = −0.75 (PyTorch's), at a distance from the sample point. */
function keys(distance: number): number {
  const A = -0.75;
  const d = Math.abs(distance);
  if (d <= 1) return ((A + 2) * d - (A + 3)) * d * d + 1;
  if (d < 2) return A * d * d * d - 5 * A * d * d + 8 * A * d - 4 * A;
  return 0;
}

/** Reflect-padded index (torch's `reflect`: the edge sample is not repeated). */
function reflect(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

/** One separable blur pass over [3,h,w] planes along `axis`. */
function blurPass(src: Float32Array, w: number, h: number, kernel: Float32Array, axis: "x" | "y"): Float32Array {
  const out = new Float32Array(src.length);
  const half = (kernel.length - 1) / 2;
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let k = 0; k < kernel.length; k++) {
          const yy = axis === "y" ? reflect(y + k - half, h) : y;
          const xx = axis === "x" ? reflect(x + k - half, w) : x;
          s += (kernel[k] as number) * (src[(c * h + yy) * w + xx] as number);
        }
        out[(c * h + y) * w + x] = s;
      }
  return out;
}

/**
 * The image encoder's `pixel_values` [3,side,side] for `image`, computed as diffusers does.
 *
 * @example
 * const expected = clipPixelValuesReference(image, CLIP_MEAN, CLIP_STD);
 */
export function clipPixelValuesReference(
  image: RgbImage,
  mean: readonly number[],
  std: readonly number[],
  side = 224,
): Float32Array {
  const { width: w, height: h, pixels } = image;
  let planes: Float32Array = new Float32Array(3 * w * h);
  for (let i = 0; i < w * h; i++)
    for (let c = 0; c < 3; c++) planes[c * w * h + i] = f32(f32(f32((pixels[3 * i + c] as number) / 255) * 2) - 1);
  const bx = blurAxis(w, side);
  const by = blurAxis(h, side);
  planes = blurPass(planes, w, h, gaussianKernel(bx.size, bx.sigma), "x");
  planes = blurPass(planes, w, h, gaussianKernel(by.size, by.sigma), "y");
  const out = new Float32Array(3 * side * side);
  const clamp = (i: number, n: number) => Math.min(Math.max(i, 0), n - 1);
  for (let oy = 0; oy < side; oy++) {
    const sy = (oy * (h - 1)) / (side - 1);
    const y0 = Math.floor(sy);
    const wy = [1, 0, -1, -2].map((k) => keys(sy - y0 + k));
    for (let ox = 0; ox < side; ox++) {
      const sx = (ox * (w - 1)) / (side - 1);
      const x0 = Math.floor(sx);
      const wx = [1, 0, -1, -2].map((k) => keys(sx - x0 + k));
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (let j = 0; j < 4; j++) {
          const row = (c * h + clamp(y0 - 1 + j, h)) * w;
          let r = 0;
          for (let i = 0; i < 4; i++) r += (wx[i] as number) * (planes[row + clamp(x0 - 1 + i, w)] as number);
          v += (wy[j] as number) * r;
        }
        out[(c * side + oy) * side + ox] = ((v + 1) / 2 - (mean[c] as number)) / (std[c] as number);
      }
    }
  }
  return out;
}

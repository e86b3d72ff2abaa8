/**
 * @module A reference of PIL's `Image.resize(..., BICUBIC)` for 8-bit RGB images, transcribed from Pillow's
 * `libImaging/Resample.c` (`precompute_coeffs`, `normalize_coeffs_8bpc`, `ImagingResampleHorizontal_8bpc`, then the
 * vertical pass on the 8-bit result): the filter is stretched by the scale when shrinking, its taps are clipped to
 * the image and renormalised, and the weights are 22-bit fixed point. Used by tests to check what diffusers'
 * `CLIPImageProcessor` would feed the safety checker.
 */
import type { RgbImage } from "../../image/decode.js";

const PRECISION_BITS = 32 - 8 - 2;

function bicubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

/** Per output position: the first input index and the fixed-point weights of the taps. */
function coefficients(inSize: number, outSize: number): { first: number; weights: number[] }[] {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  return Array.from({ length: outSize }, (_, xx) => {
    const center = (xx + 0.5) * scale;
    const first = Math.max(Math.trunc(center - support + 0.5), 0);
    const count = Math.min(Math.trunc(center + support + 0.5), inSize) - first;
    const raw = Array.from({ length: count }, (_, x) => bicubic((x + first - center + 0.5) / filterScale));
    const total = raw.reduce((a, b) => a + b, 0);
    const weights = raw.map((w) => {
      const k = total === 0 ? 0 : w / total;
      return Math.trunc(k < 0 ? -0.5 + k * 2 ** PRECISION_BITS : 0.5 + k * 2 ** PRECISION_BITS);
    });
    return { first, weights };
  });
}

function pass(src: RgbImage, outSize: number, horizontal: boolean): RgbImage {
  const { width, height, pixels } = src;
  const coeffs = coefficients(horizontal ? width : height, outSize);
  const w = horizontal ? outSize : width;
  const h = horizontal ? height : outSize;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const { first, weights } = coeffs[horizontal ? x : y] as { first: number; weights: number[] };
      for (let c = 0; c < 3; c++) {
        let sum = 2 ** (PRECISION_BITS - 1);
        weights.forEach((k, i) => {
          const at = horizontal ? (y * width + first + i) * 3 : ((first + i) * width + x) * 3;
          sum += (pixels[at + c] as number) * k;
        });
        out[(y * w + x) * 3 + c] = Math.min(Math.max(Math.floor(sum / 2 ** PRECISION_BITS), 0), 255);
      }
    }
  }
  return { width: w, height: h, pixels: out };
}

/**
 * PIL's bicubic resize of an RGB image to `width`×`height`.
 *
 * @example
 * pilBicubic({ width: 64, height: 64, pixels }, 224, 224).pixels.length; // 224·224·3
 */
export function pilBicubic(image: RgbImage, width: number, height: number): RgbImage {
  const wide = image.width === width ? image : pass(image, width, true);
  return wide.height === height ? wide : pass(wide, height, false);
}

/**
 * @module A test reference for what PIL's `Image.resize(size, BICUBIC)` produces on an 8-bit RGB image — the resize
 * diffusers' `CLIPImageProcessor` applies before the safety checker — written from PIL's documented behaviour: a
 * separable Keys cubic (a = −0.5) sampled at pixel centres, widened by the scale factor when shrinking
 * (antialiasing), taps outside the image dropped and the rest renormalised to sum to one, weights held as fixed-point
 * integers with 22 fractional bits, and each pass (width, then height) rounded and clamped to 8 bits. It gives
 * exactly Pillow 9.4's bytes on the cards of __fixtures__/pil-clip.json (scripts/pil-clip-fixture.py writes them
 * with Pillow itself).
 */
import type { RgbImage } from "../../image/decode.js";

const FRACTION_BITS = 22;
const ONE = 2 ** FRACTION_BITS;

/** Keys' cubic convolution kernel with a = −0.5 (Catmull-Rom). */
function keys(distance: number): number {
  const t = Math.abs(distance);
  if (t >= 2) return 0;
  if (t >= 1) return -0.5 * (((t - 5) * t + 8) * t - 4);
  return (1.5 * t - 2.5) * t * t + 1;
}

/** The taps of one output position along an axis: where they start and their fixed-point weights. */
interface Taps {
  start: number;
  weights: Int32Array;
}

/** The taps of every output position when `inSize` samples are resampled to `outSize`. */
function tapsOf(inSize: number, outSize: number): Taps[] {
  const step = inSize / outSize;
  const widen = Math.max(step, 1);
  const reach = 2 * widen;
  const taps: Taps[] = [];
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * step;
    const start = Math.max(0, Math.trunc(centre - reach + 0.5));
    const end = Math.min(inSize, Math.trunc(centre + reach + 0.5));
    const raw = new Float64Array(end - start);
    let total = 0;
    for (let i = start; i < end; i++) {
      raw[i - start] = keys((i + 0.5 - centre) / widen);
      total += raw[i - start] as number;
    }
    // Normalised, then to fixed point, rounding halves away from zero.
    const weights = Int32Array.from(raw, (w) => {
      const scaled = (total === 0 ? 0 : w / total) * ONE;
      return Math.trunc(scaled + (scaled < 0 ? -0.5 : 0.5));
    });
    taps.push({ start, weights });
  }
  return taps;
}

/** Resamples along one axis; the other axis keeps its size. */
function resampleAxis(image: RgbImage, outSize: number, axis: "x" | "y"): RgbImage {
  const { width, height, pixels } = image;
  const along = axis === "x";
  const taps = tapsOf(along ? width : height, outSize);
  const outWidth = along ? outSize : width;
  const outHeight = along ? height : outSize;
  // Neighbouring taps are 3 bytes apart along a row, a row apart down a column.
  const stride = along ? 3 : width * 3;
  const out = new Uint8Array(outWidth * outHeight * 3);
  let at = 0;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const { start, weights } = taps[along ? x : y] as Taps;
      const base = along ? (y * width + start) * 3 : (start * width + x) * 3;
      for (let channel = 0; channel < 3; channel++, at++) {
        let sum = ONE / 2;
        for (let k = 0, p = base + channel; k < weights.length; k++, p += stride) {
          sum += (pixels[p] as number) * (weights[k] as number);
        }
        const value = Math.floor(sum / ONE);
        out[at] = Math.min(Math.max(value, 0), 255);
      }
    }
  }
  return { width: outWidth, height: outHeight, pixels: out };
}

/**
 * PIL's bicubic resize of an RGB image to `width`×`height` (width first, as PIL does).
 *
 * @example
 * pilBicubic({ width: 64, height: 64, pixels }, 224, 224).pixels.length; // 224·224·3
 */
export function pilBicubic(image: RgbImage, width: number, height: number): RgbImage {
  const wide = image.width === width ? image : resampleAxis(image, width, "x");
  return wide.height === height ? wide : resampleAxis(wide, height, "y");
}

/**
 * @module Overlapping tiles for large images. The image is cut into core tiles; each runs with `overlap` pixels of
 * real context on every side (clipped at the image border) and only its core is kept. When `overlap` is at least
 * the model's receptive-field radius the result equals running the whole image at once: seamless by construction.
 *
 * One padding policy for every patch: context comes from the image itself, and only an image side shorter than
 * `2 × overlap + 1` px reaches past the border, centred on that length by repeating the edge pixels. Otherwise the
 * convolutions' zero padding outweighs the few real pixels of a tiny image and darkens it; a longer side runs as
 * before (zeros past the border, as for any image).
 */
import type { RgbImage } from "../../image/decode.js";
import { planesToRgb, type RgbInputMapping, type RgbMapping, rgbToPlanes } from "../../onnx/rgb-output.js";
import { NO_JOB_CONTROL } from "../../worker/job-control.js";
import type { JobControl } from "../contract.js";

/**
 * One tile: the core it contributes and the padded region it is run on (input pixels, end-exclusive). The region
 * reaches past the image (negative start, end past the side) only on a side shorter than the minimum.
 */
export interface Tile {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  px0: number;
  py0: number;
  px1: number;
  py1: number;
}

/**
 * The region an axis of a tile runs on: its core with `overlap` px of context clipped at the border, or, on a side
 * shorter than `minSide`, that length centred on the side (the extra pixel of an odd padding at the end).
 */
function contextSpan(c0: number, c1: number, side: number, overlap: number, minSide: number): [number, number] {
  const pad = minSide - side;
  if (pad > 0) return [0 - (pad >> 1), side + pad - (pad >> 1)];
  return [Math.max(0, c0 - overlap), Math.min(side, c1 + overlap)];
}

/**
 * Plans the tiles of a `width`×`height` image: one tile when it fits in `tileSize`, else a grid of cores of at most
 * `tileSize` px each with `overlap` px of context; a side shorter than `minSide` (by default `2 × overlap + 1`; 0
 * for a model that takes one fixed size) is padded to that length.
 * @example planTiles(600, 300, 256, 16).length // 6
 * @example planTiles(1, 1, 256, 2) // [{ x0: 0, y0: 0, x1: 1, y1: 1, px0: -2, py0: -2, px1: 3, py1: 3 }]
 */
export function planTiles(
  width: number,
  height: number,
  tileSize: number,
  overlap: number,
  minSide = 2 * overlap + 1,
): Tile[] {
  const core = width <= tileSize && height <= tileSize ? Math.max(width, height) : Math.max(1, tileSize);
  const tiles: Tile[] = [];
  for (let y0 = 0; y0 < height; y0 += core) {
    for (let x0 = 0; x0 < width; x0 += core) {
      const x1 = Math.min(width, x0 + core);
      const y1 = Math.min(height, y0 + core);
      const [px0, px1] = contextSpan(x0, x1, width, overlap, minSide);
      const [py0, py1] = contextSpan(y0, y1, height, overlap, minSide);
      tiles.push({ x0, y0, x1, y1, px0, py0, px1, py1 });
    }
  }
  return tiles;
}

/**
 * The pixels of a tile's padded region: rows and columns past the image repeat its nearest edge pixel.
 * @example cutPatch(Uint8Array.of(1, 2, 3), 1, 1, planTiles(1, 1, 256, 1)[0]!) // 9 copies of [1, 2, 3]
 */
export function cutPatch(pixels: Uint8Array, width: number, height: number, t: Tile): Uint8Array {
  const pw = t.px1 - t.px0;
  const patch = new Uint8Array(pw * (t.py1 - t.py0) * 3);
  // Columns [left, right) of the patch lie inside the image; the others copy its first or last one.
  const left = Math.max(0, -t.px0);
  const right = pw - Math.max(0, t.px1 - width);
  for (let y = 0; y < t.py1 - t.py0; y++) {
    const sy = Math.min(height - 1, Math.max(0, t.py0 + y));
    const from = (sy * width + t.px0 + left) * 3;
    const row = y * pw * 3;
    patch.set(pixels.subarray(from, from + (right - left) * 3), row + left * 3);
    for (let x = 0; x < left; x++) patch.copyWithin(row + x * 3, row + left * 3, row + left * 3 + 3);
    for (let x = right; x < pw; x++) patch.copyWithin(row + x * 3, row + (right - 1) * 3, row + right * 3);
  }
  return patch;
}

/**
 * Runs the model on one 8-bit RGB (HWC) patch and returns its result as 8-bit RGB, `scale` times the size: straight
 * through a session that speaks RGB (see `withRgbPixels`), or through {@link rgbToFloatChw} and {@link floatChwToRgb}.
 */
export type PatchRunner = (rgb: Uint8Array, width: number, height: number) => Promise<Uint8Array>;

/** An ESRGAN-style model's pixel range, 0..1 floats: for the graph surgery (worker.ts) and the JS conversions below. */
export const UPSCALE_RGB_IN: RgbInputMapping = { divisor: 255 };
export const UPSCALE_RGB_OUT: RgbMapping = { scale: 255, offset: 0 };

/**
 * Converts 8-bit RGB (HWC) to the 0..1 float NCHW planes an ESRGAN-style model takes.
 * @example rgbToFloatChw(Uint8Array.of(0, 51, 255), 1, 1) // Float32Array [0, 0.2, 1]
 */
export function rgbToFloatChw(rgb: Uint8Array, width: number, height: number): Float32Array {
  return rgbToPlanes(rgb, width, height, UPSCALE_RGB_IN);
}

/**
 * Converts a model's 0..1 float NCHW output to 8-bit RGB (HWC), rounding and clamping as the ONNX `Round`/`Clip` do.
 * @example floatChwToRgb(new Float32Array([0, 0.5, 1]), 1, 1) // Uint8Array [0, 128, 255]
 */
export function floatChwToRgb(chw: Float32Array, width: number, height: number): Uint8Array {
  return planesToRgb(chw, width, height, UPSCALE_RGB_OUT);
}

/**
 * Upscales an RGB image tile by tile with `runPatch`, writing each tile's core into the output (`minSide`: see
 * {@link planTiles}). Each finished tile
 * is reported to `control` (stage `tiles`); a cancelled job stops before its next tile.
 * @example const out = await upscaleTiled(image, 4, { tileSize: 256, overlap: 16 }, runPatch, control)
 */
export async function upscaleTiled(
  image: RgbImage,
  scale: number,
  tiling: { tileSize: number; overlap: number; minSide?: number },
  runPatch: PatchRunner,
  control: JobControl = NO_JOB_CONTROL,
): Promise<RgbImage> {
  const { width, height, pixels } = image;
  const outW = width * scale;
  const outH = height * scale;
  const tiles = planTiles(width, height, tiling.tileSize, tiling.overlap, tiling.minSide);
  const progress = { stage: "tiles", step: 0, total: tiles.length };
  let out: Uint8Array | undefined;
  for (const t of tiles) {
    control.throwIfAborted();
    const pw = t.px1 - t.px0;
    const ph = t.py1 - t.py0;
    const plane = pw * ph;
    // One tile that is exactly the image: its pixels are the patch and its result the output, no copies.
    const whole = pw === width && ph === height;
    const patch = whole ? pixels : cutPatch(pixels, width, height, t);
    const result = await runPatch(patch, pw, ph);
    if (result.length !== plane * scale * scale * 3) {
      throw new Error(
        `the model returned ${result.length} values for a ${pw}×${ph} patch, expected ${plane * scale * scale * 3}`,
      );
    }
    progress.step++;
    control.progress(progress);
    if (whole) return { width: outW, height: outH, pixels: result };
    out ??= new Uint8Array(outW * outH * 3);
    const rowBytes = pw * scale * 3;
    const coreBytes = (t.x1 - t.x0) * scale * 3;
    const coreLeft = (t.x0 - t.px0) * scale * 3;
    for (let y = t.y0 * scale; y < t.y1 * scale; y++) {
      const from = (y - t.py0 * scale) * rowBytes + coreLeft;
      out.set(result.subarray(from, from + coreBytes), (y * outW + t.x0 * scale) * 3);
    }
  }
  return { width: outW, height: outH, pixels: out ?? new Uint8Array(0) };
}

/**
 * @module Overlapping tiles for large images. The image is cut into core tiles; each runs with `overlap` pixels of
 * real context on every side (clipped at the image border) and only its core is kept. When `overlap` is at least
 * the model's receptive-field radius the result equals running the whole image at once: seamless by construction.
 */
import type { RgbImage } from "../../image/decode.js";
import { planesToRgb, type RgbInputMapping, type RgbMapping, rgbToPlanes } from "../../onnx/rgb-output.js";
import { NO_JOB_CONTROL } from "../../worker/job-control.js";
import type { JobControl } from "../contract.js";

/** One tile: the core it contributes and the padded region it is run on (input pixels, end-exclusive). */
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
 * Plans the tiles of a `width`×`height` image: one tile when it fits in `tileSize`, else a grid of cores of at most
 * `tileSize` px each with `overlap` px of context.
 * @example planTiles(600, 300, 256, 16).length // 6
 */
export function planTiles(width: number, height: number, tileSize: number, overlap: number): Tile[] {
  if (width <= tileSize && height <= tileSize) {
    return [{ x0: 0, y0: 0, x1: width, y1: height, px0: 0, py0: 0, px1: width, py1: height }];
  }
  const core = Math.max(1, tileSize);
  const tiles: Tile[] = [];
  for (let y0 = 0; y0 < height; y0 += core) {
    for (let x0 = 0; x0 < width; x0 += core) {
      const x1 = Math.min(width, x0 + core);
      const y1 = Math.min(height, y0 + core);
      tiles.push({
        x0,
        y0,
        x1,
        y1,
        px0: Math.max(0, x0 - overlap),
        py0: Math.max(0, y0 - overlap),
        px1: Math.min(width, x1 + overlap),
        py1: Math.min(height, y1 + overlap),
      });
    }
  }
  return tiles;
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
 * Upscales an RGB image tile by tile with `runPatch`, writing each tile's core into the output. Each finished tile
 * is reported to `control` (stage `tiles`); a cancelled job stops before its next tile.
 * @example const out = await upscaleTiled(image, 4, { tileSize: 256, overlap: 16 }, runPatch, control)
 */
export async function upscaleTiled(
  image: RgbImage,
  scale: number,
  tiling: { tileSize: number; overlap: number },
  runPatch: PatchRunner,
  control: JobControl = NO_JOB_CONTROL,
): Promise<RgbImage> {
  const { width, height, pixels } = image;
  const outW = width * scale;
  const outH = height * scale;
  const tiles = planTiles(width, height, tiling.tileSize, tiling.overlap);
  const progress = { stage: "tiles", step: 0, total: tiles.length };
  let out: Uint8Array | undefined;
  for (const t of tiles) {
    control.throwIfAborted();
    const pw = t.px1 - t.px0;
    const ph = t.py1 - t.py0;
    const plane = pw * ph;
    // One tile is the whole image: its pixels are the patch, no copy.
    let patch = pixels;
    if (tiles.length > 1) {
      patch = new Uint8Array(plane * 3);
      for (let y = 0; y < ph; y++) {
        const from = ((t.py0 + y) * width + t.px0) * 3;
        patch.set(pixels.subarray(from, from + pw * 3), y * pw * 3);
      }
    }
    const result = await runPatch(patch, pw, ph);
    if (result.length !== plane * scale * scale * 3) {
      throw new Error(
        `the model returned ${result.length} values for a ${pw}×${ph} patch, expected ${plane * scale * scale * 3}`,
      );
    }
    progress.step++;
    control.progress(progress);
    // One tile is the whole image: its result is the output, no copy.
    if (tiles.length === 1) return { width: outW, height: outH, pixels: result };
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

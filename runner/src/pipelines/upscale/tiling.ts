/**
 * @module Overlapping tiles for large images. The image is cut into core tiles; each runs with `overlap` pixels of
 * real context on every side (clipped at the image border) and only its core is kept. When `overlap` is at least
 * the model's receptive-field radius the result equals running the whole image at once: seamless by construction.
 */
import type { RgbImage } from "../../image/decode.js";

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

/** Runs the model on one NCHW float patch (0..1) and returns its NCHW float output of `scale` times the size. */
export type PatchRunner = (chw: Float32Array, width: number, height: number) => Promise<Float32Array>;

/**
 * Upscales an RGB image tile by tile with `runPatch`, writing each tile's core into the output.
 * @example const out = await upscaleTiled(image, 4, { tileSize: 256, overlap: 16 }, runPatch)
 */
export async function upscaleTiled(
  image: RgbImage,
  scale: number,
  tiling: { tileSize: number; overlap: number },
  runPatch: PatchRunner,
): Promise<RgbImage> {
  const { width, height, pixels } = image;
  const outW = width * scale;
  const outH = height * scale;
  // A clamped array rounds and clamps on assignment, which is the 0..1 → 0..255 conversion, at native speed.
  const out = new Uint8ClampedArray(outW * outH * 3);
  for (const t of planTiles(width, height, tiling.tileSize, tiling.overlap)) {
    const pw = t.px1 - t.px0;
    const ph = t.py1 - t.py0;
    const plane = pw * ph;
    const chw = new Float32Array(plane * 3);
    for (let y = 0; y < ph; y++) {
      let src = ((t.py0 + y) * width + t.px0) * 3;
      let dst = y * pw;
      for (let x = 0; x < pw; x++, src += 3, dst++) {
        chw[dst] = pixels[src]! / 255;
        chw[dst + plane] = pixels[src + 1]! / 255;
        chw[dst + 2 * plane] = pixels[src + 2]! / 255;
      }
    }
    const result = await runPatch(chw, pw, ph);
    const rw = pw * scale;
    const rplane = rw * ph * scale;
    for (let y = t.y0 * scale; y < t.y1 * scale; y++) {
      const ry = y - t.py0 * scale;
      let dst = (y * outW + t.x0 * scale) * 3;
      let src = ry * rw + (t.x0 - t.px0) * scale;
      for (let x = t.x0 * scale; x < t.x1 * scale; x++, dst += 3, src++) {
        out[dst] = result[src]! * 255;
        out[dst + 1] = result[src + rplane]! * 255;
        out[dst + 2] = result[src + 2 * rplane]! * 255;
      }
    }
  }
  return { width: outW, height: outH, pixels: new Uint8Array(out.buffer) };
}

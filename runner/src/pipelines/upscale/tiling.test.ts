/**
 * @module Tiling is seamless: with an overlap at least the model's receptive-field radius, the tiled result equals
 * the untiled one on the tiny upscaler (radius 2); with no overlap the seams show, so the comparison can fail. A side
 * shorter than `2 × overlap + 1` is padded to that length with copies of its edge pixels, tiled or not.
 */
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TINY_ESRGAN_RECEPTIVE_RADIUS, tinyEsrganModel } from "../../models/factory/esrgan-tiny.js";
import { cutPatch, floatChwToRgb, type PatchRunner, planTiles, rgbToFloatChw, upscaleTiled } from "./tiling.js";

function picture(width: number, height: number) {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37 + ((i / 3) | 0) * 11) % 256;
  return { width, height, pixels };
}

describe("tiling", () => {
  let session: ort.InferenceSession;
  let runPatch: PatchRunner;
  beforeAll(async () => {
    session = await ort.InferenceSession.create(tinyEsrganModel(4));
    runPatch = async (rgb, w, h) => {
      const out = (await session.run({ input: new ort.Tensor("float32", rgbToFloatChw(rgb, w, h), [1, 3, h, w]) }))
        .output!;
      return floatChwToRgb(out.data as Float32Array, w * 4, h * 4);
    };
  });
  afterAll(() => session.release());

  it("covers every pixel exactly once with cores, and pads them with clipped context", () => {
    const tiles = planTiles(70, 45, 32, 5);
    expect(tiles).toHaveLength(6);
    const hits = new Uint8Array(70 * 45);
    for (const t of tiles) for (let y = t.y0; y < t.y1; y++) for (let x = t.x0; x < t.x1; x++) hits[y * 70 + x]!++;
    expect(hits.every((h) => h === 1)).toBe(true);
    expect(tiles[4]).toEqual({ x0: 32, y0: 32, x1: 64, y1: 45, px0: 27, py0: 27, px1: 69, py1: 45 });
    expect(planTiles(32, 20, 32, 5)).toEqual([{ x0: 0, y0: 0, x1: 32, y1: 20, px0: 0, py0: 0, px1: 32, py1: 20 }]);
  });

  it("pads a side shorter than 2 × overlap + 1 to that length, centred, and leaves longer sides alone", () => {
    expect(planTiles(1, 1, 256, 2)).toEqual([{ x0: 0, y0: 0, x1: 1, y1: 1, px0: -2, py0: -2, px1: 3, py1: 3 }]);
    // 4 px tall, minimum 5: the extra row goes to the bottom.
    expect(planTiles(40, 4, 256, 2)).toEqual([{ x0: 0, y0: 0, x1: 40, y1: 4, px0: 0, py0: 0, px1: 40, py1: 5 }]);
    expect(planTiles(40, 3, 16, 2).map((t) => [t.px0, t.px1, t.py0, t.py1])).toEqual([
      [0, 18, -1, 4],
      [14, 34, -1, 4],
      [30, 40, -1, 4],
    ]);
    expect(planTiles(5, 5, 256, 2)).toEqual([{ x0: 0, y0: 0, x1: 5, y1: 5, px0: 0, py0: 0, px1: 5, py1: 5 }]);
    // A model that takes one fixed size (minSide 0) gets the image as it is.
    expect(planTiles(1, 1, 256, 2, 0)).toEqual([{ x0: 0, y0: 0, x1: 1, y1: 1, px0: 0, py0: 0, px1: 1, py1: 1 }]);
  });

  it("fills the padding with copies of the nearest edge pixel", () => {
    // 2×1: red, green; padded to 5×5 (overlap 2) with the image at columns 1-2 of row 2.
    const patch = cutPatch(Uint8Array.of(255, 0, 0, 0, 255, 0), 2, 1, planTiles(2, 1, 256, 2)[0]!);
    const rows = Array.from({ length: 5 }, (_, y) => [...patch.subarray(y * 15, y * 15 + 15)]);
    const row = [255, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0];
    expect(rows).toEqual([row, row, row, row, row]);
  });

  it("pads a short side the same way tiled or whole, so tiles stay seamless", async () => {
    const image = picture(70, 3);
    const heights = new Set<number>();
    const seen: PatchRunner = (rgb, w, h) => {
      heights.add(h);
      return runPatch(rgb, w, h);
    };
    const whole = await upscaleTiled(image, 4, { tileSize: 1024, overlap: TINY_ESRGAN_RECEPTIVE_RADIUS }, seen);
    const tiled = await upscaleTiled(image, 4, { tileSize: 16, overlap: TINY_ESRGAN_RECEPTIVE_RADIUS }, seen);
    expect([...heights]).toEqual([5]);
    expect([tiled.width, tiled.height, whole.width, whole.height]).toEqual([280, 12, 280, 12]);
    let maxDiff = 0;
    for (let i = 0; i < whole.pixels.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(whole.pixels[i]! - tiled.pixels[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  it("gives the untiled result when the overlap covers the receptive field", async () => {
    const image = picture(53, 41);
    const whole = await upscaleTiled(image, 4, { tileSize: 1024, overlap: 0 }, runPatch);
    const tiled = await upscaleTiled(image, 4, { tileSize: 16, overlap: TINY_ESRGAN_RECEPTIVE_RADIUS }, runPatch);
    expect([tiled.width, tiled.height]).toEqual([212, 164]);
    let maxDiff = 0;
    for (let i = 0; i < whole.pixels.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(whole.pixels[i]! - tiled.pixels[i]!));
    // Float sums in a different order may round one 8-bit level apart; a seam is far larger.
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  it("converts float CHW to rounded, clamped HWC bytes", () => {
    // Two pixels, planes R, G, B: below 0 and above 1 clamp, fractions round to the nearest level.
    const chw = new Float32Array([-0.2, 1.5, 0.6 / 255, 2.4 / 255, 1, 254.7 / 255]);
    expect([...floatChwToRgb(chw, 2, 1)]).toEqual([0, 1, 255, 255, 2, 255]);
  });

  it("converts HWC bytes to 0..1 CHW planes", () => {
    expect([...rgbToFloatChw(Uint8Array.of(0, 51, 255, 255, 102, 0), 2, 1)]).toEqual(
      [0, 1, 0.2, 0.4, 1, 0].map(Math.fround),
    );
  });

  it("refuses a patch result of the wrong size", async () => {
    await expect(
      upscaleTiled(picture(8, 8), 4, { tileSize: 64, overlap: 0 }, async () => new Uint8Array(5)),
    ).rejects.toThrow(/returned 5 values for a 8×8 patch, expected 3072/);
  });

  it("shows seams without overlap (the check above is not vacuous)", async () => {
    const image = picture(53, 41);
    const whole = await upscaleTiled(image, 4, { tileSize: 1024, overlap: 0 }, runPatch);
    const seamy = await upscaleTiled(image, 4, { tileSize: 16, overlap: 0 }, runPatch);
    let maxDiff = 0;
    for (let i = 0; i < whole.pixels.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(whole.pixels[i]! - seamy.pixels[i]!));
    expect(maxDiff).toBeGreaterThan(3);
  });
});

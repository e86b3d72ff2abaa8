/**
 * @module Tiling is seamless: with an overlap at least the model's receptive-field radius, the tiled result equals
 * the untiled one on the tiny upscaler (radius 2); with no overlap the seams show, so the comparison can fail.
 */
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TINY_ESRGAN_RECEPTIVE_RADIUS, tinyEsrganModel } from "../../models/factory/esrgan-tiny.js";
import { floatChwToRgb, type PatchRunner, planTiles, rgbToFloatChw, upscaleTiled } from "./tiling.js";

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

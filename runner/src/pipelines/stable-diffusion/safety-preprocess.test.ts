/**
 * @module The safety checker's preparation session against what diffusers feeds the checker: PIL's bicubic resize
 * (pil-resample.ts, a reference of PIL's resize, itself checked against Pillow's own output in
 * __fixtures__/pil-clip.json), transformers' resize and crop geometry, CLIP normalisation; and the `images` input
 * equal to the JS path's value / 255.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { pilBicubic } from "./pil-resample.js";
import { CLIP_MEAN, CLIP_SIDE, CLIP_STD, clipGeometry, safetyPreprocessModel } from "./safety-preprocess.js";

/** A photo-like test card: smooth waves per channel plus a fine texture that aliases when shrunk carelessly. */
function card(width: number, height: number) {
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) {
        const wave = 120 * Math.sin(x * (0.21 + c * 0.05)) * Math.cos(y * 0.13 + c);
        pixels[(y * width + x) * 3 + c] = Math.round(127.5 + wave) + ((x * 7 + y * 13 + c * 5) % 9) - 4;
      }
  return { width, height, pixels };
}

/**
 * A test card in integer arithmetic only (triangle waves plus a fine texture), so Python draws the same pixels:
 * scripts/pil-clip-fixture.py.
 */
function integerCard(width: number, height: number) {
  const tri = (t: number) => (t % 512 < 256 ? t % 512 : 511 - (t % 512));
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) {
        const v = tri(x * (5 + 2 * c) + y * (3 + c)) + ((x * 7 + y * 13 + c * 5) % 9) - 4;
        pixels[(y * width + x) * 3 + c] = Math.min(255, Math.max(0, v));
      }
  return { width, height, pixels };
}

/** Pillow's own results for integer cards (rows 0, rowStep, … of the 224×224 crop, RGB bytes). */
const pillow = JSON.parse(readFileSync(new URL("./__fixtures__/pil-clip.json", import.meta.url), "utf8")) as {
  pillow: string;
  side: number;
  row_step: number;
  cases: { width: number; height: number; rows: string }[];
};

const sessions: ort.InferenceSession[] = [];
afterAll(() => Promise.all(sessions.map((s) => s.release())));

async function prepare(image: ReturnType<typeof card>, type: "float32" | "float16" = "float32") {
  const session = await ort.InferenceSession.create(safetyPreprocessModel(type, "float32"));
  sessions.push(session);
  const { width, height } = image;
  const { resized, top, left } = clipGeometry(width, height);
  const ints = (...v: number[]) => new ort.Tensor("int64", BigInt64Array.from(v, BigInt), [v.length]);
  return session.run({
    pixels: new ort.Tensor("uint8", image.pixels, [1, height, width, 3]),
    column_sizes: ints(1, 3, height, resized[1]),
    resize_sizes: ints(1, 3, ...resized),
    crop_starts: ints(top, left),
    crop_ends: ints(top + CLIP_SIDE, left + CLIP_SIDE),
  });
}

describe("clipGeometry", () => {
  it("resizes the shortest side to 224, truncates the other, and crops the centre", () => {
    expect(clipGeometry(64, 64)).toEqual({ resized: [224, 224], top: 0, left: 0 });
    expect(clipGeometry(768, 512)).toEqual({ resized: [224, 336], top: 0, left: 56 });
    // 224·160/96 = 373.33 → 373 rows; (373 − 224) // 2 = 74.
    expect(clipGeometry(96, 160)).toEqual({ resized: [373, 224], top: 74, left: 0 });
  });
});

describe("safetyPreprocessModel", () => {
  for (const [width, height] of [
    [64, 64],
    [512, 512],
    [300, 200],
    [96, 160],
  ] as const) {
    it(`${width}×${height}: the CLIP input is PIL's resize and crop within one 8-bit level, ≥ 99 % exactly`, async () => {
      const image = card(width, height);
      const clip = (await prepare(image)).clip_input as ort.Tensor;
      expect(clip.dims).toEqual([1, 3, CLIP_SIDE, CLIP_SIDE]);
      const { resized, top, left } = clipGeometry(width, height);
      const pil = pilBicubic(image, resized[1], resized[0]);
      const plane = CLIP_SIDE * CLIP_SIDE;
      let worst = 0;
      let equal = 0;
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < CLIP_SIDE; y++)
          for (let x = 0; x < CLIP_SIDE; x++) {
            const value = (clip.data as Float32Array)[c * plane + y * CLIP_SIDE + x] as number;
            const level = Math.round((value * (CLIP_STD[c] as number) + (CLIP_MEAN[c] as number)) * 255);
            const diff = Math.abs(level - (pil.pixels[((y + top) * pil.width + x + left) * 3 + c] as number));
            worst = Math.max(worst, diff);
            if (diff === 0) equal++;
          }
      expect(worst).toBeLessThanOrEqual(1);
      expect(equal / (3 * plane)).toBeGreaterThan(0.99);
    });
  }

  for (const { width, height, rows } of pillow.cases) {
    it(`${width}×${height}: the reference and the session match Pillow ${pillow.pillow} itself`, async () => {
      const want = Buffer.from(rows, "base64");
      const image = integerCard(width, height);
      const { resized, top, left } = clipGeometry(width, height);
      const reference = pilBicubic(image, resized[1], resized[0]);
      const clip = ((await prepare(image)).clip_input as ort.Tensor).data as Float32Array;
      const plane = CLIP_SIDE * CLIP_SIDE;
      const tally = { reference: [0, 0], session: [0, 0] }; // [worst difference, equal values]
      const count = (t: number[], diff: number) => {
        t[0] = Math.max(t[0] as number, diff);
        if (diff === 0) t[1] = (t[1] as number) + 1;
      };
      let k = 0;
      for (let y = 0; y < CLIP_SIDE; y += pillow.row_step)
        for (let x = 0; x < CLIP_SIDE; x++)
          for (let c = 0; c < 3; c++, k++) {
            const target = want[k] as number;
            count(
              tally.reference,
              Math.abs((reference.pixels[((y + top) * reference.width + x + left) * 3 + c] as number) - target),
            );
            const value = clip[c * plane + y * CLIP_SIDE + x] as number;
            const level = Math.round((value * (CLIP_STD[c] as number) + (CLIP_MEAN[c] as number)) * 255);
            count(tally.session, Math.abs(level - target));
          }
      expect(k).toBe(want.length);
      // The reference is PIL's algorithm; the session computes in float32 and may land one level off on a tie.
      expect(tally.reference).toEqual([0, k]);
      // Measured with Pillow 9.4: 96.6 % equal at 64×64 (×3.5: many exact halves, which PIL's fixed-point
      // coefficients and ONNX Runtime's float32 round apart), 98.5 % at 512×512, 100 % at 300×200 and 96×160.
      expect(tally.session[0]).toBeLessThanOrEqual(1);
      expect((tally.session[1] as number) / k).toBeGreaterThan(0.96);
    });
  }

  it("crops before it rounds and before the row pass: a 4096×8 image needs no 1.2 GB resized whole", async () => {
    const peakMb = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))![1]) / 1024;
    const image = card(4096, 8);
    await prepare(card(64, 64));
    writeFileSync("/proc/self/clear_refs", "5");
    const before = peakMb();
    const clip = (await prepare(image)).clip_input as ort.Tensor;
    expect(clip.dims).toEqual([1, 3, CLIP_SIDE, CLIP_SIDE]);
    // Measured: +27 MB; cropped at the end (the 224 × 114688 image resized whole, in float32) +649 MB here, and
    // +1.35 GB in a runner serving text-to-image.
    expect(peakMb() - before).toBeLessThan(300);
  });

  it("normalises a byte exactly as the JS table does, and gives images = value / 255 as float32", async () => {
    const flat = { width: 32, height: 32, pixels: new Uint8Array(32 * 32 * 3).fill(200) };
    const out = await prepare(flat);
    const clip = out.clip_input?.data as Float32Array;
    const plane = CLIP_SIDE * CLIP_SIDE;
    for (let c = 0; c < 3; c++)
      expect(clip[c * plane + 777]).toBe(Math.fround((200 / 255 - (CLIP_MEAN[c] as number)) / (CLIP_STD[c] as number)));
    const images = out.images as ort.Tensor;
    expect(images.dims).toEqual([1, 32, 32, 3]);
    expect((images.data as Float32Array)[5]).toBe(Math.fround(200 / 255));
  });

  it("answers in float16 when the checker declares it", async () => {
    const out = await prepare(card(64, 64), "float16");
    expect(out.clip_input?.type).toBe("float16");
    expect(out.images?.type).toBe("float32");
  });
});

/**
 * @module The CLIP preparation against the plain-TypeScript reference of diffusers' `_encode_image`
 * (clip-reference.ts), on images smaller and larger than 224 px, and diffusers' blur σ and kernel sizes.
 */
import { describe, expect, it } from "vitest";
import type { RgbImage } from "../../image/decode.js";
import { SVD_FEATURE_EXTRACTOR } from "../../models/factory/svd-tiny.js";
import {
  type AxisResample,
  blurAxis,
  clipPixelValues,
  clipResample,
  gaussianKernel,
  resampleAxis,
} from "./clip-preprocess.js";
import { clipPixelValuesReference } from "./clip-reference.js";
import { testCard } from "./tiny-svd-harness.js";

const { image_mean: mean, image_std: std } = SVD_FEATURE_EXTRACTOR;

describe("diffusers' antialiasing geometry", () => {
  it("σ = max((size/224 − 1)/2, 0.001) and an odd kernel of int(max(4σ, 3))", () => {
    expect(blurAxis(1024, 224)).toEqual({ sigma: (1024 / 224 - 1) / 2, size: 7 });
    expect(blurAxis(576, 224)).toEqual({ sigma: (576 / 224 - 1) / 2, size: 3 });
    expect(blurAxis(2048, 224).size).toBe(17); // int(16.29) = 16, made odd
    expect(blurAxis(64, 224)).toEqual({ sigma: 0.001, size: 3 });
  });

  it("folds blur and bicubic into taps per output: rows sum to one, the identity stays the identity", () => {
    const { x, y } = clipResample(1024, 576);
    // 7 blur taps around 4 cubic taps one pixel apart; 3 around 4 along y.
    expect([x.taps, y.taps]).toEqual([10, 6]);
    for (const axis of [x, y]) {
      for (let o = 0; o < 224; o++) {
        const row = axis.weight.subarray(o * axis.taps, (o + 1) * axis.taps);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      }
    }
    const same = resampleAxis(224, 224);
    expect(same.taps).toBe(1);
    expect(Array.from(same.index.subarray(0, 3))).toEqual([0, 1, 2]);
    expect(Array.from(same.weight.subarray(0, 3))).toEqual([1, 1, 1]);
    // Output 0 sits on input 0 (t = 0: one cubic tap), so it reads the blur's 7 taps around 0, reflected: inputs 0 … 3.
    const first = Array.from(x.index.subarray(0, x.taps)).filter((_, t) => (x.weight[t] as number) !== 0);
    expect(first.map(Number).sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
  });

  it("Gaussian kernels are normalised, symmetric, and a delta for tiny σ", () => {
    const k = gaussianKernel(7, 1.7857142857142858);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(k[0]).toBeCloseTo(k[6] as number, 7);
    expect(k[3] as number).toBeGreaterThan(k[2] as number);
    expect(k[0]).toBeCloseTo(
      Math.exp(-9 / (2 * 1.7857142857142858 ** 2)) /
        Array.from({ length: 7 }, (_, i) => Math.exp(-((i - 3) ** 2) / (2 * 1.7857142857142858 ** 2))).reduce(
          (a, b) => a + b,
          0,
        ),
      6,
    );
    expect(Array.from(gaussianKernel(3, 0.001))).toEqual([0, 1, 0]);
  });
});

/**
 * The taps applied one output at a time, tap by tap (x, then y, float32 between the passes): the plain form of the
 * sums that `clipPixelValues` arranges for speed, which must give the same bits.
 */
function plainTaps(image: RgbImage, r: { x: AxisResample; y: AxisResample }, side: number): Float32Array {
  const { width, height, pixels } = image;
  const wide = new Float32Array(height * side * 3);
  for (let row = 0; row < height; row++)
    for (let o = 0; o < side; o++)
      for (let c = 0; c < 3; c++) {
        let a = 0;
        for (let t = 0; t < r.x.taps; t++) {
          const k = o * r.x.taps + t;
          a += (r.x.weight[k] as number) * (pixels[(row * width + (r.x.index[k] as number)) * 3 + c] as number);
        }
        wide[(row * side + o) * 3 + c] = a;
      }
  const out = new Float32Array(3 * side * side);
  for (let o = 0; o < side; o++)
    for (let col = 0; col < side; col++)
      for (let c = 0; c < 3; c++) {
        let a = 0;
        for (let t = 0; t < r.y.taps; t++) {
          const k = o * r.y.taps + t;
          a += (r.y.weight[k] as number) * (wide[((r.y.index[k] as number) * side + col) * 3 + c] as number);
        }
        out[c * side * side + o * side + col] = (a / 255 - (mean[c] as number)) / (std[c] as number);
      }
  return out;
}

describe("the CLIP preparation", () => {
  const prepare = (image: RgbImage) =>
    clipPixelValues(image, clipResample(image.width, image.height), { mean, std, side: 224 });

  for (const [w, h] of [
    [1024, 576],
    [64, 48],
    [517, 301],
    [224, 224],
    [8, 900],
  ] as const) {
    it(`${w}×${h}: equals the reference (blur, bicubic align_corners, CLIP normalisation)`, () => {
      const image = testCard(w, h);
      const data = prepare(image);
      const expected = clipPixelValuesReference(image, mean, std);
      expect(data.length).toBe(3 * 224 * 224);
      let worst = 0;
      for (let i = 0; i < expected.length; i++)
        worst = Math.max(worst, Math.abs((data[i] as number) - (expected[i] as number)));
      // float32 sums and coordinates (see clip-reference.ts) on the card's sharp edges: < 1e-4 after ÷ std; a wrong σ,
      // kernel size, padding mode or cubic coefficient is off by 1e-2 or more.
      expect(worst, `worst difference ${worst}`).toBeLessThan(1e-4);
    });
  }

  it("gives the same bits as the plain tap-by-tap sums, for 1 to 20 taps per axis", () => {
    // 224 (1 tap), 2×3 (2–3), 64 (4), 517/256 (6), 1024 (10), 2048 (17 blur taps: 20), and a 1-pixel axis.
    for (const [w, h] of [
      [224, 224],
      [2, 3],
      [64, 48],
      [517, 256],
      [1024, 7],
      [2048, 1],
    ] as const) {
      const image = testCard(w, h, 3);
      const r = clipResample(w, h);
      const fast = clipPixelValues(image, r, { mean, std, side: 224 });
      const plain = plainTaps(image, r, 224);
      const bits = [new Uint32Array(fast.buffer), new Uint32Array(plain.buffer)] as const;
      const first = bits[0].findIndex((v, i) => v !== bits[1][i]);
      expect(first, `${w}×${h} (${r.x.taps}, ${r.y.taps} taps): first differing value`).toBe(-1);
      expect(fast.length).toBe(plain.length);
    }
  });

  it("a different image gives different pixel values, and taps for another side are refused", () => {
    const a = prepare(testCard(300, 200, 1));
    const b = prepare(testCard(300, 200, 2));
    expect(a.some((v, i) => Math.abs(v - (b[i] as number)) > 0.01)).toBe(true);
    expect(() => clipPixelValues(testCard(300, 200), clipResample(300, 200, 112), { mean, std, side: 224 })).toThrow(
      /another side than 224/,
    );
  });
});

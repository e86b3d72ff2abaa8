/**
 * @module The mp4 preset comparison of the image-to-video bench: PSNR's definition, and a real ffmpeg run over a few
 * PNG frames giving each preset's time, bytes and fidelity against a floor.
 */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { comparePresets, MP4_PRESETS, psnr } from "./svd-mp4-bench.js";

describe("psnr", () => {
  it("is infinite for equal samples and 10·log10(255²/MSE) otherwise", () => {
    expect(psnr(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBe(Number.POSITIVE_INFINITY);
    // MSE = 255² / 2
    expect(psnr(Uint8Array.of(0, 0), Uint8Array.of(0, 255))).toBeCloseTo(10 * Math.log10(2), 10);
    expect(() => psnr(Uint8Array.of(0), Uint8Array.of(0, 0))).toThrow(/1 samples against 2/);
  });
});

describe("comparePresets", () => {
  it("encodes real PNG frames with each preset and decodes them back close to the source", async () => {
    const width = 48;
    const height = 32;
    const pngs = await Promise.all(
      [0, 1, 2, 3].map((f) =>
        sharp(
          Buffer.from(Uint8Array.from({ length: width * height * 3 }, (_, i) => ((i % (width * 3)) * 2 + f * 8) % 256)),
          { raw: { width, height, channels: 3 } },
        )
          .png()
          .toBuffer(),
      ),
    );
    const r = await comparePresets(pngs, 6, MP4_PRESETS, 1);
    expect(r.floorMsPerFrame).toBeGreaterThan(0);
    expect(r.presets.map((p) => p.preset)).toEqual(["veryfast", "superfast", "ultrafast"]);
    for (const p of r.presets) {
      expect(p.bytes).toBeGreaterThan(100);
      expect(p.ms_per_frame).toBeGreaterThan(0);
      expect(p.ratio).toBeCloseTo(p.ms_per_frame / r.floorMsPerFrame, 1);
      // yuv420p halves the chroma resolution: smooth gradients survive well above 25 dB.
      expect(p.psnr_db).toBeGreaterThan(25);
      expect(p.psnr_db).toBeLessThan(Number.POSITIVE_INFINITY);
    }
  });
});

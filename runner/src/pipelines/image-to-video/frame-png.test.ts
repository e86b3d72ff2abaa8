/**
 * @module The frames' PNG encoders: what the zlib one writes decodes (with sharp) to the same pixels at every size and
 * zlib level, the level is the one asked for, the header is sharp's, a frame whose bytes do not match its size is
 * refused; inline and pooled deflate give the same bytes; and frames go to zlib up to ZLIB_MAX_PIXELS, to sharp above.
 */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { encodePng } from "../../image/encode.js";
import { encodeFramePng, ZLIB_INLINE_MAX_PIXELS, ZLIB_MAX_PIXELS, zlibPng } from "./frame-png.js";

const frame = (width: number, height: number) => ({
  width,
  height,
  pixels: Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37 + (i >> 5) * 11) % 256),
});

describe("zlibPng", () => {
  it("writes PNGs that decode to the same RGB bytes, at every size and level", async () => {
    for (const [width, height] of [
      [1, 1],
      [7, 3],
      [64, 64],
      [130, 24],
    ] as const) {
      const f = frame(width, height);
      for (const level of [0, 1, 6, 9]) {
        const png = await zlibPng(f, level);
        const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
        expect(info).toMatchObject({ width, height, channels: 3, format: "raw" });
        expect(Buffer.compare(data, Buffer.from(f.pixels)), `${width}×${height} level ${level}`).toBe(0);
      }
    }
  });

  it("compresses by the level asked for, to about sharp's size, with sharp's header", async () => {
    const f = { width: 256, height: 64, pixels: new Uint8Array(256 * 64 * 3).map((_, i) => (i >> 6) % 256) };
    const stored = await zlibPng(f, 0);
    const small = await zlibPng(f, 9);
    expect(stored.length).toBeGreaterThan(256 * 64 * 3);
    expect(small.length).toBeLessThan(stored.length / 10);
    const bySharp = await encodePng(f, 9);
    // Signature and IHDR (33 bytes) are the same; the deflate streams may differ in their choices.
    expect(small.subarray(0, 33).equals(bySharp.subarray(0, 33))).toBe(true);
    expect(small.length).toBeLessThan(bySharp.length * 1.5);
  });

  it("writes the same bytes on the calling thread as on libuv's pool, inline by default up to ZLIB_INLINE_MAX_PIXELS", async () => {
    expect(ZLIB_INLINE_MAX_PIXELS).toBe(128 * 128);
    for (const [width, height] of [
      [64, 64],
      [128, 128],
      [129, 128],
    ] as const) {
      const f = frame(width, height);
      for (const level of [1, 6]) {
        const inline = await zlibPng(f, level, true);
        expect(inline.equals(await zlibPng(f, level, false)), `${width}×${height} level ${level}`).toBe(true);
        expect(inline.equals(await zlibPng(f, level)), `${width}×${height} level ${level} by default`).toBe(true);
      }
    }
  });

  it("refuses pixels that do not match the frame's size", async () => {
    await expect(zlibPng({ width: 4, height: 4, pixels: new Uint8Array(47) }, 1)).rejects.toThrow(
      "a 4×4 RGB frame has 48 bytes, got 47",
    );
  });
});

describe("encodeFramePng", () => {
  it("uses zlib up to ZLIB_MAX_PIXELS and sharp above", async () => {
    expect(ZLIB_MAX_PIXELS).toBe(256 * 256);
    const small = frame(256, 256);
    expect((await encodeFramePng(small, 1)).equals(await zlibPng(small, 1))).toBe(true);
    const large = frame(257, 256);
    expect((await encodeFramePng(large, 1)).equals(await encodePng(large, 1))).toBe(true);
    expect((await encodeFramePng(large, 1)).equals(await zlibPng(large, 1))).toBe(false);
  });
});

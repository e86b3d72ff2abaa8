/**
 * @module The benchmark's input picture, written with the server kit's PNG writer (no image library, so
 * benchmarking a URL needs nothing native), with gradients and a fine texture so that decoding, upscaling and
 * encoding cost what a photo of that size would rather than what a flat colour would.
 */
import { encodePng } from "@ai-video-subnet/server-kit";

/**
 * A `size`×`size` RGB PNG.
 * @example const png = testImage(256); // Uint8Array starting with the PNG signature
 */
export function testImage(size: number): Uint8Array<ArrayBuffer> {
  const rgb = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      const texture = ((x * 7919 + y * 104729) % 61) - 30;
      rgb[i] = clamp((x * 255) / size + texture);
      rgb[i + 1] = clamp((y * 255) / size - texture);
      rgb[i + 2] = clamp(128 + 100 * Math.sin((x + y) / 9) + texture);
    }
  }
  return encodePng(size, size, rgb);
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/** @module RGB pixels → PNG bytes and `data:` URLs (what the runner returns). */
import sharp from "sharp";
import type { RgbImage } from "./decode.js";

/**
 * Encodes RGB pixels as PNG (sharp works on libuv's thread pool, so the event loop stays free).
 * @example const png = await encodePng({ width: 2, height: 1, pixels: new Uint8Array(6) })
 */
export async function encodePng(image: RgbImage, compressionLevel = 3): Promise<Buffer> {
  return sharp(image.pixels, {
    raw: { width: image.width, height: image.height, channels: 3 },
    limitInputPixels: false,
  })
    .png({ compressionLevel })
    .toBuffer();
}

/**
 * A PNG data URL of an image.
 * @example (await pngDataUrl(image)).startsWith("data:image/png;base64,") // true
 */
export async function pngDataUrl(image: RgbImage, compressionLevel = 3): Promise<string> {
  return `data:image/png;base64,${(await encodePng(image, compressionLevel)).toString("base64")}`;
}

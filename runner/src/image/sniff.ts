/** @module Image type detection from the leading bytes, never from a Content-Type header or file name. */

/** The image formats the runner accepts. */
export type ImageFormat = "png" | "jpeg" | "webp";

/**
 * The format of an image from its magic bytes, or `undefined` when it is none of PNG, JPEG, WebP.
 * @example sniffImage(pngBytes) // "png"
 */
export function sniffImage(bytes: Uint8Array): ImageFormat | undefined {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d) return "png";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "webp";
  return undefined;
}

/** @module Image type detection from the leading bytes, never from a Content-Type header or file name. */
import { UnsupportedMediaError } from "../errors.js";

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

/** Bytes {@link sniffImage} looks at: WebP's `RIFF····WEBP` is the longest signature. */
export const SNIFF_BYTES = 12;

/**
 * The 415 of an upload that is not a PNG, JPEG or WebP file, from its first {@link SNIFF_BYTES} bytes (or all of it,
 * when shorter); undefined for an image, and for an empty upload (`decodeImage`'s 400 says it is empty). The one
 * message for both the decoder and the server's check of an upload's first bytes, which refuses it before the rest
 * has arrived.
 * @example notAnImage(Buffer.from("PK\x03\x04"), "image")?.message // "image must be a PNG, JPEG or WebP file; its bytes start with 50 4b 03 04"
 */
export function notAnImage(bytes: Uint8Array, field: string): UnsupportedMediaError | undefined {
  if (bytes.byteLength === 0 || sniffImage(bytes)) return undefined;
  const head = Array.from(bytes.subarray(0, 8), (x) => x.toString(16).padStart(2, "0")).join(" ");
  return new UnsupportedMediaError(`${field} must be a PNG, JPEG or WebP file; its bytes start with ${head}`);
}

/**
 * @module A minimal PNG writer (8-bit RGB, no filtering; PNG specification, ISO/IEC 15948): enough for inputs that
 * need no image library — benchmark workloads and test pictures — and for hand-built files such as a header that
 * claims a huge size.
 */
import { crc32, deflateSync } from "node:zlib";

/** The eight bytes every PNG starts with. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/**
 * One chunk: length, type, data and the CRC-32 of type and data.
 * @example pngChunk("IEND", new Uint8Array(0))
 */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * The IHDR data of an 8-bit RGB image of `width`×`height`.
 * @example pngChunk("IHDR", pngHeader(4, 4))
 */
export function pngHeader(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type 2 (RGB), deflate, no filter method, no interlace
  return ihdr;
}

/**
 * Encodes `width`×`height` RGB pixels (3 bytes each, row by row) as a PNG file.
 * @example encodePng(2, 1, Uint8Array.of(255, 0, 0, 0, 0, 255)) // a red and a blue pixel
 */
export function encodePng(width: number, height: number, rgb: Uint8Array): Uint8Array<ArrayBuffer> {
  const row = width * 3;
  if (rgb.length !== row * height) {
    throw new RangeError(`encodePng: ${width}×${height} RGB needs ${row * height} bytes, got ${rgb.length}`);
  }
  const raw = Buffer.alloc((row + 1) * height);
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * row, (y + 1) * row), y * (row + 1) + 1); // filter 0
  return new Uint8Array(
    Buffer.concat([
      PNG_SIGNATURE,
      pngChunk("IHDR", pngHeader(width, height)),
      pngChunk("IDAT", deflateSync(raw)),
      pngChunk("IEND", new Uint8Array(0)),
    ]),
  );
}

/**
 * `png` with `bytes` bytes of padding in a private ancillary chunk (`avSp`) after IHDR, which decoders skip: an
 * upload of any size that is still a valid picture (benchmark and test workloads).
 * @example padPng(encodePng(64, 64, rgb), 20 * 1024 * 1024) // a 20 MB upload of a 64×64 picture
 */
export function padPng(png: Uint8Array, bytes: number): Buffer {
  const file = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (bytes === 0) return Buffer.from(file);
  const afterHeader = PNG_SIGNATURE.length + 25;
  return Buffer.concat([
    file.subarray(0, afterHeader),
    pngChunk("avSp", Buffer.alloc(bytes, 7)),
    file.subarray(afterHeader),
  ]);
}

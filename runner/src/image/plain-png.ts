/**
 * @module A decoder for small, plain PNGs (PNG specification, ISO/IEC 15948: 8-bit gray, gray + alpha, RGB or
 * RGBA, not interlaced, no colour-management or orientation chunks) with Node's zlib on the calling thread. sharp's
 * per-call cost on the HTTP thread (its `metadata` and raw decode: ~1.5 ms per 64×64 upload, measured with
 * `--cpu-prof` on the runner) is larger than the whole decode of such an image. It gives the bytes sharp's
 * `rotate().removeAlpha().toColourspace("srgb").raw()` gives (gray repeated into R, G, B; alpha dropped, not
 * composited); any PNG it is not sure of — another layout, a chunk it does not know, a CRC or zlib stream that does
 * not check out, bytes after the image — is left to sharp, so errors and unusual files keep sharp's answer.
 */
import { crc32, inflateSync } from "node:zlib";
import type { RgbImage } from "./decode.js";

/** Images of at most this many pixels take the plain path (decoded inline: ~0.1 ms at 64×64). */
export const PLAIN_PNG_MAX_PIXELS = 256 * 256;

/** Channels per pixel of the colour types the plain path reads (0 gray, 2 RGB, 4 gray + alpha, 6 RGBA). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * Ancillary chunks that change nothing in sharp's pixels. Absent on purpose: colour management (`iCCP`, `gAMA`,
 * `cHRM`, `sRGB`, `sBIT`), `eXIf` (orientation), `tRNS`, `bKGD`, `PLTE`, animation.
 */
const HARMLESS = new Set(["pHYs", "tIME", "tEXt", "zTXt", "iTXt"]);

/** A PNG the plain path can read, its chunks checked but its pixels not yet inflated. */
export interface PlainPng {
  width: number;
  height: number;
  /** 1, 2, 3 or 4. */
  channels: number;
  /** The IDAT chunks' data, in order: one zlib stream. */
  idat: Uint8Array[];
}

const u32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const chunkType = (b: Uint8Array, at: number) => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
const crcHolds = (b: Uint8Array, at: number, length: number) =>
  at + 12 + length <= b.length && crc32(b.subarray(at + 4, at + 8 + length)) === u32(b, at + 8 + length);

/**
 * The size a PNG's header declares (the signature, then an IHDR of 13 bytes whose CRC holds), else `undefined`. Any
 * PNG's, not only a plain one's: the caller refuses a size over its limits before a decoder sees the file (libpng
 * refuses a side over a million pixels itself, with no reason given).
 * @example pngHeaderSize(bytes) // { width: 64, height: 64 }
 */
export function pngHeaderSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 33 || u32(bytes, 0) !== 0x89504e47 || u32(bytes, 4) !== 0x0d0a1a0a) return undefined;
  if (u32(bytes, 8) !== 13 || chunkType(bytes, 12) !== "IHDR" || !crcHolds(bytes, 8, 13)) return undefined;
  return { width: u32(bytes, 16), height: u32(bytes, 20) };
}

/**
 * The chunks of a PNG the plain path reads, else `undefined`: the signature; IHDR first, 8 bits, colour type 0, 2, 4
 * or 6, no interlace, 1 to {@link PLAIN_PNG_MAX_PIXELS} pixels; then only IDAT (consecutive) and the harmless
 * chunks, every CRC valid, and IEND last, ending the file. Nothing is inflated yet, so the caller can check the size
 * against its limits first.
 * @example readPlainPng(bytes) // { width: 64, height: 64, channels: 3, idat: [Uint8Array(…)] }
 */
export function readPlainPng(bytes: Uint8Array): PlainPng | undefined {
  const size = bytes.length >= 45 ? pngHeaderSize(bytes) : undefined;
  if (!size) return undefined;
  const { width, height } = size;
  const [depth, colour, compression, filter, interlace] = bytes.subarray(24, 29);
  const channels = CHANNELS[colour!];
  if (depth !== 8 || channels === undefined || compression !== 0 || filter !== 0 || interlace !== 0) return undefined;
  if (width === 0 || height === 0 || width > PLAIN_PNG_MAX_PIXELS || width * height > PLAIN_PNG_MAX_PIXELS) {
    return undefined;
  }
  const idat: Uint8Array[] = [];
  let idatEnded = false;
  for (let at = 33; ; ) {
    if (at + 12 > bytes.length) return undefined;
    const length = u32(bytes, at);
    const type = chunkType(bytes, at + 4);
    if (!crcHolds(bytes, at, length)) return undefined;
    if (type === "IEND") {
      return length === 0 && at + 12 === bytes.length && idat.length > 0
        ? { width, height, channels, idat }
        : undefined;
    }
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === "IDAT") {
      if (idatEnded) return undefined;
      idat.push(data);
    } else {
      if (!HARMLESS.has(type) || !harmlessText(type, data)) return undefined;
      if (idat.length > 0) idatEnded = true;
    }
    at += 12 + length;
  }
}

/**
 * The pixels of a {@link readPlainPng} as 8-bit RGB, or `undefined` when its zlib stream does not inflate to exactly
 * the image's filtered rows, ending with the last IDAT, or a row has an unknown filter (the caller then asks sharp).
 * @example const png = readPlainPng(bytes); const image = png && inflatePlainPng(png);
 */
export function inflatePlainPng(png: PlainPng): RgbImage | undefined {
  const { width, height, channels, idat } = png;
  const stride = width * channels;
  const expected = (stride + 1) * height;
  const stream = idat.length === 1 ? idat[0]! : Buffer.concat(idat);
  let rows: Buffer;
  try {
    const inflated = inflateSync(stream, { maxOutputLength: expected, info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    if (inflated.engine.bytesWritten !== stream.length) return undefined;
    rows = inflated.buffer;
  } catch {
    return undefined;
  }
  if (rows.length !== expected || !unfilter(rows, stride, height, channels)) return undefined;
  return { width, height, pixels: toRgb(rows, width, height, channels) };
}

/**
 * Text chunks are harmless unless they carry metadata an image library may read as orientation or colour (EXIF or
 * XMP stored as text, as ImageMagick and Adobe tools write them).
 */
function harmlessText(type: string, data: Uint8Array): boolean {
  if (type !== "tEXt" && type !== "zTXt" && type !== "iTXt") return true;
  const end = data.indexOf(0);
  const keyword = Buffer.from(data.buffer, data.byteOffset, end < 0 ? data.length : end).toString("latin1");
  return !keyword.startsWith("Raw profile") && !keyword.startsWith("XML:com.adobe.xmp");
}

/**
 * Undoes the five PNG filters in place (each row keeps its filter byte in front); false on an unknown filter type.
 * `bpp` is the filter's byte distance, the channels of an 8-bit pixel.
 */
function unfilter(rows: Uint8Array, stride: number, height: number, bpp: number): boolean {
  const line = stride + 1;
  for (let y = 0; y < height; y++) {
    const row = y * line + 1;
    const up = row - line;
    const filter = rows[row - 1]!;
    if (filter === 0) continue;
    if (filter === 1) {
      for (let i = bpp; i < stride; i++) rows[row + i] = (rows[row + i]! + rows[row + i - bpp]!) & 255;
    } else if (filter === 2) {
      if (y > 0) for (let i = 0; i < stride; i++) rows[row + i] = (rows[row + i]! + rows[up + i]!) & 255;
    } else if (filter === 3) {
      for (let i = 0; i < stride; i++) {
        const a = i >= bpp ? rows[row + i - bpp]! : 0;
        const b = y > 0 ? rows[up + i]! : 0;
        rows[row + i] = (rows[row + i]! + ((a + b) >> 1)) & 255;
      }
    } else if (filter === 4) {
      for (let i = 0; i < stride; i++) {
        const a = i >= bpp ? rows[row + i - bpp]! : 0;
        const b = y > 0 ? rows[up + i]! : 0;
        const c = i >= bpp && y > 0 ? rows[up + i - bpp]! : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        rows[row + i] = (rows[row + i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 255;
      }
    } else {
      return false;
    }
  }
  return true;
}

/** The unfiltered rows as interleaved RGB in a buffer of their own (gray repeated, alpha dropped). */
function toRgb(rows: Uint8Array, width: number, height: number, channels: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  const line = width * channels + 1;
  for (let y = 0, o = 0; y < height; y++) {
    let i = y * line + 1;
    if (channels === 3) {
      out.set(rows.subarray(i, i + width * 3), o);
      o += width * 3;
      continue;
    }
    for (let x = 0; x < width; x++, i += channels, o += 3) {
      if (channels === 4) {
        out[o] = rows[i]!;
        out[o + 1] = rows[i + 1]!;
        out[o + 2] = rows[i + 2]!;
      } else {
        out[o] = out[o + 1] = out[o + 2] = rows[i]!;
      }
    }
  }
  return out;
}

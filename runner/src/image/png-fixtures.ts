/**
 * @module PNG files built byte by byte for the decoder's tests: any 8-bit colour type, any filter per row, the zlib
 * stream split over several IDATs, extra chunks, and the ways to break a file (a CRC, the stream, the end).
 */
import { deflateSync } from "node:zlib";
import { PNG_SIGNATURE, pngChunk } from "@ai-video-subnet/server-kit";

/** How a test PNG is laid out. */
export interface PngLayout {
  width: number;
  height: number;
  /** 0 gray, 2 RGB, 4 gray + alpha, 6 RGBA. */
  colourType: 0 | 2 | 4 | 6;
  /** The filter type of row y: `filters[y % filters.length]` (0–4; other values make a broken file). */
  filters: number[];
  /** The image's samples, `width * height * channels` bytes. */
  samples: Uint8Array;
  /** Bytes per IDAT chunk (default: one IDAT). */
  idatSize?: number;
  /** Chunks written between IHDR and the first IDAT. */
  before?: Uint8Array[];
  /** The filtered rows' zlib stream, changed before it is split into IDATs. */
  stream?: (zlib: Buffer) => Uint8Array;
  /** The filtered rows, changed before they are deflated. */
  rows?: (rows: Uint8Array) => Uint8Array;
}

/** Channels per pixel of each 8-bit colour type. */
export const COLOUR_CHANNELS = { 0: 1, 2: 3, 4: 2, 6: 4 } as const;

/**
 * Writes a PNG as the layout says.
 * @example testPng({ width: 3, height: 2, colourType: 2, filters: [4], samples: new Uint8Array(18) })
 */
export function testPng(layout: PngLayout): Uint8Array {
  const { width, height, colourType, filters } = layout;
  const bpp = COLOUR_CHANNELS[colourType];
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, colourType, 0, 0, 0], 8);
  let rows: Uint8Array = filterRows(layout.samples, width * bpp, height, bpp, filters);
  if (layout.rows) rows = layout.rows(rows);
  const zlib = deflateSync(rows, { level: 6 });
  const stream = layout.stream ? layout.stream(zlib) : zlib;
  const size = layout.idatSize ?? Math.max(stream.length, 1);
  const idat: Uint8Array[] = [];
  for (let at = 0; at < stream.length || idat.length === 0; at += size) {
    idat.push(pngChunk("IDAT", stream.subarray(at, at + size)));
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk("IHDR", ihdr),
    ...(layout.before ?? []),
    ...idat,
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}

/** Filters each row with its type (PNG specification, §9.2); an unknown type is written with the samples as they are. */
function filterRows(samples: Uint8Array, stride: number, height: number, bpp: number, filters: number[]): Uint8Array {
  const out = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const type = filters[y % filters.length]!;
    out[y * (stride + 1)] = type;
    for (let i = 0; i < stride; i++) {
      const x = samples[y * stride + i]!;
      const a = i >= bpp ? samples[y * stride + i - bpp]! : 0;
      const b = y > 0 ? samples[(y - 1) * stride + i]! : 0;
      const c = i >= bpp && y > 0 ? samples[(y - 1) * stride + i - bpp]! : 0;
      let predicted = 0;
      if (type === 1) predicted = a;
      else if (type === 2) predicted = b;
      else if (type === 3) predicted = (a + b) >> 1;
      else if (type === 4) predicted = paeth(a, b, c);
      out[y * (stride + 1) + 1 + i] = (x - predicted) & 255;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Samples mixing noise and smooth ramps (so every Paeth branch and every wrap-around is taken), from a fixed seed.
 * @example testSamples(64 * 64 * 3, 1)
 */
export function testSamples(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (i >> 6) % 3 === 0 ? (s >>> 0) & 255 : (i * 7 + (i >> 5) * 3) & 255;
  }
  return out;
}

/**
 * A copy of `png` with one byte of the chunk of type `type` (its `n`-th, from 0) flipped at `offset` within the
 * chunk (0 = the length's first byte; 8 = its data's first byte).
 * @example corruptChunk(png, "IDAT", 0, 9)
 */
export function corruptChunk(png: Uint8Array, type: string, n: number, offset: number): Uint8Array {
  const out = Uint8Array.from(png);
  const view = Buffer.from(out.buffer);
  let seen = 0;
  for (let at = 8; at < out.length; ) {
    const length = view.readUInt32BE(at);
    if (view.toString("latin1", at + 4, at + 8) === type && seen++ === n) {
      out[at + offset]! ^= 0x5a;
      return out;
    }
    at += 12 + length;
  }
  throw new Error(`no chunk ${type} #${n}`);
}

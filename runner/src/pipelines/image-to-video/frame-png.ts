/**
 * @module PNG encoding of a video's frames: small frames with Node's zlib, large ones with sharp. sharp's per-call
 * cost on the JavaScript thread (about half a millisecond before any pixel work; measured with `--cpu-prof` on the
 * runner: 6.6 ms of its HTTP thread for the 14 frames of a 64×64 video) is what the frames' answer paid most for on
 * small videos; with zlib the HTTP thread only lays out the rows (one copy, a filter byte before each) and zlib
 * deflates on libuv's pool. On large frames sharp's own deflate is the faster one (measured at level 1, load ≈ 20:
 * 1024×576 3.6–5.9 ms per frame with sharp, 8.9–12 ms with zlib; 64×64 0.6–4 ms against 0.2 ms; even around
 * 256×256), hence {@link ZLIB_MAX_PIXELS}. The zlib PNG is 8-bit RGB, non-interlaced, every row with filter type 0
 * (None), as sharp writes it without adaptive filtering: the decoded pixels are the same either way.
 */
import { promisify } from "node:util";
import { crc32, deflate } from "node:zlib";
import type { RgbImage } from "../../image/decode.js";
import { encodePng } from "../../image/encode.js";

/** Frames of at most this many pixels are encoded with zlib, larger ones with sharp. */
export const ZLIB_MAX_PIXELS = 256 * 256;

const deflateAsync = promisify(deflate);

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk: length, type, data, CRC-32 of type and data. */
function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Encodes a video frame as PNG at zlib level `compressionLevel` (0–9, the runner's `PNG_COMPRESSION`): with
 * {@link zlibPng} up to {@link ZLIB_MAX_PIXELS}, else with sharp.
 *
 * @example const png = await encodeFramePng({ width: 64, height: 64, pixels }, 1);
 */
export function encodeFramePng(frame: RgbImage, compressionLevel: number): Promise<Buffer> {
  return frame.width * frame.height <= ZLIB_MAX_PIXELS
    ? zlibPng(frame, compressionLevel)
    : encodePng(frame, compressionLevel);
}

/**
 * Encodes an 8-bit RGB frame as PNG with Node's zlib at level `compressionLevel`. The frame's pixels are copied
 * before the first await, so the caller may let them go as soon as this returns.
 *
 * @example const png = await zlibPng({ width: 2, height: 1, pixels: new Uint8Array(6) }, 1);
 */
export async function zlibPng(frame: RgbImage, compressionLevel: number): Promise<Buffer> {
  const { width, height, pixels } = frame;
  const stride = width * 3;
  if (pixels.length !== stride * height) {
    throw new Error(`a ${width}×${height} RGB frame has ${stride * height} bytes, got ${pixels.length}`);
  }
  const rows = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) rows.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type 2 (RGB), deflate, filter method 0, no interlace
  const idat = await deflateAsync(rows, { level: compressionLevel });
  return Buffer.concat([SIGNATURE, chunk("IHDR", header), chunk("IDAT", idat), chunk("IEND", new Uint8Array(0))]);
}

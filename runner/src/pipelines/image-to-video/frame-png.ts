/**
 * @module PNG encoding of a video's frames: small frames with Node's zlib, large ones with sharp. sharp's per-call
 * cost on the JavaScript thread (about half a millisecond before any pixel work; measured with `--cpu-prof` on the
 * runner: 6.6 ms of its HTTP thread for the 14 frames of a 64×64 video) is what the frames' answer paid most for on
 * small videos; with zlib the HTTP thread only lays out the rows (one copy, a filter byte before each) and zlib
 * deflates on libuv's pool. On large frames sharp's own deflate is the faster one (measured at level 1, load ≈ 20:
 * 1024×576 3.6–5.9 ms per frame with sharp, 8.9–12 ms with zlib; 64×64 0.6–4 ms against 0.2 ms; even around
 * 256×256), hence {@link ZLIB_MAX_PIXELS}. The zlib PNG is 8-bit RGB, non-interlaced, every row with filter type 0
 * (None), as sharp writes it without adaptive filtering: the decoded pixels are the same either way. Frames up to
 * {@link ZLIB_INLINE_MAX_PIXELS} are deflated on the calling thread: for them the pool's per-call cost (a zlib stream
 * and its handle, the hop to the pool and back) is larger than the deflate itself (64×64 at level 1: ~0.15 ms of CPU
 * inline against ~0.4 ms through the pool; `--cpu-prof` on the runner: 1.2 ms of the HTTP thread per 14-frame 64×64
 * answer went to zlib's stream handling). The bytes are the same either way.
 */
import { promisify } from "node:util";
import { deflate, deflateSync } from "node:zlib";
import { PNG_SIGNATURE, pngChunk, pngHeader } from "@ai-video-subnet/server-kit";
import type { RgbImage } from "../../image/decode.js";
import { encodePng } from "../../image/encode.js";

/** Frames of at most this many pixels are encoded with zlib, larger ones with sharp. */
export const ZLIB_MAX_PIXELS = 256 * 256;

/** Frames of at most this many pixels are deflated on the calling thread (~0.15 ms at 64×64, ~0.2 ms at 128×128). */
export const ZLIB_INLINE_MAX_PIXELS = 128 * 128;

const deflateAsync = promisify(deflate);

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
 * Encodes an 8-bit RGB frame as PNG with Node's zlib at level `compressionLevel`: on the calling thread when `inline`
 * (by default for frames up to {@link ZLIB_INLINE_MAX_PIXELS}), else on libuv's pool. The frame's pixels are copied
 * before the first await, so the caller may let them go as soon as this returns.
 *
 * @example const png = await zlibPng({ width: 2, height: 1, pixels: new Uint8Array(6) }, 1);
 */
export async function zlibPng(
  frame: RgbImage,
  compressionLevel: number,
  inline = frame.width * frame.height <= ZLIB_INLINE_MAX_PIXELS,
): Promise<Buffer> {
  const { width, height, pixels } = frame;
  const stride = width * 3;
  if (pixels.length !== stride * height) {
    throw new Error(`a ${width}×${height} RGB frame has ${stride * height} bytes, got ${pixels.length}`);
  }
  const rows = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) rows.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const options = { level: compressionLevel };
  const idat = inline ? deflateSync(rows, options) : await deflateAsync(rows, options);
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk("IHDR", pngHeader(width, height)),
    pngChunk("IDAT", idat),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}

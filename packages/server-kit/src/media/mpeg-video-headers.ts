/**
 * @module The frame size of MPEG-1/2 video (ISO/IEC 13818-2 §6.2.2.1 sequence header, §6.2.2.3 sequence extension)
 * and of MPEG-4 part 2 video (ISO/IEC 14496-2 §6.2.3 VideoObjectLayer of rectangular shape), read from the headers
 * the stream carries, without decoding. Each reader takes the bytes after a start code's `00 00 01`.
 */
import { BitReader } from "./avc-sps.js";

/** A frame size. */
export interface FrameSize {
  width: number;
  height: number;
}

/**
 * The 12-bit width and height of an MPEG-1/2 sequence header (`B3` first); undefined for another code or zero sides.
 * @example mpegSequenceSize(Uint8Array.of(0xb3, 0x04, 0x00, 0x30)) // { width: 64, height: 48 }
 */
export function mpegSequenceSize(code: Uint8Array): FrameSize | undefined {
  if (code.length < 4 || code[0] !== 0xb3) return undefined;
  const width = (code[1]! << 4) | (code[2]! >> 4);
  const height = ((code[2]! & 15) << 8) | code[3]!;
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/**
 * An MPEG-2 sequence extension's 2-bit size extensions (`B5` then extension id 1): the high bits of a side over
 * 4095, added to a sequence header's size; `size` itself for any other code.
 * @example mpegExtendedSize({ width: 0, height: 2160 }, ext) // { width: 4096, height: 2160 } (size extensions 1 and 0)
 */
export function mpegExtendedSize(size: FrameSize, code: Uint8Array): FrameSize {
  if (code.length < 4 || code[0] !== 0xb5 || code[1]! >> 4 !== 1) return size;
  const high = (((code[2]! & 1) << 1) | (code[3]! >> 7)) << 12;
  const highHeight = ((code[3]! >> 5) & 3) << 12;
  return { width: size.width + high, height: size.height + highHeight };
}

/**
 * The size of an MPEG-4 part 2 VideoObjectLayer (`20`–`2F` first) of rectangular shape; undefined for another
 * code, another shape or a header cut short.
 * @example mpeg4VolSize(vol) // { width: 64, height: 48 }
 */
export function mpeg4VolSize(code: Uint8Array): FrameSize | undefined {
  if (code.length < 8 || code[0]! < 0x20 || code[0]! > 0x2f) return undefined;
  try {
    const bits = new BitReader(code.subarray(1));
    bits.u(1);
    bits.u(8);
    let verid = 1;
    if (bits.u(1)) {
      verid = bits.u(4);
      bits.u(3);
    }
    if (bits.u(4) === 15) bits.u(16);
    if (bits.u(1)) {
      bits.u(3);
      // vbv_parameters: 15+1+15+1+15+1+3+11+1+15+1 bits.
      if (bits.u(1)) for (const n of [15, 1, 15, 1, 15, 1, 3, 11, 1, 15, 1]) bits.u(n);
    }
    const shape = bits.u(2);
    if (shape === 3 && verid !== 1) bits.u(4);
    bits.u(1);
    const resolution = bits.u(16);
    bits.u(1);
    if (bits.u(1)) bits.u(Math.max(1, Math.ceil(Math.log2(resolution))));
    if (shape !== 0) return undefined;
    bits.u(1);
    const width = bits.u(13);
    bits.u(1);
    const height = bits.u(13);
    return width > 0 && height > 0 ? { width, height } : undefined;
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

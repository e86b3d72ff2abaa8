/**
 * @module The header of a Matroska `SimpleBlock` or `Block` (RFC 9559 §10.1–10.3: track number, a signed 16-bit
 * timestamp relative to its Cluster's, flags) and the lacing header of a laced one (§10.4: Xiph, fixed-size or
 * EBML lacing), which says how many frames the block holds. Lace sizes are checked as ffmpeg's demuxer checks them
 * (`matroska_parse_laces`): each at least 0 and all of them within the block; a block whose do not holds no frame
 * ffmpeg reads, and its count would be a wrong number.
 */
import { vint } from "./ebml.js";

/** What a block's header says. */
export interface BlockHeader {
  track: number;
  /** Ticks of the `TimestampScale` after its Cluster's `Timestamp` (may be negative). */
  timecode: number;
  /** 0: none, 1: Xiph, 2: fixed-size, 3: EBML. */
  lacing: number;
  /** Bytes of the track number, timestamp and flags. */
  length: number;
}

/**
 * The header at the start of a block's data (`bytes`, at least its first 12 bytes or the whole block); undefined when
 * the block is too short to hold one.
 * @example blockHeader(Uint8Array.of(0x81, 0x00, 0x2a, 0x80)) // { track: 1, timecode: 42, lacing: 0, length: 4 }
 */
export function blockHeader(bytes: Uint8Array): BlockHeader | undefined {
  const track = vint(bytes, 0);
  if (!track || track.length + 3 > bytes.length) return undefined;
  const at = track.length;
  const timecode = (((bytes[at]! << 8) | bytes[at + 1]!) << 16) >> 16;
  return { track: track.value, timecode, lacing: (bytes[at + 2]! >> 1) & 3, length: at + 3 };
}

/** A lacing header that gives no frames ffmpeg reads: what is wrong with it. */
export type LaceFault = string;

/** A lacing header cut by the end of its block, or longer than the bytes read of it. */
const pastData = (bytes: Uint8Array, size: number) =>
  bytes.length < size ? `its lace sizes run past the ${bytes.length} bytes read` : "its lace sizes run past its data";

/**
 * The frames of a laced block whose data after its header is `size` bytes, of which `bytes` holds the first (at
 * least the lacing header, or all `size`): the frame count, or what is wrong with its lace sizes.
 * @example laceCount(Uint8Array.of(1, 3, 9, 9, 9, 8, 8), 7, 1) // 2 (Xiph: a 3-byte frame, then the other 2)
 */
export function laceCount(bytes: Uint8Array, size: number, lacing: number): number | LaceFault {
  if (size < 1) return "it has no lace count";
  const laces = bytes[0]! + 1;
  let at = 1;
  let total = 0;
  if (lacing === 2) {
    return (size - 1) % laces === 0 ? laces : `its ${size - 1} bytes do not split into ${laces} equal frames`;
  }
  if (lacing === 1) {
    for (let n = 0; n < laces - 1; n++) {
      let byte: number;
      do {
        if (at >= bytes.length) return pastData(bytes, size);
        byte = bytes[at++]!;
        total += byte;
      } while (byte === 0xff);
    }
  } else {
    let previous = 0;
    for (let n = 0; n < laces - 1; n++) {
      const lace = vint(bytes, at);
      if (!lace) return pastData(bytes, size);
      // The first size is unsigned, the others differences from the one before (§10.4.4: the value minus 2^(7n-1) - 1).
      const laceSize = n === 0 ? lace.value : previous + lace.value - (2 ** (7 * lace.length - 1) - 1);
      if (laceSize < 0) return `a lace size of ${laceSize} bytes`;
      at += lace.length;
      total += laceSize;
      previous = laceSize;
    }
  }
  if (at + total > size) return `its ${laces} frames need ${at + total} bytes of its ${size}`;
  return laces;
}

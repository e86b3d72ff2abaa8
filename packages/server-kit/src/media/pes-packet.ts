/**
 * @module The header of a PES packet (ISO/IEC 13818-1 §2.4.3.6; in an MPEG-1 program stream, ISO/IEC 11172-1
 * §2.4.3.3): where its payload starts and the PTS it gives, the two things a frame count and a duration need.
 */

/** A PES header's payload offset (from the packet's `00 00 01`) and its PTS (33 bits, 90 kHz), if it gives one. */
export interface PesHeader {
  payload: number;
  pts: number | undefined;
}

/** The 33-bit time stamp coded in 5 bytes at `i` (3 + 15 + 15 bits between marker bits). */
const timestamp = (b: Uint8Array, i: number) =>
  ((b[i]! >> 1) & 7) * 2 ** 30 +
  ((b[i + 1]! << 7) | (b[i + 2]! >> 1)) * 2 ** 15 +
  ((b[i + 3]! << 7) | (b[i + 4]! >> 1));

/**
 * The header of the PES packet at the start of `b` (`00 00 01`, stream id, 16-bit length, then the MPEG-2 header,
 * or with `mpeg1` allowed the MPEG-1 one); undefined when `b` does not hold a whole header of either.
 * @example pesHeader(bytes) // { payload: 14, pts: 126000 }
 */
export function pesHeader(b: Uint8Array, mpeg1 = false): PesHeader | undefined {
  if (b.length < 9 || b[0] !== 0 || b[1] !== 0 || b[2] !== 1) return undefined;
  if (b[6]! >> 6 === 2) {
    const payload = 9 + b[8]!;
    if (payload > b.length) return undefined;
    return { payload, pts: b[7]! & 0x80 && payload >= 14 ? timestamp(b, 9) : undefined };
  }
  if (!mpeg1) return undefined;
  let i = 6;
  while (i < b.length && b[i] === 0xff && i < 6 + 16) i++;
  if (i < b.length && b[i]! >> 6 === 1) i += 2;
  const flags = (b[i] ?? 0) >> 4;
  if (flags === 2 || flags === 3) {
    const payload = i + (flags === 2 ? 5 : 10);
    return payload <= b.length ? { payload, pts: timestamp(b, i) } : undefined;
  }
  return b[i] === 0x0f ? { payload: i + 1, pts: undefined } : undefined;
}

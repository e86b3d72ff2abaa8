/**
 * @module The frame size an H.264 sequence parameter set codes (ITU-T H.264 §7.3.2.1.1 syntax, §7.4.2.1.1
 * semantics: macroblocks, field coding and the cropping window), read from an AVCDecoderConfigurationRecord
 * (ISO/IEC 14496-15 §5.3.3.1, `avcC`), without decoding: what the stream holds, not what its container claims.
 */

/** Profiles whose SPS carries chroma format, bit depths and scaling matrices (§7.3.2.1.1 `profile_idc == 100 …`). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/**
 * A most-significant-bit-first reader of a codec header, with Exp-Golomb codes; reading past its end throws a
 * RangeError.
 * @example new BitReader(Uint8Array.of(0xa0)).u(3) // 5
 */
export class BitReader {
  #bytes: Uint8Array;
  #at = 0;
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }
  /** The next `n` bits as an unsigned number. */
  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++, this.#at++) {
      const byte = this.#bytes[this.#at >> 3];
      if (byte === undefined) throw new RangeError("SPS cut short");
      v = v * 2 + ((byte >> (7 - (this.#at & 7))) & 1);
    }
    return v;
  }
  /** ue(v), §9.1. */
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) if (++zeros > 31) throw new RangeError("Exp-Golomb code over 32 bits");
    return 2 ** zeros - 1 + this.u(zeros);
  }
  /** se(v), §9.1.1. */
  se(): number {
    const k = this.ue();
    return k & 1 ? (k + 1) / 2 : -k / 2;
  }
}

/**
 * A NAL unit's RBSP: `00 00 03` loses its `03` (H.264 §7.4.1, H.265 §7.4.2).
 * @example rbsp(Uint8Array.of(0, 0, 3, 1)) // Uint8Array [0, 0, 1]
 */
export function rbsp(nal: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0, zeros = 0; i < nal.length; i++) {
    if (zeros >= 2 && nal[i] === 3) {
      zeros = 0;
      continue;
    }
    zeros = nal[i] === 0 ? zeros + 1 : 0;
    out.push(nal[i]!);
  }
  return Uint8Array.from(out);
}

/** Skips a scaling_list of `size` coefficients (§7.3.2.1.1.1). */
function skipScalingList(bits: BitReader, size: number): void {
  for (let j = 0, last = 8, next = 8; j < size && next !== 0; j++) {
    next = (last + bits.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/** Skips `seq_scaling_matrix_present_flag` and the lists it announces (8, or 12 in 4:4:4). */
function skipScalingMatrices(bits: BitReader, chroma: number): void {
  if (bits.u(1) === 0) return;
  for (let i = 0; i < (chroma === 3 ? 12 : 8); i++) {
    const present = bits.u(1);
    if (present) skipScalingList(bits, i < 6 ? 16 : 64);
  }
}

/**
 * The cropped frame size a sequence parameter set NAL unit (its header byte first) codes; undefined when it is
 * not one or is cut short.
 * @example spsFrameSize(sps) // { width: 1920, height: 1080 } (1088 coded rows, 8 cropped)
 */
export function spsFrameSize(nal: Uint8Array): { width: number; height: number } | undefined {
  if (nal.length < 4 || (nal[0]! & 0x1f) !== 7) return undefined;
  try {
    const bits = new BitReader(rbsp(nal.subarray(1)));
    const profile = bits.u(8);
    bits.u(16);
    bits.ue();
    let chroma = 1;
    let separatePlanes = 0;
    if (HIGH_PROFILES.has(profile)) {
      chroma = bits.ue();
      if (chroma === 3) separatePlanes = bits.u(1);
      bits.ue();
      bits.ue();
      bits.u(1);
      skipScalingMatrices(bits, chroma);
    }
    bits.ue();
    const pocType = bits.ue();
    if (pocType === 0) bits.ue();
    else if (pocType === 1) {
      bits.u(1);
      bits.se();
      bits.se();
      for (let i = bits.ue(); i > 0; i--) bits.se();
    }
    bits.ue();
    bits.u(1);
    const widthMbs = bits.ue() + 1;
    const heightUnits = bits.ue() + 1;
    const frameMbsOnly = bits.u(1);
    if (!frameMbsOnly) bits.u(1);
    bits.u(1);
    const crop = bits.u(1) ? [bits.ue(), bits.ue(), bits.ue(), bits.ue()] : [0, 0, 0, 0];
    // Table 6-1: 4:2:0 halves both sides, 4:2:2 the width; monochrome and separate planes crop by luma samples.
    const sampled = chroma !== 0 && separatePlanes === 0;
    const cropX = sampled && chroma < 3 ? 2 : 1;
    const cropY = (sampled && chroma === 1 ? 2 : 1) * (2 - frameMbsOnly);
    const width = widthMbs * 16 - cropX * (crop[0]! + crop[1]!);
    const height = (2 - frameMbsOnly) * heightUnits * 16 - cropY * (crop[2]! + crop[3]!);
    return width > 0 && height > 0 ? { width, height } : undefined;
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

/**
 * The frame size of the first SPS of an AVCDecoderConfigurationRecord (`avcC`: 5 bytes, the SPS count in the
 * low 5 bits of the sixth, then each SPS after its 16-bit length); undefined when it holds none.
 * @example avcConfigFrameSize(avcC) // { width: 64, height: 48 }
 */
export function avcConfigFrameSize(record: Uint8Array): { width: number; height: number } | undefined {
  if (record.length < 8 || record[0] !== 1 || (record[5]! & 0x1f) === 0) return undefined;
  const length = (record[6]! << 8) | record[7]!;
  return length > 0 && 8 + length <= record.length ? spsFrameSize(record.subarray(8, 8 + length)) : undefined;
}

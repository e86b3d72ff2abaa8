/**
 * @module The frame size an HEVC sequence parameter set codes (ITU-T H.265 §7.3.2.2.1 syntax, §7.4.3.2.1
 * semantics: `pic_width/height_in_luma_samples` less the conformance window, in chroma units), without decoding:
 * what the stream holds, not what its container claims.
 */
import { BitReader, rbsp } from "./avc-sps.js";

/** The SPS NAL unit type (H.265 Table 7-1). */
const SPS_NUT = 33;

/** Skips profile_tier_level(1, maxSubLayersMinus1) (§7.3.3): 88 bits of general profile, its level, the sub-layers'. */
function skipProfileTierLevel(bits: BitReader, maxSubLayersMinus1: number): void {
  bits.u(32);
  bits.u(32);
  bits.u(24);
  bits.u(8);
  const present: [number, number][] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) present.push([bits.u(1), bits.u(1)]);
  if (maxSubLayersMinus1 > 0) for (let i = maxSubLayersMinus1; i < 8; i++) bits.u(2);
  for (const [profile, level] of present) {
    if (profile) for (const n of [32, 32, 24]) bits.u(n);
    if (level) bits.u(8);
  }
}

/**
 * The cropped frame size an HEVC sequence parameter set NAL unit (its 2-byte header first) codes; undefined when it
 * is not one or is cut short.
 * @example hevcSpsFrameSize(sps) // { width: 1920, height: 1080 } (1088 coded rows, 8 cropped)
 */
export function hevcSpsFrameSize(nal: Uint8Array): { width: number; height: number } | undefined {
  if (nal.length < 4 || ((nal[0]! >> 1) & 0x3f) !== SPS_NUT) return undefined;
  try {
    const bits = new BitReader(rbsp(nal.subarray(2)));
    bits.u(4);
    const maxSubLayersMinus1 = bits.u(3);
    bits.u(1);
    skipProfileTierLevel(bits, maxSubLayersMinus1);
    bits.ue();
    const chroma = bits.ue();
    const separatePlanes = chroma === 3 ? bits.u(1) : 0;
    const width = bits.ue();
    const height = bits.ue();
    const crop = bits.u(1) ? [bits.ue(), bits.ue(), bits.ue(), bits.ue()] : [0, 0, 0, 0];
    // Table 6-1: SubWidthC is 2 in 4:2:0 and 4:2:2, SubHeightC in 4:2:0; monochrome and separate planes crop by 1.
    const sampled = chroma !== 0 && separatePlanes === 0;
    const subWidth = sampled && chroma < 3 ? 2 : 1;
    const subHeight = sampled && chroma === 1 ? 2 : 1;
    const w = width - subWidth * (crop[0]! + crop[1]!);
    const h = height - subHeight * (crop[2]! + crop[3]!);
    return w > 0 && h > 0 ? { width: w, height: h } : undefined;
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

/**
 * @module HDR to SDR, and wide gamut to BT.709, for decoding: a video whose transfer is PQ (SMPTE ST 2084, HDR10)
 * or HLG (ARIB STD-B67) holds light levels up to 1,000–10,000 cd/m² in BT.2020 primaries; read as if it were BT.709,
 * its highlights clip and its colours come out dim and washed out. The decoder tone-maps it instead, in ffmpeg's filter graph (zimg's `zscale`
 * for the conversions, `tonemap` for the curve), so the models and the encoder see BT.709 SDR frames like any other.
 *
 * The chain: to linear light with 100 cd/m² (SDR white) as 1.0 (`npl=100`), BT.2020 primaries to BT.709 in linear
 * light, `tonemap=mobius` (values up to 0.3 of SDR white, about 30 cd/m², are kept as they are; brighter ones are
 * rolled off smoothly into the range up to the peak), no desaturation (`desat=0`: every pixel's R, G and B are
 * scaled by one factor, so hue and saturation are kept), then BT.709's transfer, full-range RGB. The peak is
 * ffmpeg's: the stream's MaxCLL, else its mastering display's maximum, else 1,000 cd/m² (HLG's nominal peak, and
 * the level most PQ video is mastered to). Measured on flat patches (10-bit, no metadata): 26 cd/m² (18 % of
 * HDR reference white) → 146 of 255 (what a BT.1886 display, gamma 2.4 and white at 100 cd/m², shows as
 * 26 cd/m²), 203 cd/m² (reference white) → 235, 1,000 cd/m² → 255; `hable` made them 97,
 * 193, 255 (mid-tones a third darker), `reinhard` 138, 225, 255, `clip` 146, 255, 255 (reference white clipped).
 *
 * Wide-gamut SDR — BT.2020 (or Display P3) primaries with an SDR transfer (`bt2020-10`, `bt2020-12`, `bt709`, …), as
 * phones and broadcast deliver — holds the same light levels in wider primaries: read as BT.709 its colours came out
 * desaturated (a BT.709 red of 200, 30, 30 encoded in BT.2020 was decoded as 165, 69, 44). It gets the primaries
 * conversion alone, no tone mapping: one `zscale` from the stream's transfer and primaries to BT.709's (zimg converts
 * primaries in linear light, display-referred: BT.1886's gamma 2.4, as ITU-R BT.2087 §2 case #2 does), full-range
 * RGB; colours outside BT.709 clip. The same red comes back as 200, 30, 30.
 * BT.709 SDR video (and untagged) gets no filter at all: its frames are byte for byte what they were.
 */

/** The colour description of a video stream, as ffprobe names it (`color_transfer`, …); absent when untagged. */
export interface VideoColor {
  /** e.g. `bt709`, `smpte2084` (PQ), `arib-std-b67` (HLG). */
  transfer?: string;
  /** e.g. `bt709`, `bt2020`. */
  primaries?: string;
  /** The YUV matrix, e.g. `bt709`, `bt2020nc`. */
  matrix?: string;
  /** `tv` (limited) or `pc` (full). */
  range?: string;
}

/** The HDR transfers that are tone-mapped, by ffprobe's name → zscale's. */
const HDR_TRANSFERS: Readonly<Record<string, string>> = { smpte2084: "smpte2084", "arib-std-b67": "arib-std-b67" };

/** Primaries and matrices zscale reads, by ffprobe's name; an HDR stream that names none is taken as BT.2020. */
const PRIMARIES: Readonly<Record<string, string>> = { bt2020: "2020", bt709: "709", smpte432: "smpte432" };
const MATRICES: Readonly<Record<string, string>> = {
  bt2020nc: "2020_ncl",
  bt2020c: "2020_cl",
  bt709: "709",
  smpte170m: "170m",
  bt470bg: "470bg",
};

/**
 * The SDR transfers a wide-gamut stream is read with, by ffprobe's name (zscale takes the same names); an untagged
 * one is taken as BT.709's. Other transfers (log curves, …) are left alone.
 */
const SDR_TRANSFERS = new Set(["bt709", "bt2020-10", "bt2020-12", "smpte170m", "iec61966-2-1"]);

/** Wide-gamut primaries (D65 white, as BT.709's) converted for SDR, with the matrix assumed when none is tagged. */
const WIDE_GAMUTS: Readonly<Record<string, string>> = { bt2020: "2020_ncl", smpte432: "709" };

/** The tone-mapping curve and its settings (see the module comment for why). */
export const TONE_MAP = { curve: "mobius", desat: 0, nominalPeak: 100 } as const;

/**
 * Whether a stream of this colour description is HDR (PQ or HLG transfer), i.e. tone-mapped by the decoder.
 * @example isHdr({ transfer: "arib-std-b67" }) // true
 */
export function isHdr(color: VideoColor | undefined): boolean {
  return color?.transfer !== undefined && color.transfer in HDR_TRANSFERS;
}

/**
 * The ffmpeg filter chain that tone-maps an HDR stream to BT.709 SDR full-range planar RGB (8 bits), or `undefined`
 * for a stream that is not HDR. Input transfer, primaries, matrix and range are spelled out from the probe, so a
 * stream whose frames carry fewer tags than its headers is read the same way.
 * @example toneMapFilter({ transfer: "smpte2084", primaries: "bt2020", matrix: "bt2020nc", range: "tv" })
 * // "zscale=tin=smpte2084:pin=2020:min=2020_ncl:rin=limited:t=linear:npl=100,format=gbrpf32le,zscale=p=709,tonemap=…"
 */
export function toneMapFilter(color: VideoColor | undefined): string | undefined {
  if (!color || !isHdr(color)) return undefined;
  const input = [
    `tin=${HDR_TRANSFERS[color.transfer!]}`,
    `pin=${PRIMARIES[color.primaries ?? ""] ?? "2020"}`,
    `min=${MATRICES[color.matrix ?? ""] ?? "2020_ncl"}`,
    `rin=${color.range === "pc" ? "full" : "limited"}`,
  ].join(":");
  return [
    `zscale=${input}:t=linear:npl=${TONE_MAP.nominalPeak}`,
    "format=gbrpf32le",
    "zscale=p=709",
    `tonemap=tonemap=${TONE_MAP.curve}:desat=${TONE_MAP.desat}`,
    "zscale=t=709:m=709:r=full",
    "format=gbrp",
  ].join(",");
}

/**
 * Whether a stream of this colour description is wide-gamut SDR (BT.2020 or Display P3 primaries, an SDR or no
 * transfer), i.e. converted to BT.709 primaries by the decoder.
 * @example isWideGamutSdr({ primaries: "bt2020", transfer: "bt2020-10" }) // true
 */
export function isWideGamutSdr(color: VideoColor | undefined): boolean {
  if (!color?.primaries || !(color.primaries in WIDE_GAMUTS)) return false;
  return color.transfer === undefined || SDR_TRANSFERS.has(color.transfer);
}

/**
 * The ffmpeg filter that converts a wide-gamut SDR stream to BT.709 primaries and transfer, full-range planar RGB
 * (8 bits), without tone mapping, or `undefined` for a stream that is not one.
 * @example gamutFilter({ transfer: "bt2020-10", primaries: "bt2020", matrix: "bt2020nc", range: "tv" })
 * // "zscale=tin=bt2020-10:pin=bt2020:min=2020_ncl:rin=limited:t=709:p=709:m=709:r=full,format=gbrp"
 */
export function gamutFilter(color: VideoColor | undefined): string | undefined {
  if (!color || !isWideGamutSdr(color)) return undefined;
  const input = [
    `tin=${color.transfer ?? "bt709"}`,
    `pin=${color.primaries}`,
    `min=${MATRICES[color.matrix ?? ""] ?? WIDE_GAMUTS[color.primaries!]}`,
    `rin=${color.range === "pc" ? "full" : "limited"}`,
  ].join(":");
  return `zscale=${input}:t=709:p=709:m=709:r=full,format=gbrp`;
}

/**
 * The decoder's colour filter: HDR tone mapping ({@link toneMapFilter}), else the wide-gamut conversion
 * ({@link gamutFilter}), else none (BT.709 SDR decodes untouched).
 * @example colorFilter({ primaries: "bt709", transfer: "bt709" }) // undefined
 */
export function colorFilter(color: VideoColor | undefined): string | undefined {
  return toneMapFilter(color) ?? gamutFilter(color);
}

/**
 * @module Wide-gamut SDR video (BT.2020 or Display P3 primaries, an SDR transfer) is converted to BT.709 primaries
 * when decoded, without tone mapping. Each clip holds three flat patches of known BT.709 colours, encoded into the
 * clip's primaries here, from the primaries' chromaticities (ITU-R BT.2087 §2 case #2: BT.1886's gamma 2.4 to
 * display light, the 3×3 primaries conversion, back to gamma 2.4): decoded, they must come back as those colours.
 */
import { describe, expect, it } from "vitest";
import { decodeArgs } from "../src/video/decode.js";
import { decodeVideo, probeVideo, startDecoder } from "../src/video/index.js";
import { cleanVideoDir, ffmpeg } from "./video-fixtures.js";

type Matrix = number[][];

/** CIE xy of red, green, blue (D65 white for all three): BT.709, BT.2020, Display P3 (SMPTE EG 432-1). */
const PRIMARIES: Record<string, [number, number][]> = {
  bt709: [
    [0.64, 0.33],
    [0.3, 0.6],
    [0.15, 0.06],
  ],
  bt2020: [
    [0.708, 0.292],
    [0.17, 0.797],
    [0.131, 0.046],
  ],
  smpte432: [
    [0.68, 0.32],
    [0.265, 0.69],
    [0.15, 0.06],
  ],
};
const D65 = [0.3127 / 0.329, 1, (1 - 0.3127 - 0.329) / 0.329];

/** Luma coefficients (Kr, Kb) of the Y'CbCr matrices used. */
const LUMA: Record<string, [number, number]> = { bt2020nc: [0.2627, 0.0593], bt709: [0.2126, 0.0722] };

const multiply = (m: Matrix, v: number[]) => m.map((row) => row.reduce((s, x, i) => s + x * v[i]!, 0));

const product = (a: Matrix, b: Matrix) =>
  a.map((row) =>
    [0, 1, 2].map(
      (c) =>
        multiply(
          [row],
          b.map((r) => r[c]!),
        )[0]!,
    ),
  );

function invert(m: Matrix): Matrix {
  const [a, b, c, d, e, f, g, h, i] = m.flat() as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

/** Linear RGB → XYZ of a set of primaries (each primary's XYZ, scaled so that R = G = B = 1 is the white). */
function toXyz(primaries: [number, number][]): Matrix {
  const columns = primaries.map(([x, y]) => [x / y, 1, (1 - x - y) / y]);
  const p = [0, 1, 2].map((row) => columns.map((col) => col[row]!));
  const scale = multiply(invert(p), D65);
  return p.map((row) => row.map((x, i) => x * scale[i]!));
}

/** 10-bit limited-range Y'CbCr of the BT.709 8-bit colour `rgb`, encoded in `primaries` and matrix `matrix`. */
function encodeIn(rgb: number[], primaries: string, matrix: string): number[] {
  const fromBt709 = product(invert(toXyz(PRIMARIES[primaries]!)), toXyz(PRIMARIES.bt709!));
  const light = multiply(
    fromBt709,
    rgb.map((v) => (v / 255) ** 2.4),
  );
  const [r, g, b] = light.map((l) => Math.min(1, Math.max(0, l)) ** (1 / 2.4)) as [number, number, number];
  const [kr, kb] = LUMA[matrix]!;
  const y = kr * r + (1 - kr - kb) * g + kb * b;
  const [cb, cr] = [(b - y) / (2 * (1 - kb)), (r - y) / (2 * (1 - kr))];
  return [64 + 876 * y, 512 + 896 * cb, 512 + 896 * cr].map(Math.round);
}

/** Saturated red, green and a skin tone: BT.709 colours a wider gamut encodes with visibly other numbers. */
const COLOURS = [
  [200, 30, 30],
  [40, 180, 60],
  [224, 172, 140],
];

const [W, H] = [96, 32];

/** A lossless 10-bit 4:4:4 HEVC clip (4 frames) of the three {@link COLOURS}, 32 px wide each, in `primaries`. */
async function wideClip(out: string, primaries: string, trc: string, matrix: string) {
  const codes = COLOURS.map((c) => encodeIn(c, primaries, matrix));
  const plane = (i: number) => `if(lt(X,32),${codes[0]![i]},if(lt(X,64),${codes[1]![i]},${codes[2]![i]}))`;
  await ffmpeg([
    ...["-f", "lavfi", "-i", `color=black:s=${W}x${H}:r=25:d=0.16,format=yuv444p10le`],
    ...["-vf", `geq=lum='${plane(0)}':cb='${plane(1)}':cr='${plane(2)}'`],
    ...["-c:v", "libx265", "-x265-params", "lossless=1:log-level=error", "-pix_fmt", "yuv444p10le"],
    ...["-color_primaries", primaries, "-color_trc", trc, "-colorspace", matrix, "-color_range", "tv", out],
  ]);
  return out;
}

/** R, G, B at the centre of each patch of a frame of rgb24 bytes. */
const patches = (rgb: Uint8Array) => [16, 48, 80].map((x) => [...rgb.subarray((16 * W + x) * 3, (16 * W + x) * 3 + 3)]);

/** The largest difference of any channel of any patch from {@link COLOURS}. */
const farthest = (got: number[][]) =>
  Math.max(...got.flatMap((p, i) => p.map((v, c) => Math.abs(v - COLOURS[i]![c]!))));

describe("wide-gamut SDR video is converted to BT.709 primaries when decoded", () => {
  const dir = cleanVideoDir();

  it.each([
    ["BT.2020, bt2020-10 (a phone's SDR)", "bt2020", "bt2020-10", "bt2020nc"],
    ["BT.2020, bt2020-12", "bt2020", "bt2020-12", "bt2020nc"],
    ["BT.2020, bt709 transfer (broadcast)", "bt2020", "bt709", "bt2020nc"],
    ["Display P3, bt709 transfer", "smpte432", "bt709", "bt709"],
  ])("%s: each patch comes back as its BT.709 colour", async (_, primaries, trc, matrix) => {
    const file = await wideClip(dir.path(`${primaries}-${trc}.mp4`), primaries, trc, matrix);
    const probe = await probeVideo(file);
    expect(probe.video.color).toEqual({ transfer: trc, primaries, matrix, range: "tv" });
    // Read as BT.709 (a plain rgb24 decode), the colours were off by dozens of code values.
    const plain = await ffmpeg([...decodeArgs(file, 0).slice(0, -1), "-frames:v", "1", "pipe:1"]);
    expect(farthest(patches(plain))).toBeGreaterThan(20);
    for (const started of [false, true]) {
      // A decoder started before the probe (which could not know the gamut) is replaced by one that converts.
      const decoder = started ? startDecoder(file) : undefined;
      let frames = 0;
      for await (const f of decodeVideo(probe, decoder ? { started: decoder } : {})) {
        expect(farthest(patches(f.rgb))).toBeLessThanOrEqual(2);
        frames++;
      }
      expect(frames).toBe(4);
    }
  });
});

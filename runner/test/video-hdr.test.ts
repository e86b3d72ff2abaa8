/**
 * @module HDR video (PQ and HLG, BT.2020, 10-bit HEVC made with libx265) is tone-mapped to BT.709 SDR when decoded;
 * BT.709 SDR video decodes to exactly the bytes it did before. Each HDR clip holds three flat grey patches of known light
 * levels, so the decoded values can be checked against what an SDR display must show for them.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createVideoEncoder,
  decodeVideo,
  encodeOptionsFor,
  probeVideo,
  startDecoder,
  type VideoFrame,
} from "../src/video/index.js";
import { cleanVideoDir, ffmpeg, ffprobe, lavfiClip } from "./video-fixtures.js";

const [W, H] = [96, 32];

/**
 * A 10-bit HEVC clip (lossless, 4 frames) of three 32-px-wide grey patches with limited-range luma codes `codes`,
 * tagged BT.2020 with transfer `trc`.
 */
async function hdrClip(out: string, trc: string, codes: [number, number, number], x265 = "") {
  const [a, b, c] = codes;
  await ffmpeg([
    ...["-f", "lavfi", "-i", `color=black:s=${W}x${H}:r=25:d=0.16,format=yuv420p10le`],
    ...["-vf", `geq=lum='if(lt(X,32),${a},if(lt(X,64),${b},${c}))':cb=512:cr=512`],
    ...["-c:v", "libx265", "-x265-params", `lossless=1:log-level=error${x265}`, "-pix_fmt", "yuv420p10le"],
    ...["-color_primaries", "bt2020", "-color_trc", trc, "-colorspace", "bt2020nc", "-color_range", "tv", out],
  ]);
  return out;
}

/** R, G, B at the centre of each patch of a decoded frame. */
function patches(f: { rgb: Uint8Array; width: number }): number[][] {
  return [16, 48, 80].map((x) => {
    const at = (16 * f.width + x) * 3;
    return [f.rgb[at]!, f.rgb[at + 1]!, f.rgb[at + 2]!];
  });
}

async function frames(file: string, started = false): Promise<VideoFrame[]> {
  const probe = await probeVideo(file);
  const out: VideoFrame[] = [];
  const decoder = started ? startDecoder(file) : undefined;
  for await (const f of decodeVideo(probe, decoder ? { started: decoder } : {})) out.push(f);
  return out;
}

/** The grey level of each patch, after checking that every patch is grey (R = G = B) in every frame. */
function greys(decoded: VideoFrame[]): number[] {
  const levels = patches(decoded[0]!).map((p) => p[0]!);
  for (const f of decoded) expect(patches(f)).toEqual(levels.map((l) => [l, l, l]));
  return levels;
}

describe("HDR video is tone-mapped to BT.709 SDR when decoded", () => {
  const dir = cleanVideoDir();

  // Limited-range 10-bit luma codes: PQ 397 / 573 / 723 are 26, 204 and 1004 cd/m² (18 % grey of HDR reference
  // white, reference white, a highlight at the assumed peak). HLG 397 / 721 / 940 (signal 0.38, 0.75, 1.0) are the
  // same grey and reference white on HLG's 1,000 cd/m² display, and its peak.
  // What an SDR display (BT.1886: gamma 2.4, white 100 cd/m²) must get: 26 cd/m² is below mobius's knee (0.3 of
  // SDR white), kept as it is: 255 · 0.26^(1/2.4) = 145.5 → 146 (±2 for zimg's rounding). Reference white is rolled
  // off below the peak, not clipped: 235 (±3), well above the 148 (PQ) and 191 (HLG) it got read as BT.709 video.
  // The 1,000 cd/m² peak (no metadata: ffmpeg assumes 1,000) is SDR white, 255; read as BT.709 PQ gave 192.
  it.each([
    ["PQ", "smpte2084", [397, 573, 723]],
    ["HLG", "arib-std-b67", [397, 721, 940]],
  ] as const)("%s: grey, reference white and peak land on SDR's grey, near-white and white", async (_, trc, codes) => {
    const file = await hdrClip(dir.path(`${trc}.mp4`), trc, [...codes]);
    const probe = await probeVideo(file);
    expect(probe.video.color).toEqual({ transfer: trc, primaries: "bt2020", matrix: "bt2020nc", range: "tv" });
    const [grey, white, peak] = greys(await frames(file));
    expect(Math.abs(grey! - 146)).toBeLessThanOrEqual(2);
    expect(Math.abs(white! - 235)).toBeLessThanOrEqual(3);
    expect(peak).toBe(255);
    // A decoder started before the probe (which could not know the stream is HDR) is replaced by one that tone-maps.
    expect(greys(await frames(file, true))).toEqual([grey, white, peak]);
  });

  it("PQ with MaxCLL 4000: the peak follows the metadata, so 1,000 cd/m² is no longer white", async () => {
    const meta =
      ":hdr10=1:max-cll=4000,400:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(40000000,50)";
    const file = await hdrClip(dir.path("pq-meta.mp4"), "smpte2084", [397, 573, 723], meta);
    const [grey, , highlight] = greys(await frames(file));
    expect(Math.abs(grey! - 146)).toBeLessThanOrEqual(2);
    expect(highlight).toBeGreaterThan(240);
    expect(highlight).toBeLessThan(255);
  });

  it("encoded again, a tone-mapped clip is tagged BT.709, limited range, and keeps its levels", async () => {
    const file = await hdrClip(dir.path("hlg-in.mp4"), "arib-std-b67", [397, 721, 940]);
    const probe = await probeVideo(file);
    const out = dir.path("hlg-out.mp4");
    const encoder = createVideoEncoder({ ...encodeOptionsFor(probe), output: out });
    for await (const f of decodeVideo(probe)) await encoder.write(f.rgb, f.pts);
    await encoder.finish();
    const tags = await ffprobe([
      ...["-select_streams", "v:0", "-show_entries", "stream=color_space,color_transfer,color_primaries,color_range"],
      ...["-of", "default=noprint_wrappers=1", out],
    ]);
    expect(tags.trim().split("\n").sort()).toEqual([
      "color_primaries=bt709",
      "color_range=tv",
      "color_space=bt709",
      "color_transfer=bt709",
    ]);
    const [grey, white, peak] = patches((await frames(out))[0]!).map((p) => p[1]!);
    // The 8-bit 4:2:0 H.264 round trip moves a flat grey by at most a step or two.
    expect(Math.abs(grey! - 146)).toBeLessThanOrEqual(3);
    expect(Math.abs(white! - 235)).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThanOrEqual(252);
  });

  it("BT.709 SDR video takes no filter: its frames are byte for byte ffmpeg's plain rgb24 decode", async () => {
    const sdr = [
      await lavfiClip(dir.path("sdr8.mp4"), { size: "64x48", rate: "12", seconds: 0.5 }),
      // Untagged 8-bit H.264 and 10-bit HEVC: neither is HDR.
      await lavfiClip(dir.path("sdr10.mp4"), {
        size: "64x48",
        rate: "12",
        seconds: 0.5,
        videoArgs: ["-c:v", "libx265", "-x265-params", "log-level=error", "-pix_fmt", "yuv420p10le"],
      }),
      // Tagged BT.709 throughout: SDR in BT.709's own gamut, so no gamut conversion either.
      await lavfiClip(dir.path("sdr709.mp4"), {
        size: "64x48",
        rate: "12",
        seconds: 0.5,
        videoArgs: [
          ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
          ...["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709"],
        ],
      }),
    ];
    for (const file of sdr) {
      const plain = await ffmpeg([
        ...["-i", file, "-map", "0:0", "-fps_mode", "passthrough"],
        ...["-sws_flags", "bicubic+accurate_rnd+full_chroma_int", "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"],
      ]);
      const decoded = Buffer.concat((await frames(file)).map((f) => f.rgb));
      const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");
      expect(md5(decoded)).toBe(md5(plain));
    }
  });
});

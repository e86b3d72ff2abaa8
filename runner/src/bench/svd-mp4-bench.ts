/**
 * @module The mp4 half of `avs-runner bench --pipeline image-to-video`: the answer's PNG frames encoded to H.264
 * yuv420p as the orchestrator does (PNGs piped into ffmpeg, libx264), once per x264 preset, each timed against the
 * floor measured in the same run — ffmpeg reading the same PNGs and writing nothing (`-f null`), the work no preset
 * avoids. Per preset: ms per frame, the ratio to the floor, the mp4's bytes, and the PSNR of its frames decoded back
 * against the PNGs (RGB, whole frames), so speed, size and fidelity are weighed in one table.
 */
import { spawn } from "node:child_process";
import sharp from "sharp";

/** The presets compared, slowest first; the orchestrator encodes with `veryfast`. */
export const MP4_PRESETS = ["veryfast", "superfast", "ultrafast"] as const;

/** One preset's figures. */
export interface PresetFigures {
  preset: string;
  ms_per_frame: number;
  /** Time per frame / the floor's. */
  ratio: number;
  bytes: number;
  psnr_db: number;
}

const INPUT = ["-hide_banner", "-loglevel", "error", "-f", "image2pipe", "-c:v", "png", "-i", "pipe:0"];

/** Runs ffmpeg with `args`, writes `frames` to its stdin, and resolves with its stdout and the wall time. */
async function ffmpeg(args: string[], frames: readonly Buffer[]): Promise<{ ms: number; out: Buffer }> {
  const t = performance.now();
  const child = spawn("ffmpeg", args, { stdio: ["pipe", "pipe", "inherit"] });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (d: Buffer) => chunks.push(d));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", (err) => reject(new Error(`cannot run ffmpeg for the mp4 bench: ${err.message}`)));
    child.once("close", resolve);
  });
  child.stdin.on("error", () => {});
  for (const f of frames) if (!child.stdin.write(f)) await new Promise((r) => child.stdin.once("drain", r));
  child.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`ffmpeg exited with ${code} (${args.join(" ")})`);
  return { ms: performance.now() - t, out: Buffer.concat(chunks) };
}

/** The orchestrator's encoding arguments with `preset`, the mp4 fragmented so it can go to a pipe. */
function encodeArgs(preset: string, fps: number): string[] {
  return [
    ...INPUT.slice(0, 3),
    ...["-framerate", String(fps)],
    ...INPUT.slice(3),
    ...["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-pix_fmt", "yuv420p"],
    ...["-preset", preset, "-f", "mp4", "-movflags", "frag_keyframe+empty_moov", "pipe:1"],
  ];
}

/**
 * PSNR in dB of 8-bit samples `b` against `a` over all of them (Infinity when equal).
 * @example psnr(Uint8Array.of(0, 0), Uint8Array.of(0, 255)); // 3.01
 */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`psnr of ${a.length} samples against ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    sum += d * d;
  }
  return sum === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255 * a.length) / sum);
}

/** The mp4's frames decoded to packed RGB, cropped to `width`×`height` (the encoder pads odd sizes). */
async function decodeMp4(mp4: Buffer, width: number, height: number): Promise<Uint8Array> {
  const { out } = await ffmpeg(
    [
      ...["-hide_banner", "-loglevel", "error", "-f", "mp4", "-i", "pipe:0"],
      ...["-vf", `crop=${width}:${height}:0:0`, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
    ],
    [mp4],
  );
  return out;
}

/**
 * Times each of `presets` on `pngs` (best of `repeats`) against the floor, and measures bytes and PSNR.
 *
 * @example
 * const { floorMsPerFrame, presets } = await comparePresets(pngs, 6);
 */
export async function comparePresets(
  pngs: readonly Buffer[],
  fps: number,
  presets: readonly string[] = MP4_PRESETS,
  repeats = 2,
): Promise<{ floorMsPerFrame: number; presets: PresetFigures[] }> {
  const first = await sharp(pngs[0]).metadata();
  const width = first.width ?? 0;
  const height = first.height ?? 0;
  const raw = Buffer.concat(await Promise.all(pngs.map((p) => sharp(p).removeAlpha().raw().toBuffer())));
  const best = async (args: string[]) => {
    let ms = Number.POSITIVE_INFINITY;
    let out: Buffer = Buffer.alloc(0);
    for (let i = 0; i < repeats; i++) {
      const r = await ffmpeg(args, pngs);
      if (r.ms < ms) ({ ms, out } = r);
    }
    return { ms, out };
  };
  const floor = await best([...INPUT, "-f", "null", "-"]);
  const floorMsPerFrame = floor.ms / pngs.length;
  const figures: PresetFigures[] = [];
  for (const preset of presets) {
    const { ms, out } = await best(encodeArgs(preset, fps));
    const perFrame = ms / pngs.length;
    figures.push({
      preset,
      ms_per_frame: round(perFrame, 3),
      ratio: round(perFrame / floorMsPerFrame, 2),
      bytes: out.length,
      psnr_db: round(psnr(raw, await decodeMp4(out, width, height)), 2),
    });
  }
  return { floorMsPerFrame: round(floorMsPerFrame, 3), presets: figures };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * The comparison's lines for the bench's output.
 * @example for (const line of presetLines("1024×576", 25, result)) console.log(line);
 */
export function presetLines(size: string, frames: number, r: Awaited<ReturnType<typeof comparePresets>>): string[] {
  return [
    `mp4 encoding, ${size}, ${frames} frames (ffmpeg libx264 yuv420p, PNGs piped in as the orchestrator does; the orchestrator uses veryfast); floor = ffmpeg reading the PNGs alone, ${r.floorMsPerFrame} ms per frame`,
    ...r.presets.map(
      (p) =>
        `  ${p.preset.padEnd(9)}  ${p.ms_per_frame} ms per frame = ${p.ratio}× the floor, ${p.bytes} bytes, PSNR ${p.psnr_db} dB`,
    ),
  ];
}

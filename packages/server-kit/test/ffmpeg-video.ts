/** @module Real videos made by the system's ffmpeg for tests that read their headers. */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

/** A real video of `frames` frames made by the system's ffmpeg into a temporary file of `ext`, read back. */
export async function video(
  size: string,
  frames: number,
  ext: string,
  extra: string[],
): Promise<Uint8Array<ArrayBuffer>> {
  const dir = await mkdtemp(join(tmpdir(), "avs-units-"));
  try {
    const out = join(dir, `v.${ext}`);
    await exec("ffmpeg", [
      ...["-v", "error", "-f", "lavfi", "-i", `testsrc2=s=${size}:r=24`, "-frames:v", String(frames)],
      ...["-pix_fmt", "yuv420p", ...extra, out],
    ]);
    return new Uint8Array(await readFile(out)) as Uint8Array<ArrayBuffer>;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One figure of the video stream ffprobe (the system's) reads from `bytes`, written to a temporary file. */
async function probeStream(bytes: Uint8Array, options: string[], entry: string): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "avs-probe-"));
  try {
    await writeFile(join(dir, "v"), bytes);
    const { stdout } = await exec("ffprobe", [
      ...["-v", "error", "-select_streams", "v:0", ...options, "-show_entries", `stream=${entry}`],
      ...["-of", "csv=p=0", join(dir, "v")],
    ]);
    // A transport stream's stream is listed again under its program (with a trailing comma): the first line is it.
    return Number(stdout.trim().split("\n")[0]!.replace(/,+$/, ""));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The video stream's duration as ffprobe (the system's) gives it. */
export const ffprobeSeconds = (bytes: Uint8Array) => probeStream(bytes, [], "duration");

/** The video packets ffprobe (the system's) reads from `bytes` (`-count_packets`), what the runner checks a count by. */
export const ffprobePackets = (bytes: Uint8Array) => probeStream(bytes, ["-count_packets"], "nb_read_packets");

/** The test pattern (`size`, 24 fps, `frames` frames) with 3 s of a tone when `audio`: ffmpeg's input arguments. */
export function pattern(size: string, frames: number, audio = false): string[] {
  const tone = audio ? ["-f", "lavfi", "-i", "sine=d=3"] : [];
  return ["-f", "lavfi", "-i", `testsrc2=s=${size}:r=24`, ...tone, "-frames:v", String(frames), "-shortest"];
}

/**
 * A file ffmpeg (the system's) writes from `args` (inputs and output options) as format `format`; with `pipe`
 * written to its stdout, as a muxer that cannot seek back writes it.
 */
export async function ffmpegFile(args: string[], format: string, pipe = false): Promise<Uint8Array<ArrayBuffer>> {
  const dir = await mkdtemp(join(tmpdir(), "avs-file-"));
  try {
    const out = join(dir, "v");
    const { stdout } = await exec("ffmpeg", ["-v", "error", ...args, "-f", format, pipe ? "pipe:1" : out], {
      encoding: "buffer",
      maxBuffer: 1 << 30,
    });
    return new Uint8Array(pipe ? stdout : await readFile(out)) as Uint8Array<ArrayBuffer>;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A case of a container test: a codec ffmpeg encodes with, whether a tone is muxed in, a frame size. */
export type CodecCase = readonly [codec: string, audio: boolean, size: string];

/**
 * Each case's file of `frames` frames of the pattern written as `format`, with what ffprobe reads of its video
 * (packets counted, duration: NaN where it gives none) and the frame size asked for.
 */
export async function* codecFiles(format: string, cases: readonly CodecCase[], frames = 50) {
  for (const [codec, audio, size] of cases) {
    const bytes = await ffmpegFile([...pattern(size, frames, audio), "-pix_fmt", "yuv420p", "-c:v", codec], format);
    const [width, height] = size.split("x").map(Number) as [number, number];
    const [packets, seconds] = [await ffprobePackets(bytes), await ffprobeSeconds(bytes)];
    yield { bytes, file: new Blob([bytes]), width, height, packets, seconds, label: `${codec} ${size} audio=${audio}` };
  }
}

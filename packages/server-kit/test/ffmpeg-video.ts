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

/** The video stream's duration as ffprobe (the system's) gives it, for a file written to a temporary path. */
export async function ffprobeSeconds(bytes: Uint8Array): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "avs-probe-"));
  try {
    await writeFile(join(dir, "v.mp4"), bytes);
    const { stdout } = await exec("ffprobe", [
      ...["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=duration", "-of", "csv=p=0"],
      join(dir, "v.mp4"),
    ]);
    return Number(stdout.trim());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

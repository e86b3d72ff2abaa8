/** @module Real videos made by the system's ffmpeg for tests that read their headers. */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
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

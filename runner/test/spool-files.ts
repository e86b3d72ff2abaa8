/**
 * @module What a runner's video uploads leave in the temporary directory (`TMPDIR`, made private to the test file by
 * `privateTmpdir`), and raw videos large enough to be spooled there.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ffmpeg } from "./video-fixtures.js";

/** The runner's upload scratch directories in the (private) temporary directory. */
export const uploadDirs = async () => (await readdir(tmpdir())).filter((n) => n.startsWith("avs-runner-uploads-"));

/** Every file in the upload directories, with its size. */
export async function spooledFiles(): Promise<Array<{ path: string; size: number }>> {
  const files: Array<{ path: string; size: number }> = [];
  for (const d of await uploadDirs()) {
    for (const name of await readdir(join(tmpdir(), d)).catch(() => [])) {
      const path = join(tmpdir(), d, name);
      // A file removed between the listing and its stat (its request just ended) is gone.
      const size = (await stat(path).catch(() => undefined))?.size;
      if (size !== undefined) files.push({ path, size });
    }
  }
  return files;
}

/** A raw RGB AVI of `frames` frames of `w`×`h` at 24 fps: large for its few pixels (9 kB a frame at 64×48). */
export async function rawVideo(path: string, w: number, h: number, frames: number): Promise<Buffer> {
  const src = `testsrc2=size=${w}x${h}:rate=24`;
  await ffmpeg(["-f", "lavfi", "-i", src, "-frames:v", String(frames), "-c:v", "rawvideo", "-pix_fmt", "rgb24", path]);
  return readFile(path);
}

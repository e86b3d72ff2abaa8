/**
 * @module The lossless hand-over of the image-to-video → FILM chain: a runner's PNG frames stream-copied (no
 * re-encode, so FILM sees exactly the pixels SVD made) into one Matroska file at the frames' rate, read back as a
 * Blob for the frame-interpolation runner's `video` field.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";

/**
 * Muxes `pngs` (each frame's PNG bytes, made when ffmpeg has room) at `fps` into Matroska with `-c:v copy`.
 * @example const video = await framesToMatroska([png1, png2], 7); // Blob of type video/x-matroska
 */
export async function framesToMatroska(
  pngs: Iterable<Uint8Array>,
  fps: number,
  ffmpeg = "ffmpeg",
  signal?: AbortSignal,
): Promise<Blob> {
  const child = spawn(
    ffmpeg,
    [
      ...["-hide_banner", "-loglevel", "error"],
      ...["-f", "image2pipe", "-framerate", String(fps), "-c:v", "png", "-i", "pipe:0"],
      ...["-c:v", "copy", "-f", "matroska", "pipe:1"],
    ],
    { stdio: ["pipe", "pipe", "pipe"], ...(signal ? { signal } : {}) },
  );
  const chunks: Buffer[] = [];
  child.stdout.on("data", (d: Buffer) => chunks.push(d));
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr = (stderr + d).slice(-2000);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", (err) => reject(new Error(`cannot run ${ffmpeg} to hand the frames over: ${err.message}`)));
    child.on("close", resolve);
  });
  child.stdin.on("error", () => {});
  try {
    for (const png of pngs) {
      if (child.stdin.destroyed) break;
      if (!child.stdin.write(png)) await Promise.race([once(child.stdin, "drain"), exited]);
    }
  } finally {
    child.stdin.end();
  }
  const code = await exited;
  if (code !== 0) throw new Error(`ffmpeg failed to mux the frames (exit ${code}): ${stderr.trim()}`);
  return new Blob(chunks as Uint8Array<ArrayBuffer>[], { type: "video/x-matroska" });
}

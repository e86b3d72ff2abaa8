/**
 * @module Encodes a runner's video frames (PNG bytes) into one H.264 mp4 with ffmpeg: frames piped in as
 * `image2pipe`, `yuv420p` for players, odd sizes padded to even (x264 needs even sides), `+faststart` so the
 * file plays while it downloads.
 */
import { spawn } from "node:child_process";

/**
 * Writes `frames` as an mp4 at `fps` to `outFile`.
 * @example await encodeMp4([png1, png2, png3], 24, "/tmp/clip.mp4")
 */
export function encodeMp4(frames: Uint8Array[], fps: number, outFile: string, ffmpeg = "ffmpeg"): Promise<void> {
  return new Promise((resolve, reject) => {
    if (frames.length === 0) {
      reject(new Error("no frames to encode"));
      return;
    }
    const child = spawn(
      ffmpeg,
      [
        ...["-hide_banner", "-loglevel", "error", "-y"],
        ...["-f", "image2pipe", "-framerate", String(fps), "-c:v", "png", "-i", "pipe:0"],
        ...["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-pix_fmt", "yuv420p"],
        ...["-preset", "veryfast", "-movflags", "+faststart", "-f", "mp4", outFile],
      ],
      { stdio: ["pipe", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr = (stderr + d).slice(-2000);
    });
    child.on("error", (err) => reject(new Error(`cannot run ${ffmpeg} to encode the video: ${err.message}`)));
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg failed to encode the video (exit ${code}): ${stderr.trim()}`));
    });
    child.stdin.on("error", () => {});
    for (const frame of frames) child.stdin.write(frame);
    child.stdin.end();
  });
}

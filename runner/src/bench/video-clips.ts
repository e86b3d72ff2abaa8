/**
 * @module Real video made from a real photograph, for the video benchmark and the quality tests: the photo that the
 * `@upscalerjs/esrgan-*` packages ship (`assets/fixture.png`, 128×128), panned by a moving crop window with ffmpeg.
 * Every frame is real camera pixels (a crop, no resampling, unless `zoom` enlarges the canvas first).
 */
import { join } from "node:path";
import { packageRoot } from "../models/esrgan/upscalerjs.js";
import { ffmpegPaths } from "../video/ffmpeg-binaries.js";
import { captureFfmpeg } from "../video/ffmpeg-process.js";

/**
 * The packaged photo.
 * @example packagedPhoto() // ".../node_modules/@upscalerjs/esrgan-slim/assets/fixture.png"
 */
export function packagedPhoto(): string {
  return join(packageRoot("@upscalerjs/esrgan-slim"), "assets", "fixture.png");
}

/** A pan across the photo. */
export interface Pan {
  /** Side of the crop window (square frames), in canvas pixels. */
  side: number;
  frames: number;
  /** Enlarge the 128×128 photo to this side first (Lanczos), for windows or paths larger than the photo allows. */
  canvas?: number;
  /** Shrink each frame by this factor (bicubic) after cropping: the low-resolution input of a quality test. */
  downscale?: number;
}

/**
 * The ffmpeg filter of a pan: the window moves from the top-left corner to the bottom-right one, one step per frame
 * (x twice as fast as y, so the motion is not a pure diagonal), then optionally shrinks.
 * @example panFilter({ side: 96, frames: 17 }) // "crop=96:96:x='trunc(32*n/16)':y='trunc(16*n/16)'"
 */
export function panFilter(pan: Pan): string {
  const canvas = pan.canvas ?? 128;
  const room = canvas - pan.side;
  if (room < 0) throw new RangeError(`a ${pan.side} px window does not fit a ${canvas} px canvas`);
  const last = Math.max(1, pan.frames - 1);
  const steps = [
    ...(pan.canvas ? [`scale=${canvas}:${canvas}:flags=lanczos`] : []),
    `crop=${pan.side}:${pan.side}:x='trunc(${room}*n/${last})':y='trunc(${Math.floor(room / 2)}*n/${last})'`,
  ];
  if (pan.downscale && pan.downscale > 1) {
    const small = Math.round(pan.side / pan.downscale);
    steps.push(`scale=${small}:${small}:flags=bicubic`);
  }
  return steps.join(",");
}

/** The photo looped as an input at `fps` (RGBA → RGB: the photo's alpha is opaque). */
function photoInput(fps: string): string[] {
  return ["-loop", "1", "-framerate", fps, "-i", packagedPhoto()];
}

/**
 * Writes a panned-photo clip: H.264 yuv420p mp4 by default, or other `codecArgs` and container (by `out`'s
 * extension); `audioSeconds` adds a 440 Hz AAC tone (or `audioArgs`) as a second stream.
 * @example await writePannedClip("/tmp/pan.mp4", { side: 64, frames: 240, canvas: 256 }, { fps: "24" })
 */
export async function writePannedClip(
  out: string,
  pan: Pan,
  options: { fps?: string; codecArgs?: string[]; audioSeconds?: number; audioArgs?: string[] } = {},
): Promise<void> {
  const fps = options.fps ?? "24";
  const args = ["-v", "error", "-y", ...photoInput(fps)];
  if (options.audioSeconds) args.push("-f", "lavfi", "-i", `sine=frequency=440:duration=${options.audioSeconds}`);
  args.push("-vf", `${panFilter(pan)},format=yuv420p`, "-frames:v", String(pan.frames));
  args.push(...(options.codecArgs ?? ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18"]));
  if (options.audioSeconds) args.push(...(options.audioArgs ?? ["-c:a", "aac", "-b:a", "96k"]));
  args.push(out);
  const run = await captureFfmpeg(ffmpegPaths().ffmpeg, args, { timeoutMs: 600_000 });
  if (run.code !== 0) throw new Error(`ffmpeg could not write ${out}: ${run.stderr}`);
}

/**
 * The pan's frames as raw RGB (`side × side × 3` bytes each, after `downscale`), straight from the photo with no
 * video codec in between: the reference the upscaled video is compared with.
 * @example const hr = await pannedFrames({ side: 96, frames: 17 }) // 17 × 96×96×3 bytes
 */
export async function pannedFrames(pan: Pan): Promise<Uint8Array[]> {
  const args = ["-v", "error", ...photoInput("24"), "-vf", panFilter(pan), "-frames:v", String(pan.frames)];
  args.push("-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1");
  const run = await captureFfmpeg(ffmpegPaths().ffmpeg, args, { timeoutMs: 120_000 });
  if (run.code !== 0) throw new Error(`ffmpeg could not render the pan: ${run.stderr}`);
  const side = pan.downscale ? Math.round(pan.side / pan.downscale) : pan.side;
  const bytes = run.stdoutBytes;
  const size = side * side * 3;
  return Array.from({ length: pan.frames }, (_, i) => new Uint8Array(bytes.subarray(i * size, (i + 1) * size)));
}

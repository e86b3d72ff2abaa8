/**
 * @module Encodes a runner's video frames (PNG bytes) into one H.264 mp4 with ffmpeg: frames streamed into its stdin
 * as `image2pipe` one at a time (each frame's bytes are made only when ffmpeg is ready for them, so no second copy of
 * the video is held), `yuv420p` for players, odd sizes padded to even (x264 needs even sides), `+faststart` so the
 * file plays while it downloads. An aborted encode (the caller hung up) kills ffmpeg at once and stops feeding it.
 * {@link checkFfmpeg} is the start-up check of an orchestrator that will encode.
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { ConfigError, entryName } from "../config/ai-models.js";

/** Pipelines whose runner answers `{frames}` that this orchestrator encodes to mp4. */
export const MP4_PIPELINES: readonly string[] = ["image-to-video"];

/**
 * Checks that `ffmpeg` runs and has libx264, when one of `pipelines` needs it; a missing ffmpeg is a start-up error
 * that says how to install it, not a 500 on every video job.
 *
 * @throws {ConfigError} naming the command, the pipelines that need it and how to install it.
 * @example checkFfmpeg(["image-to-video"], "ffmpeg");
 */
export function checkFfmpeg(pipelines: readonly string[], ffmpeg = "ffmpeg"): void {
  const needing = [...new Set(pipelines.filter((p) => MP4_PIPELINES.includes(p)))];
  if (needing.length === 0) return;
  const run = spawnSync(ffmpeg, ["-hide_banner", "-encoders"], { encoding: "utf8", timeout: 10_000 });
  const why = run.error
    ? run.error.message
    : run.status !== 0
      ? `it exited with ${run.status}`
      : /\blibx264\b/.test(run.stdout)
        ? undefined
        : "it has no libx264 encoder";
  if (why === undefined) return;
  throw new ConfigError(
    `${needing.join(", ")} needs ffmpeg with libx264 to encode the mp4, but ${JSON.stringify(ffmpeg)} cannot be used (${why}); install it (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg) or point --ffmpeg (AVS_ORCHESTRATOR_FFMPEG) at it`,
  );
}

/** Pipelines whose runner runs ffmpeg and ffprobe itself (it decodes and encodes the videos). */
const RUNNER_VIDEO_PIPELINES: readonly string[] = ["video-upscale", "frame-interpolation"];

/**
 * Checks that the runners this orchestrator starts as processes for a video pipeline find `ffmpeg` and `ffprobe` as
 * they will look for them (the entry's `FFMPEG_PATH` / `FFPROBE_PATH` flags, else this environment's, else the
 * `PATH`): without them such a runner fails to load its model, and would be restarted over and over. The runner
 * checks the version and libx264 itself.
 * @throws {ConfigError} naming the entry (as `source`, the model list's file, numbers it), the binary and how to
 * install it.
 * @example checkRunnerFfmpeg([{ index: 0, pipeline: "video-upscale", modelId: "tiny/esrgan-x4", optimizationFlags: {} }])
 */
export function checkRunnerFfmpeg(
  entries: ReadonlyArray<{
    index: number;
    pipeline: string;
    modelId: string;
    url?: string;
    optimizationFlags: Record<string, string>;
  }>,
  source = "aiModels.json",
  env: NodeJS.ProcessEnv = process.env,
): void {
  for (const e of entries) {
    if (e.url !== undefined || !RUNNER_VIDEO_PIPELINES.includes(e.pipeline)) continue;
    const flags = { ...env, ...e.optimizationFlags };
    const ffmpeg = flags.FFMPEG_PATH || "ffmpeg";
    const beside = flags.FFMPEG_PATH ? join(dirname(flags.FFMPEG_PATH), "ffprobe") : undefined;
    const ffprobe = flags.FFPROBE_PATH || (beside && existsSync(beside) ? beside : "ffprobe");
    for (const command of [ffmpeg, ffprobe]) {
      const run = spawnSync(command, ["-hide_banner", "-version"], { encoding: "utf8", timeout: 10_000, env: flags });
      const why = run.error ? run.error.message : run.status !== 0 ? `it exited with ${run.status}` : undefined;
      if (why === undefined) continue;
      throw new ConfigError(
        `${entryName(source, e)}: its runner needs ffmpeg and ffprobe, but ${JSON.stringify(command)} cannot be run (${why}); install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg) or set FFMPEG_PATH and FFPROBE_PATH in the entry's optimization_flags`,
      );
    }
  }
}

/**
 * An encode ffmpeg did not finish: `reason` is what a client may read (ffmpeg's last lines with every file path
 * left out, or the signal that killed it); `stderr` is ffmpeg's own last lines, for the operator's log; `diskFull`
 * when it ran out of disk writing the file (a 503 like a full disk on upload, not a failed job).
 */
export class Mp4EncodeError extends Error {
  readonly reason: string;
  readonly stderr: string;
  readonly diskFull: boolean;
  constructor(reason: string, stderr: string) {
    super(`ffmpeg failed to encode the video: ${reason}`);
    this.name = "Mp4EncodeError";
    this.reason = reason;
    this.stderr = stderr;
    this.diskFull = /No space left on device|Disk quota exceeded/i.test(stderr);
  }
}

/** Lines of ffmpeg's stderr kept for an error. */
const STDERR_LINES = 5;

/** ffmpeg's last lines, with the paths (the encoding file's name holds the pid) written as `<file>`. */
function withoutPaths(stderr: string): string {
  return stderr.replace(/(?:\/[^\s:'"/]+)+\/?/g, "<file>");
}

function lastLines(text: string): string {
  return text.trim().split(/\r?\n/).slice(-STDERR_LINES).join("\n");
}

/**
 * Writes `frames` as an mp4 at `fps` to `outFile`; each frame is taken from the iterable when ffmpeg has room for it.
 * When `signal` aborts, ffmpeg is killed (SIGKILL: its output is thrown away, nothing to finish), no further frame is
 * made, and the promise rejects with the signal's reason once ffmpeg has exited; `outFile` may then hold a partial
 * file, which the caller removes. An ffmpeg that fails (or stops reading frames, or is killed) rejects with an
 * {@link Mp4EncodeError} once it has exited, with its reason.
 * @example await encodeMp4([png1, png2, png3], 24, "/tmp/clip.mp4", "ffmpeg", req.signal)
 */
export async function encodeMp4(
  frames: Iterable<Uint8Array>,
  fps: number,
  outFile: string,
  ffmpeg = "ffmpeg",
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
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
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", (err) => reject(new Error(`cannot run ${ffmpeg} to encode the video: ${err.message}`)));
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  let stdinFailed = false;
  child.stdin.on("error", () => {
    stdinFailed = true;
  });
  const abort = () => {
    child.stdin.destroy();
    child.kill("SIGKILL");
  };
  signal?.addEventListener("abort", abort, { once: true });
  try {
    let count = 0;
    try {
      for (const frame of frames) {
        count++;
        if (stdinFailed || child.stdin.destroyed) break;
        // A write that fails (ffmpeg exited: EPIPE) ends the wait; ffmpeg's exit then says why.
        if (!child.stdin.write(frame)) await Promise.race([once(child.stdin, "drain").catch(() => {}), exited]);
      }
    } finally {
      child.stdin.end();
    }
    if (count === 0) {
      child.kill();
      await exited.catch(() => {});
      throw new Error("no frames to encode");
    }
    const end = await exited.catch((err) => {
      if (signal?.aborted) return { code: null, signal: "SIGKILL" as const };
      throw err;
    });
    signal?.throwIfAborted();
    if (end.code === 0 && !stdinFailed) return;
    const said = lastLines(stderr);
    const how = end.signal ? `ffmpeg was killed by ${end.signal}` : `exit ${end.code}`;
    const reason = end.code === 0 ? "ffmpeg stopped reading the frames" : how;
    throw new Mp4EncodeError(said ? `${reason}: ${withoutPaths(said)}` : reason, said);
  } catch (err) {
    if (!signal?.aborted) throw err;
    // Aborted while frames were being written: wait for the killed ffmpeg, then report the abort, not a failure.
    await exited.catch(() => {});
    throw signal.reason;
  } finally {
    signal?.removeEventListener("abort", abort);
  }
}

/**
 * @module Where ffmpeg and ffprobe are (`FFMPEG_PATH` / `FFPROBE_PATH`, else the `PATH`), and the start-up check
 * that they run, that ffmpeg is 5.1 or newer and that it can encode H.264 — so a runner without them reports its
 * model as failed to load, with how to install them, and answers 503 saying so, not 500 to every video request.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { FfmpegUnavailableError } from "./errors.js";
import { captureFfmpeg } from "./ffmpeg-process.js";

/** The two binaries the video I/O runs. */
export interface FfmpegPaths {
  ffmpeg: string;
  ffprobe: string;
}

/** What the start-up check found. */
export interface FfmpegInfo extends FfmpegPaths {
  /** ffmpeg's version string, e.g. `5.1.6-0+deb12u1`. */
  version: string;
}

/**
 * The binaries to run: `FFMPEG_PATH` and `FFPROBE_PATH` when set; with only `FFMPEG_PATH`, the `ffprobe` next to it
 * if there is one; else `ffmpeg` and `ffprobe` from the `PATH`.
 * @example ffmpegPaths({ FFMPEG_PATH: "/opt/ffmpeg/bin/ffmpeg" }) // { ffmpeg: "/opt/ffmpeg/bin/ffmpeg", ffprobe: "/opt/ffmpeg/bin/ffprobe" } when that file exists
 */
export function ffmpegPaths(env: Record<string, string | undefined> = process.env): FfmpegPaths {
  const ffmpeg = env.FFMPEG_PATH || "ffmpeg";
  let ffprobe = env.FFPROBE_PATH || "ffprobe";
  if (!env.FFPROBE_PATH && env.FFMPEG_PATH) {
    const beside = join(dirname(env.FFMPEG_PATH), "ffprobe");
    if (existsSync(beside)) ffprobe = beside;
  }
  return { ffmpeg, ffprobe };
}

const INSTALL =
  "install ffmpeg (Debian/Ubuntu: `apt-get install ffmpeg`; it brings ffprobe and libx264), " +
  "or set FFMPEG_PATH and FFPROBE_PATH to the binaries";

/** Runs `bin -version` and returns its first line, or throws with how to install it. */
async function versionLine(bin: string, name: string, env: string): Promise<string> {
  const run = await captureFfmpeg(bin, ["-hide_banner", "-version"], { timeoutMs: 15_000 });
  if (run.spawnError || run.code !== 0) {
    const why = run.spawnError
      ? (run.spawnError as NodeJS.ErrnoException).code === "ENOENT"
        ? "was not found"
        : `cannot be run (${run.spawnError.message})`
      : `exited with ${run.code ?? run.signal}: ${run.stderr}`;
    throw new FfmpegUnavailableError(
      `${name} ${why} (tried \`${bin}\`${bin === name ? " on the PATH" : ` from ${env}`}); video pipelines need it: ${INSTALL}`,
      { cause: run.spawnError },
    );
  }
  return run.stdout.split("\n")[0] ?? "";
}

/**
 * Checks that ffmpeg and ffprobe run, that ffmpeg is 5.1 or newer and has the libx264 encoder; throws
 * {@link FfmpegUnavailableError} saying what is missing and how to install it.
 * @example const { version } = await checkFfmpeg() // call once at start-up of a video pipeline
 */
export async function checkFfmpeg(paths: FfmpegPaths = ffmpegPaths()): Promise<FfmpegInfo> {
  const line = await versionLine(paths.ffmpeg, "ffmpeg", "FFMPEG_PATH");
  await versionLine(paths.ffprobe, "ffprobe", "FFPROBE_PATH");
  const encoders = await captureFfmpeg(paths.ffmpeg, ["-hide_banner", "-encoders"], { timeoutMs: 15_000 });
  if (!/\blibx264\b/.test(encoders.stdout)) {
    throw new FfmpegUnavailableError(
      `${paths.ffmpeg} has no libx264 encoder, which the mp4 output needs (H.264); ${INSTALL}`,
    );
  }
  const version = /version (\S+)/.exec(line)?.[1] ?? line;
  const release = /^n?(\d+)\.(\d+)/.exec(version);
  // Git builds ("N-113254-g…") carry no release number; they are newer than any release they follow.
  if (release && Number(release[1]) * 100 + Number(release[2]) < 501) {
    throw new FfmpegUnavailableError(
      `${paths.ffmpeg} is ffmpeg ${version}; the video pipelines need ffmpeg 5.1 or newer (for -fps_mode): Debian 12 and Ubuntu 24.04 ship one; ${INSTALL}`,
    );
  }
  return { ...paths, version };
}

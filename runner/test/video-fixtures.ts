/**
 * @module Test videos made with ffmpeg (lavfi test sources, the panned packaged photo), probes of what was written,
 * and the check that no ffmpeg is left: `pgrep -f` on the test's own temporary folder, which appears on the command
 * line of every ffmpeg/ffprobe a test starts (and on no one else's).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { captureFfmpeg, runningFfmpegCount } from "../src/video/ffmpeg-process.js";
import { createVideoEncoder, decodeVideo, encodeOptionsFor, probeVideo } from "../src/video/index.js";

const exec = promisify(execFile);

/** A temporary folder for one test file's videos; `cleanup` removes it. */
export async function videoDir() {
  const dir = await mkdtemp(join(tmpdir(), "avs-video-test-"));
  return { dir, path: (name: string) => join(dir, name), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A {@link videoDir} for the tests of the calling `describe` (made before them, removed after them), and after each
 * test the check that it left no file in it and no ffmpeg running.
 * @example const dir = cleanVideoDir(); it("…", async () => { await writeFile(dir.path("a.mp4"), bytes); });
 */
export function cleanVideoDir(): { readonly dir: string; path(name: string): string } {
  let made: Awaited<ReturnType<typeof videoDir>> | undefined;
  const current = () => {
    if (!made) throw new Error("cleanVideoDir(): the folder is made in beforeAll; use it inside a test");
    return made;
  };
  beforeAll(async () => {
    made = await videoDir();
  });
  afterEach(async () => {
    expect(await leftovers(current().dir)).toEqual([]);
    expect(runningFfmpegCount()).toBe(0);
  });
  afterAll(() => made?.cleanup());
  return {
    get dir() {
      return current().dir;
    },
    path: (name) => current().path(name),
  };
}

/** Runs ffmpeg with `args` (after `-v error -y`) and fails the test with its stderr if it fails. */
export async function ffmpeg(args: string[]): Promise<Buffer> {
  const run = await captureFfmpeg("ffmpeg", ["-v", "error", "-y", ...args], { timeoutMs: 300_000 });
  if (run.code !== 0) throw new Error(`ffmpeg ${args.join(" ")} failed: ${run.stderr}`);
  return run.stdoutBytes;
}

/** Runs ffprobe with `args` (after `-v error`) and returns its stdout. */
export async function ffprobe(args: string[]): Promise<string> {
  const run = await captureFfmpeg("ffprobe", ["-v", "error", ...args], { timeoutMs: 120_000 });
  if (run.code !== 0) throw new Error(`ffprobe ${args.join(" ")} failed: ${run.stderr}`);
  return run.stdout;
}

/**
 * A lavfi test clip (moving `testsrc2` pattern) with optional tone, encoded with `videoArgs`/`audioArgs` into `out`.
 * @example await lavfiClip(dir.path("a.mp4"), { size: "160x120", rate: "30000/1001", seconds: 2, audio: true })
 */
export async function lavfiClip(
  out: string,
  o: {
    size?: string;
    rate?: string;
    seconds?: number;
    audio?: boolean;
    videoArgs?: string[];
    audioArgs?: string[];
    filter?: string;
  },
): Promise<string> {
  const seconds = o.seconds ?? 1;
  const args = ["-f", "lavfi", "-i", `testsrc2=s=${o.size ?? "96x64"}:r=${o.rate ?? "25"}:d=${seconds}`];
  if (o.audio) args.push("-f", "lavfi", "-i", `sine=frequency=330:duration=${seconds}`);
  if (o.filter) args.push("-vf", o.filter);
  args.push(...(o.videoArgs ?? ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]));
  if (o.audio) args.push(...(o.audioArgs ?? ["-c:a", "aac"]), "-shortest");
  await ffmpeg([...args, out]);
  return out;
}

/**
 * Writes `frames` (raw RGB, `width × height`) as a lossless H.264 RGB mp4 (`libx264rgb -qp 0`): decoding it must
 * give back exactly these bytes.
 * @example await losslessRgbVideo(dir.path("exact.mp4"), frames, 48, 32, 12)
 */
export async function losslessRgbVideo(out: string, frames: Uint8Array[], width: number, height: number, fps: number) {
  const raw = `${out}.rgb`;
  await writeFile(raw, Buffer.concat(frames));
  const input = ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${width}x${height}`, "-r", String(fps), "-i", raw];
  await ffmpeg([...input, "-c:v", "libx264rgb", "-qp", "0", "-pix_fmt", "rgb24", out]);
  await rm(raw);
  return out;
}

/** Presentation timestamps (seconds, as ffprobe prints them) of the first video stream's packets, ascending. */
export async function videoPacketTimes(file: string): Promise<string[]> {
  const out = await ffprobe(["-select_streams", "v:0", "-show_entries", "packet=pts_time", "-of", "csv=p=0", file]);
  return out
    .split("\n")
    .filter(Boolean)
    .sort((a, b) => Number(a) - Number(b));
}

/** The MD5 of the first audio stream's packets, copied out untouched (`-c copy -f md5`). */
export async function audioPacketsMd5(file: string): Promise<string> {
  return (await ffmpeg(["-i", file, "-map", "0:a:0", "-c", "copy", "-f", "md5", "-"])).toString().trim();
}

/** The first video stream's facts as ffprobe reports them. */
export async function videoStream(file: string): Promise<Record<string, string>> {
  const out = await ffprobe([
    "-select_streams",
    "v:0",
    "-show_entries",
    "stream=codec_name,pix_fmt,width,height,r_frame_rate,avg_frame_rate,time_base,nb_frames,color_space:format=format_name",
    "-of",
    "default=noprint_wrappers=1",
    file,
  ]);
  return Object.fromEntries(
    out
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("=", 2) as [string, string]),
  );
}

/** Whether `file` starts with its index (`moov` before `mdat`): what `+faststart` guarantees. */
export async function moovFirst(file: string): Promise<boolean> {
  const { readFile } = await import("node:fs/promises");
  const bytes = await readFile(file);
  const moov = bytes.indexOf("moov", 0, "latin1");
  const mdat = bytes.indexOf("mdat", 0, "latin1");
  return moov >= 0 && mdat >= 0 && moov < mdat;
}

/**
 * The ffmpeg/ffprobe processes whose command line mentions `dir` (`pgrep -f`): what a test left behind.
 * @example expect(await leftovers(dir.dir)).toEqual([])
 */
export async function leftovers(dir: string): Promise<string[]> {
  try {
    const { stdout } = await exec("pgrep", ["-a", "-f", dir]);
    return stdout.split("\n").filter((l) => l && /ff(mpeg|probe)/.test(l));
  } catch (err) {
    // pgrep exits 1 when nothing matches.
    if ((err as { code?: number }).code === 1) return [];
    throw err;
  }
}

/**
 * The ffmpeg/ffprobe processes that are children of this test process (a runner server started in the test runs
 * its ffmpeg here): what a job left running.
 * @example afterEach(async () => expect(await ffmpegChildren()).toEqual([]))
 */
export async function ffmpegChildren(): Promise<string[]> {
  const { stdout } = await exec("pgrep", ["-a", "-P", String(process.pid)]).catch((err) => {
    if ((err as { code?: number }).code === 1) return { stdout: "" };
    throw err;
  });
  return stdout.split("\n").filter((l) => /ff(mpeg|probe)/.test(l));
}

/**
 * Decodes `src` and encodes every frame unchanged into `out`, as the video pipelines do: the I/O round trip. Gives
 * the source's probe, how many frames were decoded and the encoder's result.
 * @example const { probe, result } = await videoRoundTrip(dir.path("in.mp4"), dir.path("out.mp4"));
 */
export async function videoRoundTrip(src: string, out: string) {
  const probe = await probeVideo(src, {});
  const encoder = createVideoEncoder({ ...encodeOptionsFor(probe), output: out });
  let decoded = 0;
  for await (const f of decodeVideo(probe)) {
    await encoder.write(f.rgb, f.pts);
    decoded++;
  }
  return { probe, decoded, result: await encoder.finish() };
}

/**
 * @module `avs-runner bench --pipeline frame-interpolation --video`: the route's streamed path — a generated H.264
 * clip decoded by ffmpeg, FILM filling the gaps per the plan, the frames encoded to mp4 (`interpolateVideo`, what
 * `POST /frame-interpolation` runs in its queue slot) — with the model in this process. It prints interpolated
 * frames per second and the run's wall time over the summed `session.run` inside it (target ≤ 1.05), per frame
 * size; then the peak RSS of a short and a long clip, each interpolated in a fresh process, and their ratio (flat
 * when frames are streamed). With tiny/film, whose `session.run` is a blend, ffmpeg's decode and x264's encode
 * dominate the wall time; the session share printed says how much of a run the model is.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseFlags } from "../config.js";
import { installModel } from "../models/install.js";
import { modelPath } from "../models/layout.js";
import { type FilmModel, loadFilmModel } from "../pipelines/frame-interpolation/film-model.js";
import { planFrameTimes } from "../pipelines/frame-interpolation/frame-plan.js";
import { interpolateVideo } from "../pipelines/frame-interpolation/interpolate-video.js";
import { decodeVideo } from "../video/decode.js";
import { captureFfmpeg } from "../video/ffmpeg-process.js";
import { probeVideo } from "../video/probe.js";

const execFileAsync = promisify(execFile);

/** Flags of the route benchmark. */
export const FILM_VIDEO_BENCH_HELP = `avs-runner bench --pipeline frame-interpolation --video — the streamed route vs summed session.run, and peak RSS vs length

Flags (defaults in brackets):
  --model-id <id>          [tiny/film] installed into a temporary dir if MODEL_DIR lacks it
  --model-dir <dir>        [MODEL_DIR or /models]
  --sizes <WxH,...>        [256x144,1024x576] frame sizes timed
  --seconds <s>            [2] clip length of the timed runs
  --fps <r>                [7] source frame rate
  --target-fps <r>         [24] output frame rate
  --rss-seconds <a,b>      [2,20] clip lengths whose peak RSS is compared (256x144, each in a fresh process); "" skips
  --intra-op-threads <n>   [0] ONNX Runtime threads (0 = one per core)
  --json <file>            also write the results as JSON
`;

const KNOWN =
  "PIPELINE MODEL_ID MODEL_DIR SIZES SECONDS FPS TARGET_FPS RSS_SECONDS RSS_CHILD INTRA_OP_THREADS JSON".split(" ");

/** A `testsrc2` clip (moving pattern: no two frames alike) of `seconds` at `fps`, H.264 yuv420p. */
async function writeClip(out: string, width: number, height: number, fps: number, seconds: number) {
  const args = ["-v", "error", "-y", "-f", "lavfi", "-i", `testsrc2=s=${width}x${height}:r=${fps}:d=${seconds}`];
  args.push("-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", out);
  const run = await captureFfmpeg("ffmpeg", args, { timeoutMs: 600_000 });
  if (run.code !== 0) throw new Error(`ffmpeg could not write ${out}: ${run.stderr}`);
}

/** One streamed interpolation of `clip`: wall and summed session.run milliseconds, frames made. */
async function runOnce(film: FilmModel, clip: string, targetFps: number) {
  const probe = await probeVideo(clip);
  const fps = probe.video.frameRate!.num / probe.video.frameRate!.den;
  const plan = planFrameTimes({ frames: probe.video.frames, fps, targetFps });
  const before = film.stats.sessionMs;
  const started = performance.now();
  const frames = async function* () {
    for await (const f of decodeVideo(probe)) yield { width: f.width, height: f.height, pixels: f.rgb };
  };
  const result = await interpolateVideo({
    source: frames(),
    plan,
    infer: film.interpolate,
    width: probe.video.width,
    height: probe.video.height,
    output: `${clip}.out.mp4`,
  });
  const wallMs = performance.now() - started;
  await rm(`${clip}.out.mp4`, { force: true });
  return { wallMs, sessionMs: film.stats.sessionMs - before, frames: result.frames, inferences: plan.inferences };
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Runs the route benchmark from command-line arguments (after `--pipeline frame-interpolation --video`).
 * @example await filmVideoBenchMain(["--pipeline", "frame-interpolation", "--video", "--sizes", "256x144"])
 */
export async function filmVideoBenchMain(args: string[]): Promise<void> {
  if (args.includes("--help")) return void process.stdout.write(FILM_VIDEO_BENCH_HELP);
  const f = parseFlags(args, KNOWN);
  const modelId = f.MODEL_ID ?? "tiny/film";
  const [fps, targetFps, seconds] = [Number(f.FPS ?? 7), Number(f.TARGET_FPS ?? 24), Number(f.SECONDS ?? 2)];
  const threads = Number(f.INTRA_OP_THREADS ?? 0);
  const work = await mkdtemp(join(tmpdir(), "avs-film-bench-"));
  let modelDir = f.MODEL_DIR ?? process.env.MODEL_DIR ?? "/models";
  try {
    if (!existsSync(join(modelPath(modelDir, modelId), "model.onnx"))) {
      modelDir = join(work, "models");
      await installModel(modelId, modelDir);
    }
    const film = await loadFilmModel(modelPath(modelDir, modelId), {
      executionProvider: "cpu",
      intraOpThreads: threads,
      log: () => {},
    });
    try {
      if (f.RSS_CHILD) {
        const run = await runOnce(film, f.RSS_CHILD, targetFps);
        const peak = process.resourceUsage().maxRSS / 1024;
        process.stdout.write(`${JSON.stringify({ frames: run.frames, peak_rss_mb: Math.round(peak * 10) / 10 })}\n`);
        return;
      }
      const result: Record<string, unknown> = { model_id: modelId, fps, target_fps: targetFps, seconds };
      const timed: Array<Record<string, number | string>> = [];
      for (const size of (f.SIZES ?? "256x144,1024x576").split(",").filter(Boolean)) {
        const [width, height] = size.split("x").map(Number) as [number, number];
        const clip = join(work, `clip-${size}.mp4`);
        await writeClip(clip, width, height, fps, seconds);
        await runOnce(film, clip, targetFps); // warm-up
        const run = await runOnce(film, clip, targetFps);
        const row = {
          size,
          output_frames: run.frames,
          interpolated_frames: run.inferences,
          wall_ms: r2(run.wallMs),
          session_run_ms: r2(run.sessionMs),
          ratio: r2(run.wallMs / run.sessionMs),
          session_share: r2(run.sessionMs / run.wallMs),
          interpolated_per_s: r2((run.inferences / run.wallMs) * 1000),
          session_run_per_frame_ms: r2(run.sessionMs / Math.max(1, run.inferences)),
        };
        timed.push(row);
        console.log(
          `${size}: ${run.frames} frames (${run.inferences} interpolated) in ${row.wall_ms} ms, summed session.run ${row.session_run_ms} ms ` +
            `→ wall / session.run ${row.ratio}× (target ≤ 1.05; session.run is ${Math.round(row.session_share * 100)} % of the run), ` +
            `${row.interpolated_per_s} interpolated frames/s`,
        );
      }
      result.timed = timed;
      const memory: Array<Record<string, number>> = [];
      // An empty value is dropped by the flag parser: look for it in the arguments themselves.
      const skipRss = args.some((a, i) => a === "--rss-seconds=" || (a === "--rss-seconds" && args[i + 1] === ""));
      const rssSeconds = skipRss ? [] : (f.RSS_SECONDS ?? "2,20").split(",").filter(Boolean).map(Number);
      for (const secs of rssSeconds) {
        const clip = join(work, `rss-${secs}.mp4`);
        await writeClip(clip, 256, 144, fps, secs);
        const { stdout } = await execFileAsync(
          process.execPath,
          [process.argv[1]!, "bench", "--pipeline", "frame-interpolation", "--video", "--rss-child", clip]
            .concat(["--model-id", modelId, "--model-dir", modelDir, "--fps", String(fps)])
            .concat(["--target-fps", String(targetFps), "--intra-op-threads", String(threads)]),
          { maxBuffer: 1024 * 1024 },
        );
        const child = JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, number>;
        memory.push({ clip_seconds: secs, ...child });
        console.log(`${secs} s clip (${child.frames} output frames): peak RSS ${child.peak_rss_mb} MB`);
      }
      if (memory.length === 2) {
        const ratio = memory[1]!.peak_rss_mb! / memory[0]!.peak_rss_mb!;
        console.log(
          `peak RSS ${memory[1]!.clip_seconds} s / ${memory[0]!.clip_seconds} s: ${ratio.toFixed(3)} (flat ≈ 1)`,
        );
        result.rss_ratio = Math.round(ratio * 1000) / 1000;
      }
      result.memory = memory;
      if (f.JSON) await writeFile(f.JSON, `${JSON.stringify(result, null, 2)}\n`);
    } finally {
      await film.release();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

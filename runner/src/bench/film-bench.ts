/**
 * @module `avs-runner bench --pipeline frame-interpolation`: the frame interpolation core at worker level (the FILM
 * model in this process, driven by the streaming driver over in-memory frames; no HTTP, no ffmpeg, no worker
 * thread). It compares each run's wall time with the summed `session.run` time inside it: everything else the core
 * does per frame (padding, cropping, tensors, the plan, the driver) is the overhead (target ≤ 1.05×). The 8-bit
 * conversions run inside ONNX Runtime when the graph surgery applies, so they count as session.run.
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RgbImage } from "../image/decode.js";
import { installModel } from "../models/install.js";
import { modelPath } from "../models/layout.js";
import { testFrame } from "../pipelines/frame-interpolation/film-fixtures.js";
import { loadFilmModel } from "../pipelines/frame-interpolation/film-model.js";
import { type FramePlan, planFrameTimes, planMidpoints } from "../pipelines/frame-interpolation/frame-plan.js";
import { interpolateFrames } from "../pipelines/frame-interpolation/interpolate-stream.js";
import { benchFlags, THREADS } from "./flags.js";
import { percentile } from "./stats.js";
import { makeTempDir, removeTempDir } from "./temp-dirs.js";

/** Flags of the frame interpolation benchmark. */
export const FILM_BENCH_HELP = `avs-runner bench --pipeline frame-interpolation — FILM core time vs summed session.run

Runs the plan's frames through the streaming driver and the FILM model in this process and divides each run's
wall time by the session.run time inside it (target ≤ 1.05). The 8-bit pixel conversions are part of the graph
when the model allows (see models verify: pixels_in_graph), so they count as session.run.

Flags (defaults in brackets):
  --model-id <id>              [tiny/film] installed into a temporary dir if MODEL_DIR lacks it
  --model-dir <dir>            [MODEL_DIR or /models]
  --width <px> --height <px>   [1024] [576] frame size (SVD's)
  --frames <n>                 [14] source frames, 2 or more
  --fps <r>                    [7] source frame rate, above 0
  --target-fps <r>             [24] output frame rate, above 0 (or --multiplier, or --times-to-interpolate)
  --multiplier <m>             output rate as a multiple of the source's, 1 or more
  --times-to-interpolate <k>   FILM's recursive midpoints instead: 2^k − 1 frames between each pair, k from 1 to 16
  --runs <n>                   [5] timed runs, 1 or more
  --warmup <n>                 [1] untimed runs first
  --intra-op-threads <n>       [0] ONNX Runtime threads (0 = one per core)
  --json <file>                also write the results as JSON
  --video                      time the route's streamed path instead (ffmpeg decode → FILM → encode; see --video --help)
`;

const KNOWN =
  "PIPELINE MODEL_ID MODEL_DIR WIDTH HEIGHT FRAMES FPS TARGET_FPS MULTIPLIER TIMES_TO_INTERPOLATE RUNS WARMUP INTRA_OP_THREADS JSON".split(
    " ",
  );

/** Source frames cycling through three distinct pictures: memory stays flat however many frames a run has. */
function* frames(count: number, pool: RgbImage[]): Generator<RgbImage> {
  for (let i = 0; i < count; i++) yield pool[i % pool.length]!;
}

/**
 * Runs the benchmark from command-line arguments.
 * @example await filmBenchMain(["--pipeline", "frame-interpolation", "--width", "512", "--height", "288"])
 */
export async function filmBenchMain(args: string[]): Promise<void> {
  if (args.includes("--video")) {
    return (await import("./film-video-bench.js")).filmVideoBenchMain(args.filter((a) => a !== "--video"));
  }
  if (args.includes("--help")) return void process.stdout.write(FILM_BENCH_HELP);
  const f = benchFlags(args, KNOWN);
  const [width, height] = [f.int("WIDTH", 1024, { min: 1 }), f.int("HEIGHT", 576, { min: 1 })];
  const count = f.int("FRAMES", 14, { min: 2, why: "frames are interpolated between pairs" });
  const fps = f.decimal("FPS", 7, { above: 0 });
  const plan: FramePlan = f.text("TIMES_TO_INTERPOLATE")
    ? planMidpoints({ frames: count, fps, timesToInterpolate: f.int("TIMES_TO_INTERPOLATE", 1, { min: 1, max: 16 }) })
    : planFrameTimes(
        f.text("MULTIPLIER")
          ? { frames: count, fps, multiplier: f.decimal("MULTIPLIER", 2, { min: 1 }) }
          : { frames: count, fps, targetFps: f.decimal("TARGET_FPS", 24, { above: 0 }) },
      );
  const [runs, warmup] = [f.int("RUNS", 5, { min: 1 }), f.int("WARMUP", 1)];
  const threads = f.int("INTRA_OP_THREADS", 0, THREADS);
  const json = f.text("JSON");
  const modelId = f.text("MODEL_ID") ?? "tiny/film";
  let modelDir = f.text("MODEL_DIR") ?? process.env.MODEL_DIR ?? "/models";
  const temp = existsSync(join(modelPath(modelDir, modelId), "model.onnx"))
    ? undefined
    : await makeTempDir("avs-bench-");
  let film: Awaited<ReturnType<typeof loadFilmModel>> | undefined;
  try {
    if (temp) {
      await installModel(modelId, temp);
      modelDir = temp;
      console.log(`(${modelId} is not in the models dir; installed it into ${temp} for this run)`);
    }
    film = await loadFilmModel(modelPath(modelDir, modelId), {
      executionProvider: "cpu",
      intraOpThreads: threads,
      log: () => {},
    });
    const pool = [0, 1, 2].map((i) => testFrame(width, height, i));
    console.log(
      `benchmarking ${modelId} (${film.pixelsInGraph ? "8-bit conversions in the graph" : "conversions in JS"}): ` +
        `${count} frames ${width}×${height} at ${fps} fps → ${plan.frames.length} frames at ${Math.round(plan.fps * 1000) / 1000} fps ` +
        `(${plan.inferences} interpolated), ${runs} runs after ${warmup} warm-up`,
    );
    const samples: Array<{ wall_ms: number; session_ms: number; ratio: number }> = [];
    for (let r = 0; r < warmup + runs; r++) {
      const before = film.stats.sessionMs;
      const started = performance.now();
      let produced = 0;
      for await (const _ of interpolateFrames(frames(count, pool), plan, film.interpolate, { aborted: false })) {
        produced++;
      }
      const wall = performance.now() - started;
      const session = film.stats.sessionMs - before;
      if (produced !== plan.frames.length) throw new Error(`a run produced ${produced} frames`);
      if (r >= warmup) samples.push({ wall_ms: wall, session_ms: session, ratio: wall / session });
    }
    const p50 = (key: "wall_ms" | "session_ms" | "ratio") =>
      percentile(
        samples.map((s) => s[key]),
        50,
      );
    const r2 = (x: number) => Math.round(x * 100) / 100;
    const result = {
      model_id: modelId,
      width,
      height,
      source_frames: count,
      output_frames: plan.frames.length,
      interpolated_frames: plan.inferences,
      pixels_in_graph: film.pixelsInGraph,
      wall_ms_p50: r2(p50("wall_ms")),
      session_run_ms_p50: r2(p50("session_ms")),
      ratio_p50: Math.round(p50("ratio") * 1000) / 1000,
      ratio_best: Math.round(Math.min(...samples.map((s) => s.ratio)) * 1000) / 1000,
      interpolated_per_s: r2((plan.inferences / p50("wall_ms")) * 1000),
      session_run_per_frame_ms: r2(p50("session_ms") / Math.max(1, plan.inferences)),
      peak_rss_mb: Math.round((process.resourceUsage().maxRSS * 1024) / 1024 / 1024),
      runs: samples,
    };
    console.log(
      `wall p50 ${result.wall_ms_p50} ms, summed session.run p50 ${result.session_run_ms_p50} ms ` +
        `(${result.session_run_per_frame_ms} ms per interpolated frame)\n` +
        `wall / session.run: ${result.ratio_p50} p50, ${result.ratio_best} best (target ≤ 1.05)\n` +
        `interpolated frames per second: ${result.interpolated_per_s}; peak RSS ${result.peak_rss_mb} MB`,
    );
    if (json) {
      await writeFile(json, `${JSON.stringify(result, null, 2)}\n`);
      console.log(`wrote ${json}`);
    }
  } finally {
    await film?.release();
    if (temp) await removeTempDir(temp);
  }
}

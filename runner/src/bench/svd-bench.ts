/**
 * @module `avs-runner bench --pipeline image-to-video`: the image-to-video core in this process. Time: each request's
 * wall time against the summed `session.run` of its components (image encoder, VAE encoder, UNet steps, temporal
 * decoder chunks) — everything else (the CLIP preparation of the image, noise, conditioning arrays, the guidance ramp
 * and Euler steps in JavaScript, promise hops) is the overhead (target ≤ 5 %) — the floor, one request's calls
 * replayed back to back, and the same comparison in CPU time of this process (svd-cpu-bench.ts), which waiting for a
 * core does not inflate.
 * Memory: a 25-frame 1024×576 generation on tiny/svd-xt whose frames are dropped as they come (as a streaming encoder
 * takes them), its peak RSS above the RSS just before it (Linux's VmHWM, reset through /proc/self/clear_refs) against
 * the raw frames' bytes (target ≤ 1.5×), and its peak before the decoder's first call; first on a freshly loaded
 * model (ONNX Runtime's arenas and the pipeline's pools grow to the request's size), then twice more on the warm
 * runner. Then the same through a runner process
 * (`svd-request-bench.ts`): request vs session.run, the process's peak RSS, and mp4 encoding per frame for each x264
 * preset (`svd-mp4-bench.ts`).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { modelPath } from "../models/layout.js";
import { generateVideo } from "../pipelines/image-to-video/generate-video.js";
import { loadSvd } from "../pipelines/image-to-video/svd-load.js";
import type { VideoParams } from "../pipelines/image-to-video/video-job.js";
import { VIDEO_DEFAULTS } from "../pipelines/image-to-video/video-limits.js";
import { benchFlags, THREADS } from "./flags.js";
import {
  COMMON_FLAGS,
  collector,
  modelsFor,
  recorder,
  replay,
  reportTimings,
  round,
  sum,
  timeRequests,
} from "./pipeline-bench.js";
import { cpuPhase } from "./svd-cpu-bench.js";
import { runRequestPhase } from "./svd-request-bench.js";
import { printTimeline } from "./svd-request-diagnostics.js";

/** Flags of the image-to-video benchmark. */
export const SVD_BENCH_HELP = `avs-runner bench --pipeline image-to-video — image-to-video core time vs summed session.run, peak memory,
and the mp4 of the answer's frames per x264 preset (veryfast, superfast, ultrafast: ms per frame vs a floor, bytes, PSNR)

session.run is the model's four components; it includes the temporal decoder's float → 8-bit RGB conversion
(appended to its graph unless its weights are external). The CLIP preparation of the image (JavaScript) is overhead.

Flags (defaults in brackets):
  --model-id <id>          [tiny/svd] model of the time comparison, installed into a temporary dir if MODEL_DIR lacks it
  --model-dir <dir>        [MODEL_DIR or /models]
  --width <px>, --height   [64, 64] video size of the time comparison
  --steps <n>              [25] num_inference_steps
  --chunk <n>              [${VIDEO_DEFAULTS.decodeChunkSize}] decode_chunk_size
  --max-guidance <g>       [3] max_guidance_scale (> 1 runs the UNet on [unconditional; conditional])
  --runs <n>               [200] timed requests (1 or more); as many again, each followed by one request's session.run calls
                           replayed, for the CPU line (this process's CPU time: immune to waiting for a core)
  --warmup <n>             [100] requests first, reported apart (V8 optimises the code over the first ones)
  --memory-model-id <id>   [tiny/svd-xt] model of the memory measurement ("none" skips it)
  --memory-width <px>, --memory-height <px>, --memory-steps <n>   [1024, 576, 25]
  --request-runs <n>       [20] timed requests through an avs-runner child process, each followed by the same request
                           in-process for its summed session.run (0 skips the request phase and the mp4 comparison;
                           the memory and large mp4 lines use the --memory-* model and size; the requests send size,
                           steps and seed, so --max-guidance and --chunk do not apply to them); runner processes
                           start with MALLOC_ARENA_MAX=2 unless the environment sets it, as the Docker image and the
                           orchestrator start them
  --request-warmup <n>     [10, at most --warmup] untimed requests through each runner process before its timed ones
                           (and before --baseline's pairs); a runner's JIT is still compiling its request path over the
                           first few hundred 64×64 requests, so e.g. 400 measures a warmed-up process
  --intra-op-threads <n>   [0] ONNX Runtime threads (0 = one per core)
  --baseline <dir>         also compare this build's runner with another build's (its runner package dir, e.g.
                           /work/main/runner, or its dist/cli.js): --request-runs pairs of the same request through
                           both processes, served at once and driven by this build's client; p50s, the paired median
                           difference and whether the frames are the same bytes
  --timeline               only the median timeline of --request-runs requests through an avs-runner child process
                           (after --warmup, at most 10): ms from the client's send to each milestone — request read,
                           handler, image decoded, queue slot, job posted / received / done / result, session.run
                           first / last, answer chunks, response finished, client done (AVS_TIMELINE, see
                           src/internal/timeline.ts; traced requests are slower than untraced ones)
  --json <file>            also write the results as JSON
`;

const KNOWN = [
  ...COMMON_FLAGS,
  "WIDTH",
  "HEIGHT",
  "CHUNK",
  "MAX_GUIDANCE",
  "MEMORY_MODEL_ID",
  "MEMORY_WIDTH",
  "MEMORY_HEIGHT",
  "MEMORY_STEPS",
  "REQUEST_RUNS",
  "REQUEST_WARMUP",
  "BASELINE",
];

/** The `dist/cli.js` of the build `--baseline` names: a runner package dir, or the script itself. */
function baselineCli(path: string): string {
  return /\.m?js$/.test(path) ? resolve(path) : resolve(path, "dist/cli.js");
}

/** The fields a bench request leaves to the runner's defaults, which the flags may have changed in-process. */
const DEFAULT_EXTRAS = {
  maxGuidanceScale: VIDEO_DEFAULTS.maxGuidanceScale,
  decodeChunkSize: VIDEO_DEFAULTS.decodeChunkSize,
};

const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

/** A test card of the video's size (no resize), different per seed so no cache hides work. */
function card(width: number, height: number): VideoParams["image"] {
  return {
    width,
    height,
    pixels: Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 31 + (i >> 7)) % 256),
  };
}

/** Peak resident set since the last reset, or undefined off Linux. */
function peakRss(): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

function resetPeakRss(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs the image-to-video benchmark.
 *
 * @example
 * await svdBenchMain(["--pipeline", "image-to-video", "--runs", "50"]);
 */
export async function svdBenchMain(args: string[]): Promise<void> {
  if (args.includes("--help")) return void process.stdout.write(SVD_BENCH_HELP);
  const timeline = args.includes("--timeline");
  const f = benchFlags(
    args.filter((a) => a !== "--timeline"),
    KNOWN,
  );
  const modelDir = f.text("MODEL_DIR") ?? process.env.MODEL_DIR ?? "/models";
  const modelId = f.text("MODEL_ID") ?? "tiny/svd";
  const threads = f.int("INTRA_OP_THREADS", 0, THREADS);
  const width = f.int("WIDTH", 64, { min: 8 });
  const height = f.int("HEIGHT", 64, { min: 8 });
  const steps = f.int("STEPS", 25, { min: 1 });
  const chunk = f.int("CHUNK", VIDEO_DEFAULTS.decodeChunkSize, { min: 1 });
  const maxGuidance = f.decimal("MAX_GUIDANCE", VIDEO_DEFAULTS.maxGuidanceScale);
  const runs = f.int("RUNS", 200, { min: 1 });
  const warmup = f.int("WARMUP", 100);
  const memoryModel = f.text("MEMORY_MODEL_ID") ?? "tiny/svd-xt";
  const memorySize = {
    width: f.int("MEMORY_WIDTH", 1024, { min: 8 }),
    height: f.int("MEMORY_HEIGHT", 576, { min: 8 }),
    steps: f.int("MEMORY_STEPS", 25, { min: 1 }),
  };
  const requestRuns = f.int("REQUEST_RUNS", 20, timeline ? { min: 1, why: "--timeline times requests" } : {});
  const requestWarmup = f.int("REQUEST_WARMUP", Math.min(warmup, 10));
  const baseline = f.text("BASELINE");
  const json = f.text("JSON");
  const base: Omit<VideoParams, "seed"> = {
    ...VIDEO_DEFAULTS,
    image: card(width, height),
    width,
    height,
    numInferenceSteps: steps,
    decodeChunkSize: chunk,
    maxGuidanceScale: maxGuidance,
  };
  if (timeline) {
    const models = await modelsFor(modelId, modelDir, "model_index.json");
    try {
      const tl = await printTimeline(
        { modelDir: models.dir, modelId, threads, width, height, steps: base.numInferenceSteps },
        Math.min(warmup, 10),
        requestRuns,
      );
      if (json) await writeFile(json, `${JSON.stringify({ timeline: tl }, null, 2)}\n`);
    } finally {
      await models.cleanup();
    }
    return;
  }
  const gc = collector();
  const load = (id: string, dir: string) =>
    loadSvd({
      modelId: id,
      modelPath: modelPath(dir, id),
      executionProvider: "cpu",
      intraOpThreads: threads,
      log: () => {},
    });
  const report: Record<string, unknown> = {
    model_id: modelId,
    width,
    height,
    steps: base.numInferenceSteps,
    chunk: base.decodeChunkSize,
    runs,
    warmup,
  };

  const models = await modelsFor(modelId, modelDir, "model_index.json");
  const svd = await load(modelId, models.dir);
  const drop = () => {};
  try {
    const timings = await timeRequests(
      warmup,
      runs,
      async (i) => (await generateVideo(svd.components, { ...base, seed: i }, {}, drop)).sessionMs,
    );
    const { calls, observe } = recorder();
    await generateVideo(svd.components, { ...base, seed: 999 }, {}, drop, { onRun: observe });
    const floor = await replay(calls, runs);
    console.log(
      `benchmarking image-to-video on ${modelId}: ${svd.components.frames} frames ${width}×${height}, ${base.numInferenceSteps} steps, max guidance ${base.maxGuidanceScale}, decode chunk ${base.decodeChunkSize}, ${runs} runs after ${warmup} warm-up`,
    );
    Object.assign(
      report,
      reportTimings(timings, calls.length, floor, (outside) => `, ${round((outside * 1000) / steps, 1)} µs per step`),
    );
  } finally {
    await svd.release();
    await models.cleanup();
  }

  if (memoryModel !== "none") {
    report.memory = await measureMemory({ ...memorySize, chunk }, memoryModel, modelDir, load, gc);
  }
  // The same model in this process again: for the CPU comparison (after the memory rounds, so the garbage of its
  // requests is not in the process they measure) and so each runner request's summed session.run is measured right
  // after it.
  const timeModels = await modelsFor(modelId, modelDir, "model_index.json");
  const twin = await load(modelId, timeModels.dir);
  const memModels =
    requestRuns > 0 && memoryModel !== "none" ? await modelsFor(memoryModel, modelDir, "model_index.json") : undefined;
  try {
    const cpu = await cpuPhase(runs, Math.min(warmup, 10), (seed, observe) =>
      generateVideo(twin.components, { ...base, seed }, {}, drop, { onRun: observe }),
    );
    if (cpu) report.cpu = cpu;
    if (requestRuns > 0) {
      report.request = await runRequestPhase({
        modelDir: timeModels.dir,
        time: {
          modelId,
          width,
          height,
          steps: base.numInferenceSteps,
          // The request sends width, height, steps and seed; the runner takes its defaults for the rest.
          sessions: async (seed) => {
            const same = { ...VIDEO_DEFAULTS, ...base, ...DEFAULT_EXTRAS, seed };
            return sum(Object.values((await generateVideo(twin.components, same, {}, drop)).sessionMs));
          },
          warmup: requestWarmup,
          runs: requestRuns,
        },
        ...(memModels
          ? {
              memory: {
                modelDir: memModels.dir,
                modelId: memoryModel,
                ...memorySize,
                frames: (report.memory as { frames: number }).frames,
              },
            }
          : {}),
        threads,
        fps: VIDEO_DEFAULTS.fps,
        ...(baseline ? { baselineCli: baselineCli(baseline) } : {}),
      });
    }
  } finally {
    await twin.release();
    await timeModels.cleanup();
    await memModels?.cleanup();
  }
  if (json) {
    await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`wrote ${json}`);
  }
}

/** The memory phase: peak RSS of a large generation above the RSS before it, cold and warm. */
async function measureMemory(
  size: { width: number; height: number; steps: number; chunk: number },
  modelId: string,
  modelDir: string,
  load: (id: string, dir: string) => ReturnType<typeof loadSvd>,
  gc: () => void,
): Promise<Record<string, unknown>> {
  const { width, height, steps, chunk } = size;
  const models = await modelsFor(modelId, modelDir, "model_index.json");
  const svd = await load(modelId, models.dir);
  try {
    const frames = svd.components.frames;
    const raw = frames * width * height * 3;
    const params: VideoParams = {
      ...VIDEO_DEFAULTS,
      image: card(width, height),
      width,
      height,
      numInferenceSteps: steps,
      decodeChunkSize: chunk,
      seed: 1,
    };
    const rounds: {
      run: string;
      seconds: number;
      idle_mb: number;
      peak_above_idle_mb: number | null;
      ratio: number | null;
      denoise_peak_above_idle_mb: number | null;
    }[] = [];
    for (const run of ["cold", "warm", "warm again"]) {
      gc();
      const idle = process.memoryUsage().rss;
      const reset = resetPeakRss();
      const t0 = performance.now();
      let handed = 0;
      // The peak until the temporal decoder's first call: conditioning and the denoising loop.
      let denoisePeak: number | undefined;
      await generateVideo(
        svd.components,
        params,
        {},
        (chunkOut) => {
          handed += chunkOut.frames.length;
        },
        {
          onRun: (component) => {
            if (component === "vae_decoder" && denoisePeak === undefined && reset) denoisePeak = peakRss();
          },
        },
      );
      const seconds = (performance.now() - t0) / 1000;
      if (handed !== frames) throw new Error(`the generation handed out ${handed} frames of ${frames}`);
      const peak = reset ? peakRss() : undefined;
      const above = peak === undefined ? null : peak - idle;
      rounds.push({
        run,
        seconds: round(seconds, 1),
        idle_mb: mb(idle),
        peak_above_idle_mb: above === null ? null : mb(above),
        ratio: above === null ? null : round(above / raw, 2),
        denoise_peak_above_idle_mb: denoisePeak === undefined ? null : mb(denoisePeak - idle),
      });
    }
    console.log(
      `memory, ${modelId} ${frames} frames ${width}×${height}, ${steps} steps, decode chunk ${chunk}, frames dropped as they come; raw frames ${mb(raw)} MB (target: peak above idle ≤ 1.5× that)`,
    );
    for (const r of rounds) {
      console.log(
        r.ratio === null
          ? `  ${r.run}: ${r.seconds} s (peak RSS not measurable here: needs Linux /proc/self/clear_refs)`
          : `  ${r.run}: ${r.seconds} s, idle RSS ${r.idle_mb} MB, peak above idle ${r.peak_above_idle_mb} MB = ${r.ratio}× the raw frames (${r.denoise_peak_above_idle_mb} MB before decoding)`,
      );
    }
    return { model_id: modelId, frames, width, height, steps, chunk, raw_frames_mb: mb(raw), rounds };
  } finally {
    await svd.release();
    await models.cleanup();
  }
}

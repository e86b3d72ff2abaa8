/**
 * @module `avs-runner bench --pipeline frame-interpolation --video`: the route's streamed path — a generated H.264
 * clip decoded by ffmpeg, FILM filling the gaps per the plan, the frames encoded to mp4 (`interpolateVideo`, what
 * `POST /frame-interpolation` runs in its queue slot), after the probe the route runs first (the decoder started
 * beside it, as the route does for a job alone in the runner) — with the model in this process. It prints
 * interpolated frames per second and the run's wall time, probe included, over the summed `session.run` inside it
 * (target ≤ 1.05), per model and frame size, or with `--timeline` each job's milestones; then the peak RSS of a short and a long clip, each interpolated in a fresh process, and their ratio
 * (flat when frames are streamed). Two models by default: tiny/film, whose `session.run` is one blend, so ffmpeg's
 * decode and x264's encode dominate the wall time; and tiny/film-conv, a synthetic model (not FILM) with the same
 * output plus a zero-weighted conv path of a stated GFLOP per frame, so `session.run` weighs like a model's and the
 * ratio shows whether decode and encode hide behind it. Each line names its model and says which one is synthetic,
 * and the CPU the run took in this process and in ffmpeg: on a machine whose cores are all busy, overlap cannot hide
 * work, and the CPU split says how much of a run decode and encode are. `--worker` runs the model in the inference
 * worker instead, through the frame slots, as `POST /frame-interpolation` does; the time inside the worker is then
 * the summed worker job (session.run plus the worker's slot and tensor handling), as the worker reports it.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { silentLogger } from "../log.js";
import { costPathGflop } from "../models/factory/cost-path.js";
import { FILM_CONV_COST, TINY_FILM_CONV_ENTRY } from "../models/factory/film-tiny.js";
import { installModel } from "../models/install.js";
import { modelPath } from "../models/layout.js";
import { type FilmModel, loadFilmModel } from "../pipelines/frame-interpolation/film-model.js";
import { planFrameTimes } from "../pipelines/frame-interpolation/frame-plan.js";
import { slotInfer } from "../pipelines/frame-interpolation/frame-slots.js";
import type { InferFrame } from "../pipelines/frame-interpolation/interpolate-stream.js";
import { interpolateVideo } from "../pipelines/frame-interpolation/interpolate-video.js";
import { openVideoSource } from "../pipelines/frame-interpolation/video-source.js";
import { captureFfmpeg } from "../video/ffmpeg-process.js";
import { WorkerEngine } from "../worker/engine.js";
import { benchFlags, THREADS } from "./flags.js";
import { percentile } from "./stats.js";
import { makeTempDir, removeTempDir } from "./temp-dirs.js";

const execFileAsync = promisify(execFile);

/** Flags of the route benchmark. */
export const FILM_VIDEO_BENCH_HELP = `avs-runner bench --pipeline frame-interpolation --video — the streamed route vs summed session.run, and peak RSS vs length

Flags (defaults in brackets):
  --model-id <id,...>      [tiny/film,tiny/film-conv] installed into a temporary dir if MODEL_DIR lacks it;
                           tiny/film-conv is synthetic (tiny/film's blend + a zero-weighted conv path of a stated
                           GFLOP per frame, so session.run costs like a model's), not FILM
  --model-dir <dir>        [MODEL_DIR or /models]
  --sizes <WxH,...>        [256x144,1024x576] frame sizes timed
  --seconds <s>            [2] clip length of the timed runs, above 0
  --fps <r>                [7] source frame rate, above 0
  --target-fps <r>         [24] output frame rate, above 0
  --rss-seconds <a,b>      [2,20] clip lengths whose peak RSS is compared (256x144, each in a fresh process); "" skips
  --runs <n>               [3] timed runs per model and size (after one warm-up), 1 or more; medians are printed
  --worker                 run the model in the inference worker through the frame slots, as the route does
                           (needs the built dist/worker.js); the time inside is the summed worker job
  --intra-op-threads <n>   [0] ONNX Runtime threads (0 = one per core)
  --x264-threads <n>       [0] x264's threads (0 = x264's own choice, as the route)
  --decoder-threads <n>    [0] ffmpeg decoder threads (0 = ffmpeg's choice)
  --decode-ahead <0|1>     [1] start the decoder beside the probe, as the route does for a job alone in the runner
                           (0: after the probe, as it does behind other jobs)
  --timeline               print one job's timeline per model and size instead (ms from the job's start: probe,
                           decoder and encoder start-up, first and last FILM call, encoder exit), after a warm-up
  --json <file>            also write the results as JSON
`;

const KNOWN =
  "PIPELINE MODEL_ID MODEL_DIR SIZES SECONDS FPS TARGET_FPS RSS_SECONDS RSS_CHILD RUNS INTRA_OP_THREADS X264_THREADS DECODER_THREADS DECODE_AHEAD JSON".split(
    " ",
  );

/** Where the model runs: in this process (`session.run` timed by the model) or in the inference worker. */
interface Backend {
  infer: InferFrame;
  /** Milliseconds spent inside so far: summed session.run, or the worker's summed job time. */
  insideMs(): number;
  release(): Promise<void>;
}

/** The model in this process: `film.interpolate`, timed by its own session.run counter. */
function inProcess(film: FilmModel): Backend {
  return { infer: film.interpolate, insideMs: () => film.stats.sessionMs, release: () => film.release() };
}

/** The model in an inference worker, called through the frame slots as the route calls it. */
async function inWorker(modelId: string, dir: string, intraOpThreads: number): Promise<Backend> {
  const engine = new WorkerEngine(silentLogger);
  await engine.load({
    type: "load",
    pipeline: "frame-interpolation",
    modelId,
    modelPath: dir,
    executionProvider: "cpu",
    intraOpThreads,
    options: {},
  });
  let inside = 0;
  const infer = slotInfer(async (job, transfer) => {
    const { output, runSeconds } = await engine.run(job, { transfer });
    inside += runSeconds * 1000;
    return output as Awaited<ReturnType<InferFrame>>;
  });
  return { infer, insideMs: () => inside, release: () => engine.close() };
}

/** The threads of the encoder and decoder. */
interface Threads {
  encoder: number;
  decoder: number;
}

/** A `testsrc2` clip (moving pattern: no two frames alike) of `seconds` at `fps`, H.264 yuv420p. */
async function writeClip(out: string, width: number, height: number, fps: number, seconds: number) {
  const args = ["-v", "error", "-y", "-f", "lavfi", "-i", `testsrc2=s=${width}x${height}:r=${fps}:d=${seconds}`];
  args.push("-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", out);
  const run = await captureFfmpeg("ffmpeg", args, { timeoutMs: 600_000 });
  if (run.code !== 0) throw new Error(`ffmpeg could not write ${out}: ${run.stderr}`);
}

/**
 * One streamed interpolation of `clip` as the route runs it, from the probe to the finished mp4: wall and summed
 * session.run (or worker job) milliseconds, frames made, CPU, and the time of each milestone in ms from the job's
 * start (the probe, the decoder's and encoder's start-up, the first and last FILM call, the encoder's exit).
 */
async function runOnce(backend: Backend, clip: string, targetFps: number, threads: Threads, decodeAhead: boolean) {
  const before = backend.insideMs();
  const [cpuBefore, ffmpegBefore] = [process.cpuUsage(), await childCpuMs()];
  const started = performance.now();
  const events: Array<[string, number]> = [];
  const trace = (event: string) => events.push([event, Math.round(performance.now() - started)]);
  trace("probe-start");
  const source = await openVideoSource(clip, { decodeAhead, decoderThreads: threads.decoder, trace });
  trace("probe-end");
  const { probe } = source;
  const fps = probe.video.frameRate!.num / probe.video.frameRate!.den;
  const plan = planFrameTimes({ frames: probe.video.frames, fps, targetFps });
  let calls = 0;
  let results = 0;
  const infer: InferFrame = async (a, b, t, spare) => {
    if (calls++ === 0) trace("first-film-call");
    const out = await backend.infer(a, b, t, spare);
    if (++results === 1) trace("first-film-result");
    if (results === plan.inferences) trace("last-film-result");
    return out;
  };
  const result = await interpolateVideo({
    source: source.frames(),
    plan,
    infer,
    width: probe.video.width,
    height: probe.video.height,
    output: `${clip}.out.mp4`,
    encoderThreads: threads.encoder,
    trace,
  });
  trace("job-end");
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const ffmpegCpuMs = (await childCpuMs()) - ffmpegBefore;
  await rm(`${clip}.out.mp4`, { force: true });
  return {
    wallMs,
    probeMs: events.find(([e]) => e === "probe-end")![1],
    sessionMs: backend.insideMs() - before,
    frames: result.frames,
    inferences: plan.inferences,
    processCpuMs: (cpu.user + cpu.system) / 1000,
    ffmpegCpuMs,
    events: events.sort((x, y) => x[1] - y[1]),
  };
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/**
 * CPU milliseconds of this process's exited children (the ffmpeg decoder and encoder once reaped): `cutime` +
 * `cstime` of `/proc/self/stat`, in clock ticks of 10 ms (Linux's USER_HZ); 0 where there is no /proc.
 */
async function childCpuMs(): Promise<number> {
  const stat = await readFile("/proc/self/stat", "utf8").catch(() => "");
  // Fields after the command name (which may hold spaces) start at field 3; cutime and cstime are fields 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[13]) || 0) + (Number(fields[14]) || 0)) * 10;
}

/**
 * Runs the route benchmark from command-line arguments (after `--pipeline frame-interpolation --video`).
 * @example await filmVideoBenchMain(["--pipeline", "frame-interpolation", "--video", "--sizes", "256x144"])
 */
export async function filmVideoBenchMain(args: string[]): Promise<void> {
  if (args.includes("--help")) return void process.stdout.write(FILM_VIDEO_BENCH_HELP);
  const f = benchFlags(
    args.filter((a) => a !== "--worker" && a !== "--timeline"),
    KNOWN,
    ["RSS_SECONDS"],
  );
  const modelIds = (f.text("MODEL_ID") ?? `tiny/film,${TINY_FILM_CONV_ENTRY.id}`).split(",").filter(Boolean);
  const fps = f.decimal("FPS", 7, { above: 0 });
  const targetFps = f.decimal("TARGET_FPS", 24, { above: 0 });
  const seconds = f.decimal("SECONDS", 2, { above: 0 });
  const threads = f.int("INTRA_OP_THREADS", 0, THREADS);
  const codec: Threads = {
    encoder: f.int("X264_THREADS", 0, THREADS),
    decoder: f.int("DECODER_THREADS", 0, THREADS),
  };
  const decodeAhead = f.choice("DECODE_AHEAD", ["0", "1"], "1") === "1";
  const runs = f.int("RUNS", 3, { min: 1 });
  const sizes = (f.text("SIZES") ?? "256x144,1024x576").split(",").map((size) => {
    const m = /^(\d+)x(\d+)$/.exec(size);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
      throw new Error(
        `--sizes must be WxH sizes separated by commas (e.g. 256x144,1024x576), got ${JSON.stringify(size)}`,
      );
    }
    return size;
  });
  const rssSeconds = f.decimals("RSS_SECONDS", "2,20", { above: 0 });
  const rssChild = f.text("RSS_CHILD");
  const json = f.text("JSON");
  const worker = args.includes("--worker");
  const timeline = args.includes("--timeline");
  const work = await makeTempDir("avs-film-bench-");
  const givenDir = f.text("MODEL_DIR") ?? process.env.MODEL_DIR ?? "/models";
  const installed = join(work, "models");
  const dirOf = async (modelId: string) => {
    if (existsSync(join(modelPath(givenDir, modelId), "model.onnx"))) return givenDir;
    await installModel(modelId, installed);
    return installed;
  };
  const open = async (modelId: string) =>
    loadFilmModel(modelPath(await dirOf(modelId), modelId), {
      executionProvider: "cpu",
      intraOpThreads: threads,
      log: () => {},
    });
  const backend = async (modelId: string): Promise<Backend> =>
    worker ? inWorker(modelId, modelPath(await dirOf(modelId), modelId), threads) : inProcess(await open(modelId));
  try {
    if (rssChild) {
      const film = inProcess(await open(modelIds[0]!));
      try {
        const run = await runOnce(film, rssChild, targetFps, codec, decodeAhead);
        const peak = process.resourceUsage().maxRSS / 1024;
        process.stdout.write(`${JSON.stringify({ frames: run.frames, peak_rss_mb: Math.round(peak * 10) / 10 })}\n`);
      } finally {
        await film.release();
      }
      return;
    }
    const result: Record<string, unknown> = {
      model_ids: modelIds,
      fps,
      target_fps: targetFps,
      seconds,
      runs,
      worker,
      intra_op_threads: threads,
      x264_threads: codec.encoder,
      decoder_threads: codec.decoder,
    };
    const timed: Array<Record<string, number | string | boolean>> = [];
    for (const size of sizes) {
      const [width, height] = size.split("x").map(Number) as [number, number];
      await writeClip(join(work, `clip-${size}.mp4`), width, height, fps, seconds);
    }
    const inside = worker ? "summed worker job" : "summed session.run";
    console.log(
      `model in ${worker ? "the inference worker (frame slots, as the route)" : "this process"}; ONNX Runtime threads ${threads || "one per core"}, x264 threads ${codec.encoder || "auto"}, decoder threads ${codec.decoder || "auto"}; p50 of ${runs} runs`,
    );
    for (const modelId of modelIds) {
      const synthetic = modelId === TINY_FILM_CONV_ENTRY.id;
      const film = await backend(modelId);
      try {
        for (const size of sizes) {
          const [width, height] = size.split("x").map(Number) as [number, number];
          const clip = join(work, `clip-${size}.mp4`);
          await runOnce(film, clip, targetFps, codec, decodeAhead); // warm-up
          if (timeline) {
            for (let i = 0; i < runs; i++) {
              const { events } = await runOnce(film, clip, targetFps, codec, decodeAhead);
              console.log(`${modelId} ${size} timeline (ms): ${events.map(([e, ms]) => `${e} ${ms}`).join(", ")}`);
            }
            continue;
          }
          const all: Array<Awaited<ReturnType<typeof runOnce>>> = [];
          for (let i = 0; i < runs; i++) all.push(await runOnce(film, clip, targetFps, codec, decodeAhead));
          const p50 = (pick: (r: (typeof all)[number]) => number) => percentile(all.map(pick), 50);
          const run = all[0]!;
          const [wallMs, sessionMs] = [p50((r) => r.wallMs), p50((r) => r.sessionMs)];
          const pad = (side: number) => Math.ceil(side / 64) * 64;
          const gflop = synthetic ? r2(costPathGflop(FILM_CONV_COST, pad(width), pad(height))) : undefined;
          const row = {
            model_id: modelId,
            synthetic,
            size,
            ...(gflop !== undefined ? { gflop_per_frame: gflop } : {}),
            output_frames: run.frames,
            interpolated_frames: run.inferences,
            wall_ms: r2(wallMs),
            probe_ms: r2(p50((r) => r.probeMs)),
            wall_per_output_frame_ms: r2(wallMs / run.frames),
            session_run_ms: r2(sessionMs),
            ratio: r2(p50((r) => r.wallMs / r.sessionMs)),
            ratios: all.map((r) => r2(r.wallMs / r.sessionMs)).join(" "),
            session_share: r2(sessionMs / wallMs),
            interpolated_per_s: r2((run.inferences / wallMs) * 1000),
            session_run_per_frame_ms: r2(sessionMs / Math.max(1, run.inferences)),
            process_cpu_ms: r2(p50((r) => r.processCpuMs)),
            ffmpeg_cpu_ms: r2(p50((r) => r.ffmpegCpuMs)),
          };
          timed.push(row);
          const label = synthetic
            ? `${modelId} (synthetic, not FILM: the blend + ${gflop} GFLOP/frame of zero-weighted convs)`
            : modelId;
          console.log(
            `${label} ${size}: ${run.frames} frames (${run.inferences} interpolated) in ${row.wall_ms} ms (${row.wall_per_output_frame_ms} ms per output frame; the probe's ${row.probe_ms} ms included), ${inside} ${row.session_run_ms} ms ` +
              `(${row.session_run_per_frame_ms} ms/frame) → wall / ${inside} ${row.ratio}× [${row.ratios}] (target ≤ 1.05; ${Math.round(row.session_share * 100)} % of the run), ` +
              `${row.interpolated_per_s} interpolated frames/s; CPU ${Math.round(row.process_cpu_ms)} ms in this process (session.run's threads included) + ${Math.round(row.ffmpeg_cpu_ms)} ms in ffmpeg (decode + encode)`,
          );
        }
      } finally {
        await film.release();
      }
    }
    result.timed = timed;
    const memory: Array<Record<string, number>> = [];
    const rssModel = modelIds[0]!;
    for (const secs of rssSeconds) {
      const clip = join(work, `rss-${secs}.mp4`);
      await writeClip(clip, 256, 144, fps, secs);
      const { stdout } = await execFileAsync(
        process.execPath,
        [process.argv[1]!, "bench", "--pipeline", "frame-interpolation", "--video", "--rss-child", clip]
          .concat(["--model-id", rssModel, "--model-dir", await dirOf(rssModel), "--fps", String(fps)])
          .concat(["--target-fps", String(targetFps), "--intra-op-threads", String(threads)])
          .concat(["--x264-threads", String(codec.encoder), "--decoder-threads", String(codec.decoder)])
          .concat(["--decode-ahead", decodeAhead ? "1" : "0"]),
        { maxBuffer: 1024 * 1024 },
      );
      const child = JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, number>;
      memory.push({ clip_seconds: secs, ...child });
      console.log(`${rssModel} ${secs} s clip (${child.frames} output frames): peak RSS ${child.peak_rss_mb} MB`);
    }
    if (memory.length === 2) {
      const ratio = memory[1]!.peak_rss_mb! / memory[0]!.peak_rss_mb!;
      console.log(
        `peak RSS ${memory[1]!.clip_seconds} s / ${memory[0]!.clip_seconds} s: ${ratio.toFixed(3)} (flat ≈ 1)`,
      );
      result.rss_ratio = Math.round(ratio * 1000) / 1000;
    }
    result.memory = memory;
    if (json) await writeFile(json, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await removeTempDir(work);
  }
}

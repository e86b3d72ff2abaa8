/**
 * @module `avs-runner bench --pipeline video-upscale`: the streamed video upscaler against the floor, and its memory
 * against the video's length.
 *
 * Time: a panned-photo clip (the packaged photo, real pixels) is upscaled by `upscaleVideo` — ffmpeg decoding and
 * encoding on this thread, the model in the runner's inference worker thread, frames transferred — and the same
 * decoded frames are run through a plain `session.run` in this thread, back to back, with their tensors made in
 * advance (the floor: nothing but the model). The two alternate, so both see the same machine load; the ratio is
 * streamed wall time over the summed `session.run` time of the pass just before (target ≤ 1.10).
 *
 * Memory: the upscale of a short and a long clip (10 s and 60 s by default), each in a fresh process that does
 * nothing else, and the peak RSS of each (the process's `maxRSS`, worker thread included; ffmpeg's own processes
 * are not counted). Streaming keeps a bounded number of frames, so the two should be within 10 %.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import * as ort from "onnxruntime-node";
import type { RgbImage } from "../image/decode.js";
import { silentLogger } from "../log.js";
import { installModel } from "../models/install.js";
import { modelPath } from "../models/layout.js";
import { sessionOptions } from "../onnx/session.js";
import { rgbToFloatChw } from "../pipelines/upscale/tiling.js";
import { type FrameUpscaler, upscaleVideo } from "../pipelines/video-upscale/upscale-video.js";
import { decodeVideo } from "../video/decode.js";
import { probeVideo } from "../video/probe.js";
import { WorkerEngine } from "../worker/engine.js";
import { benchFlags, THREADS } from "./flags.js";
import { makeTempDir, removeTempDir } from "./temp-dirs.js";
import { writePannedClip } from "./video-clips.js";

export const VIDEO_BENCH_HELP = `avs-runner bench --pipeline video-upscale — streamed video upscaling vs raw session.run, and peak RSS vs length

Flags (defaults in brackets):
  --model-id <id>        [upscalerjs/esrgan-slim-x4] installed into a temporary dir if MODEL_DIR lacks it
  --model-dir <dir>      [MODEL_DIR or /models]
  --size <px>            [64] frame side of the clip (a pan across the packaged photo), 8 or more
  --fps <n>              [24] frames per second of the clips, above 0
  --seconds <s>          [10] length of the clip timed against raw session.run, above 0
  --rounds <n>           [3] alternations of the raw pass and the streamed pass, 1 or more (the median is reported)
  --rss-seconds <a,b>    [10,60] lengths whose peak RSS is compared (each upscaled in a fresh process); "" skips
  --in-flight <n>        [2] frames handed to the model ahead of the one being encoded, 1 or more
  --crf <n>, --preset <p> x264 settings of the output, crf 0-51 (defaults: the encoder's)
  --intra-op-threads <n> [0] ONNX Runtime threads (0 = one per core)
  --json <file>          also write the results as JSON
`;

const KNOWN = [
  "PIPELINE",
  "MODEL_ID",
  "MODEL_DIR",
  "SIZE",
  "FPS",
  "SECONDS",
  "ROUNDS",
  "RSS_SECONDS",
  "IN_FLIGHT",
  "CRF",
  "PRESET",
  "INTRA_OP_THREADS",
  "JSON",
  "RSS_CHILD",
];

interface Settings {
  modelDir: string;
  modelId: string;
  size: number;
  fps: number;
  threads: number;
  inFlight: number;
  crf: number | undefined;
  preset: string | undefined;
}

/** The runner's inference worker with the upscale pipeline loaded, as a {@link FrameUpscaler}. */
async function workerUpscaler(s: Settings) {
  const engine = new WorkerEngine(silentLogger);
  await engine.load({
    type: "load",
    pipeline: "upscale",
    modelId: s.modelId,
    modelPath: modelPath(s.modelDir, s.modelId),
    executionProvider: "cpu",
    intraOpThreads: s.threads,
    options: { tileSize: Math.max(256, s.size), tileOverlap: 16 },
  });
  const scale = Number(engine.info.scale);
  // When the first frame reached the model and the last result came back: the start (ffmpeg starting, the first
  // frame decoding) and the end (the encoder flushing, the index moved to the front) are fixed costs per video.
  const stats = { workerMs: 0, firstCall: 0, lastResult: 0 };
  const upscale: FrameUpscaler = async (rgb, width, height) => {
    stats.firstCall ||= performance.now();
    const { output, runSeconds } = await engine.run(
      { width, height, pixels: rgb },
      { transfer: [rgb.buffer as ArrayBuffer] },
    );
    stats.workerMs += runSeconds * 1000;
    stats.lastResult = performance.now();
    return (output as RgbImage).pixels;
  };
  return { engine, scale, upscale, stats };
}

/** Upscales `clip` once, streamed; returns the wall time in ms. */
async function streamOnce(clip: string, out: string, s: Settings, w: Awaited<ReturnType<typeof workerUpscaler>>) {
  const probe = await probeVideo(clip);
  Object.assign(w.stats, { workerMs: 0, firstCall: 0, lastResult: 0 });
  const t = performance.now();
  await upscaleVideo({
    probe,
    output: out,
    scale: w.scale,
    upscaleFrame: w.upscale,
    inFlight: s.inFlight,
    ...(s.crf !== undefined ? { crf: s.crf } : {}),
    ...(s.preset ? { preset: s.preset } : {}),
  });
  const end = performance.now();
  return {
    ms: end - t,
    frames: probe.video.frames,
    workerMs: w.stats.workerMs,
    startMs: w.stats.firstCall - t,
    endMs: end - w.stats.lastResult,
  };
}

/** The child process of the memory phase: one streamed upscale of `clip`, then its peak RSS as JSON on stdout. */
async function rssChild(clip: string, s: Settings) {
  const w = await workerUpscaler(s);
  try {
    const { ms, frames } = await streamOnce(clip, `${clip}.out.mp4`, s, w);
    const peak = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(
      `${JSON.stringify({ frames, seconds: ms / 1000, peak_rss_mb: Math.round(peak * 10) / 10 })}\n`,
    );
  } finally {
    await w.engine.close();
  }
}

const execFileAsync = promisify(execFile);

/** Runs the benchmark from command-line arguments. */
export async function videoBenchMain(args: string[]): Promise<void> {
  if (args.includes("--help")) return void process.stdout.write(VIDEO_BENCH_HELP);
  const f = benchFlags(args, KNOWN, ["RSS_SECONDS"]);
  const s: Settings = {
    modelDir: f.text("MODEL_DIR") ?? process.env.MODEL_DIR ?? "/models",
    modelId: f.text("MODEL_ID") ?? "upscalerjs/esrgan-slim-x4",
    size: f.int("SIZE", 64, { min: 8 }),
    fps: f.decimal("FPS", 24, { above: 0 }),
    threads: f.int("INTRA_OP_THREADS", 0, THREADS),
    inFlight: f.int("IN_FLIGHT", 2, { min: 1 }),
    crf: f.text("CRF") === undefined ? undefined : f.int("CRF", 0, { max: 51, why: "x264's range" }),
    preset: f.text("PRESET"),
  };
  if (f.text("RSS_CHILD")) return rssChild(f.text("RSS_CHILD")!, s);
  const seconds = f.decimal("SECONDS", 10, { above: 0 });
  const rounds = f.int("ROUNDS", 3, { min: 1 });
  const rssSeconds = f.decimals("RSS_SECONDS", "10,60", { above: 0 });
  const json = f.text("JSON");
  const work = await makeTempDir("avs-video-bench-");
  try {
    if (!existsSync(join(modelPath(s.modelDir, s.modelId), "model.onnx"))) {
      s.modelDir = work;
      await installModel(s.modelId, work);
      console.log(`(${s.modelId} is not in the models dir; installed it into ${work} for this run)`);
    }
    const clipOf = async (seconds: number) => {
      const file = join(work, `pan-${seconds}s.mp4`);
      // The window crosses a 4×-enlarged photo, so consecutive frames differ as in a real pan.
      await writePannedClip(
        file,
        { side: s.size, frames: Math.round(seconds * s.fps), canvas: Math.max(512, s.size * 2) },
        { fps: String(s.fps), audioSeconds: seconds },
      );
      return file;
    };
    const result: Record<string, unknown> = { model_id: s.modelId, size: s.size, fps: s.fps, in_flight: s.inFlight };
    const clip = await clipOf(seconds);
    const probe = await probeVideo(clip);
    console.log(
      `benchmarking ${s.modelId}: ${probe.video.frames} frames of ${s.size}×${s.size} (${seconds} s at ${s.fps} fps), ${rounds} rounds`,
    );

    // The floor: the same frames, tensors made in advance, through a plain session in this thread.
    const session = await ort.InferenceSession.create(join(modelPath(s.modelDir, s.modelId), "model.onnx"), {
      ...sessionOptions({ intraOpThreads: s.threads }),
      executionProviders: ["cpu"],
    });
    const feeds: Array<Record<string, ort.Tensor>> = [];
    for await (const frame of decodeVideo(probe)) {
      const data = rgbToFloatChw(frame.rgb, frame.width, frame.height);
      feeds.push({ [session.inputNames[0]!]: new ort.Tensor("float32", data, [1, 3, frame.height, frame.width]) });
    }
    const rawPass = async () => {
      let ms = 0;
      for (const feed of feeds) {
        const t = performance.now();
        await session.run(feed);
        ms += performance.now() - t;
      }
      return ms;
    };
    const worker = await workerUpscaler(s);
    const pairs: Array<{
      raw_ms: number;
      streamed_ms: number;
      worker_ms: number;
      start_ms: number;
      end_ms: number;
      ratio: number;
      steady_ratio: number;
    }> = [];
    try {
      await session.run(feeds[0]!);
      for (let r = 0; r < rounds; r++) {
        const raw = await rawPass();
        const { ms: streamed, workerMs, startMs, endMs } = await streamOnce(clip, join(work, "out.mp4"), s, worker);
        pairs.push({
          raw_ms: Math.round(raw),
          streamed_ms: Math.round(streamed),
          worker_ms: Math.round(workerMs),
          start_ms: Math.round(startMs),
          end_ms: Math.round(endMs),
          ratio: Math.round((streamed / raw) * 1000) / 1000,
          steady_ratio: Math.round(((streamed - startMs - endMs) / raw) * 1000) / 1000,
        });
        console.log(
          `round ${r + 1}: raw session.run ${(feeds.length / (raw / 1000)).toFixed(1)} frames/s (${Math.round(raw)} ms), ` +
            `streamed ${(feeds.length / (streamed / 1000)).toFixed(1)} frames/s (${Math.round(streamed)} ms) → ${(streamed / raw).toFixed(3)}× (target ≤ 1.10); ` +
            `the worker's runs took ${Math.round(workerMs)} ms of it (${Math.round((workerMs / streamed) * 100)} % busy; ` +
            `${Math.round(startMs)} ms to the first frame, ${Math.round(endMs)} ms from the last one to the finished mp4)`,
        );
      }
    } finally {
      await worker.engine.close();
      await session.release();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const ratio = median(pairs.map((p) => p.ratio));
    const steady = median(pairs.map((p) => p.steady_ratio));
    result.time = { frames: feeds.length, rounds: pairs, median_ratio: ratio, median_steady_ratio: steady };
    console.log(
      `streamed / raw session.run: median ${ratio}× over ${pairs.length} rounds (target ≤ 1.10); ` +
        `${steady}× without the fixed start and end of a video`,
    );

    const memory: Array<Record<string, number>> = [];
    for (const secs of rssSeconds) {
      const file = await clipOf(secs);
      const cli = process.argv[1]!;
      const { stdout } = await execFileAsync(
        process.execPath,
        [cli, "bench", "--pipeline", "video-upscale", "--rss-child", file, ...childFlags(s)],
        { maxBuffer: 1024 * 1024 },
      );
      const child = JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, number>;
      memory.push({ clip_seconds: secs, ...child });
      console.log(
        `${secs} s clip (${child.frames} frames): peak RSS ${child.peak_rss_mb} MB, upscaled in ${child.seconds!.toFixed(1)} s`,
      );
    }
    if (memory.length === 2) {
      const ratio = memory[1]!.peak_rss_mb! / memory[0]!.peak_rss_mb!;
      console.log(
        `peak RSS ${memory[1]!.clip_seconds} s / ${memory[0]!.clip_seconds} s: ${ratio.toFixed(3)} (target within 10 %)`,
      );
      result.rss_ratio = Math.round(ratio * 1000) / 1000;
    }
    result.memory = memory;
    if (json) {
      await writeFile(json, `${JSON.stringify(result, null, 2)}\n`);
      console.log(`wrote ${json}`);
    }
  } finally {
    await removeTempDir(work);
  }
}

/** The settings a memory-phase child needs, as flags. */
function childFlags(s: Settings): string[] {
  const flags = ["--model-dir", s.modelDir, "--model-id", s.modelId, "--size", String(s.size), "--fps", String(s.fps)];
  flags.push("--intra-op-threads", String(s.threads), "--in-flight", String(s.inFlight));
  if (s.crf !== undefined) flags.push("--crf", String(s.crf));
  if (s.preset) flags.push("--preset", s.preset);
  return flags;
}

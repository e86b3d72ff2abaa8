/**
 * @module `avs-runner bench`: the raw `session.run` baseline in this process, the runner app in this process
 * (`app.request()`), and the same upscale over HTTP through a runner process, run alternately (raw, app, HTTP, raw,
 * …) so all see the same machine load; then an HTTP-only
 * phase at the given concurrency for throughput and the runner's event-loop delay during continuous inference.
 * Prints a table (and writes JSON with `--json`).
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { installModel } from "../models/install.js";
import { modelPath } from "../models/layout.js";
import { benchFlags, orList, THREADS } from "./flags.js";
import { type HttpRunner, type HttpRunnerReport, startHttpRunner } from "./http.js";
import { type InProcessRunner, startInProcessRunner } from "./in-process.js";
import { openRawSession, type RawSession } from "./raw-session.js";
import { type LatencySummary, pairedMedian, summarise } from "./stats.js";
import { makeTempDir, removeTempDir } from "./temp-dirs.js";

const HELP = `avs-runner bench — benchmark an upscaler in-process (raw session.run) and over HTTP

Flags (defaults in brackets):
  --pipeline <p>         [upscale] upscale here; text-to-image, image-to-image, frame-interpolation, image-to-video
                         and video-upscale have benchmarks of their own (below)
  --model-id <id>        [upscalerjs/esrgan-slim-x4] installed into a temporary dir if MODEL_DIR lacks it
  --model-dir <dir>      [MODEL_DIR or /models]
  --size <px>            [256] input side, 1-2048 (256 → 1024×1024 with a ×4 model); the runner it starts keeps its
                         default MAX_INPUT_PIXELS of 2048×2048
  --runs <n>             [30] timed runs per path, 1 or more (the overhead is their paired median; 60+ for a stable figure)
  --warmup <n>           [1] untimed runs first
  --concurrency <n>      [1] HTTP requests in flight, 1-1024
  --intra-op-threads <n> [0] ONNX Runtime threads, 0-1024 (0 = one per core)
  --mode <m>             [both] raw, http or both (both = raw, in-process app and HTTP)
  --json <file>          also write the results as JSON

Numbers are decimal digits (a rate, a scale or a duration may have a fraction: 7.5); a sign, hex, spaces or an
empty value are refused. Every flag is checked before any work; a model installed into a temporary dir is removed
when the run ends, fails or is stopped (SIGINT, SIGTERM).

Stable Diffusion: avs-runner bench --pipeline text-to-image|image-to-image --help
Frame interpolation (FILM): avs-runner bench --pipeline frame-interpolation --help
Image-to-video:   avs-runner bench --pipeline image-to-video --help
Video upscaling:  avs-runner bench --pipeline video-upscale --help
A runner's start-up (any pipeline): avs-runner bench --start-up --help
`;

const KNOWN = [
  "PIPELINE",
  "MODEL_ID",
  "MODEL_DIR",
  "SIZE",
  "RUNS",
  "WARMUP",
  "CONCURRENCY",
  "INTRA_OP_THREADS",
  "MODE",
  "JSON",
];

/** The benchmark of each pipeline `--pipeline` names; upscale (the default) is this file's. */
const PIPELINES = [
  "upscale",
  "text-to-image",
  "image-to-image",
  "frame-interpolation",
  "image-to-video",
  "video-upscale",
] as const;

/** The value of `--pipeline` (the last one given), checked against {@link PIPELINES}; undefined when not given. */
function pipelineOf(args: string[]): (typeof PIPELINES)[number] | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--pipeline") value = args[++i] ?? "";
    else if (a.startsWith("--pipeline=")) value = a.slice("--pipeline=".length);
  }
  if (value === undefined) return undefined;
  if (value === "") throw new Error("--pipeline needs a value");
  const found = PIPELINES.find((p) => p === value);
  if (found) return found;
  throw new Error(`--pipeline must be ${orList(PIPELINES)}, got ${JSON.stringify(value)}`);
}

/** Runs the benchmark from command-line arguments. */
export async function benchMain(args: string[]): Promise<void> {
  if (args.includes("--start-up")) return (await import("./start-up-bench.js")).startUpBenchMain(args);
  const pipeline = pipelineOf(args);
  if (pipeline === "frame-interpolation") return (await import("./film-bench.js")).filmBenchMain(args);
  if (pipeline === "image-to-video") return (await import("./svd-bench.js")).svdBenchMain(args);
  if (pipeline === "video-upscale") return (await import("./video-bench.js")).videoBenchMain(args);
  if (pipeline === "text-to-image" || pipeline === "image-to-image") {
    return (await import("./sd-bench.js")).sdBenchMain(args);
  }
  if (args.includes("--help")) return void process.stdout.write(HELP);
  const f = benchFlags(args, KNOWN);
  const modelId = f.text("MODEL_ID") ?? "upscalerjs/esrgan-slim-x4";
  const mode = f.choice("MODE", ["raw", "http", "both"], "both");
  const opts = {
    size: f.int("SIZE", 256, {
      min: 1,
      max: 2048,
      why: "the runner it starts keeps its default MAX_INPUT_PIXELS of 2048×2048",
    }),
    runs: f.int("RUNS", 30, { min: 1 }),
    warmup: f.int("WARMUP", 1),
    concurrency: f.int("CONCURRENCY", 1, { min: 1, max: 1024 }),
    threads: f.int("INTRA_OP_THREADS", 0, THREADS),
  };
  const json = f.text("JSON");
  let modelDir = f.text("MODEL_DIR") ?? process.env.MODEL_DIR ?? "/models";
  let temp: string | undefined;
  try {
    if (!existsSync(join(modelPath(modelDir, modelId), "model.onnx"))) {
      temp = await makeTempDir("avs-bench-");
      modelDir = temp;
      await installModel(modelId, modelDir);
      console.log(`(${modelId} is not in the models dir; installed it into ${temp} for this run)`);
    }
    console.log(
      `benchmarking ${modelId}: ${opts.size}×${opts.size} input, ${opts.runs} runs after ${opts.warmup} warm-up`,
    );
    const raw: RawSession | undefined =
      mode === "http" ? undefined : await openRawSession(modelPath(modelDir, modelId), opts);
    const runner: HttpRunner | undefined =
      mode === "raw" ? undefined : await startHttpRunner({ ...opts, modelDir, modelId });
    const app: InProcessRunner | undefined =
      mode === "both" ? await startInProcessRunner({ ...opts, modelDir, modelId }) : undefined;
    const appMs: number[] = [];
    const rawMs: number[] = [];
    const httpMs: number[] = [];
    let report: HttpRunnerReport | undefined;
    let httpLoad: LatencySummary | undefined;
    try {
      for (let i = 0; i < opts.warmup; i++) {
        await raw?.runOnce();
        await app?.runOnce();
        await runner?.runOnce();
      }
      for (let i = 0; i < opts.runs; i++) {
        if (raw) rawMs.push(await raw.runOnce());
        if (app) appMs.push(await app.runOnce());
        if (runner) httpMs.push(await runner.runOnce());
      }
      if (runner) {
        await runner.resetEventLoop();
        const loadMs: number[] = [];
        const start = performance.now();
        let sent = 0;
        await Promise.all(
          Array.from({ length: opts.concurrency }, async () => {
            while (sent < opts.runs) {
              sent++;
              loadMs.push(await runner.runOnce());
            }
          }),
        );
        httpLoad = summarise(loadMs, performance.now() - start);
        report = await runner.finish();
      }
    } finally {
      await raw?.release();
      await app?.close();
      if (runner && !report) await runner.finish().catch(() => undefined);
    }
    const rawSummary = raw
      ? summarise(
          rawMs,
          rawMs.reduce((a, b) => a + b, 0),
        )
      : undefined;
    const appSummary = app
      ? summarise(
          appMs,
          appMs.reduce((a, b) => a + b, 0),
        )
      : undefined;
    const httpSummary = runner
      ? summarise(
          httpMs,
          httpMs.reduce((a, b) => a + b, 0),
        )
      : undefined;
    // Each iteration runs raw, in-process and HTTP back to back: the median of the per-iteration differences is
    // the overhead with the machine's drift cancelled; as a share of the raw p50.
    const paired = (ms: number[]) => {
      if (!rawSummary || ms.length === 0) return undefined;
      const added = pairedMedian(rawMs, ms);
      return { added_ms: Math.round(added * 10) / 10, percent: Math.round((added / rawSummary.p50_ms) * 1000) / 10 };
    };
    const httpPaired = paired(httpMs);
    const signed = (v: number | undefined) => (v === undefined ? "—" : v >= 0 ? `+${v}` : `${v}`);
    const appPaired = paired(appMs);
    const overhead =
      rawSummary && httpSummary
        ? Math.round(((httpSummary.p50_ms - rawSummary.p50_ms) / rawSummary.p50_ms) * 1000) / 10
        : undefined;
    const rows: Array<[string, string, string]> = [["", "raw session.run", "HTTP POST /upscale"]];
    const cell = (v: unknown, unit = "") => (v === undefined ? "—" : `${v}${unit}`);
    rows.push([
      "load",
      cell(raw?.load_s, " s"),
      report ? `${report.model_load_s} s (ready in ${report.ready_s} s)` : "—",
    ]);
    rows.push(["min", cell(rawSummary?.min_ms, " ms"), cell(httpSummary?.min_ms, " ms")]);
    rows.push(["p50", cell(rawSummary?.p50_ms, " ms"), cell(httpSummary?.p50_ms, " ms")]);
    rows.push(["p95", cell(rawSummary?.p95_ms, " ms"), cell(httpSummary?.p95_ms, " ms")]);
    rows.push([
      "throughput",
      cell(rawSummary?.throughput_per_s, " /s"),
      cell(httpLoad && `${httpLoad.throughput_per_s}`, ` /s @ concurrency ${opts.concurrency}`),
    ]);
    rows.push([
      "worker mean",
      "—",
      cell(report?.worker_mean_ms, " ms per job (session.run + tiling; warm-up job included)"),
    ]);
    rows.push(["output", raw ? `[${raw.output_dims.join(",")}]` : "—", cell(report?.output_size)]);
    rows.push([
      "event loop p99",
      "—",
      report ? `${report.event_loop_p99_ms} ms (max ${report.event_loop_max_ms} ms), runner HTTP thread` : "—",
    ]);
    rows.push([
      "peak RSS",
      `${Math.round((process.resourceUsage().maxRSS * 1024) / 1024 / 1024)} MB (bench process)`,
      cell(report?.peak_rss_mb, " MB (runner process)"),
    ]);
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    for (const r of rows) console.log(`${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`);
    const appOverhead =
      rawSummary && appSummary
        ? Math.round(((appSummary.p50_ms - rawSummary.p50_ms) / rawSummary.p50_ms) * 1000) / 10
        : undefined;
    if (appSummary) {
      console.log(
        `in-process runner app (app.request → worker thread): p50 ${appSummary.p50_ms} ms, p95 ${appSummary.p95_ms} ms, ` +
          `overhead over raw session.run: ${signed(appPaired?.added_ms)} ms = ${appPaired?.percent}% paired (p50 vs p50: ${appOverhead}%)`,
      );
    }
    const minOverhead =
      rawSummary && httpSummary
        ? Math.round(((httpSummary.min_ms - rawSummary.min_ms) / rawSummary.min_ms) * 1000) / 10
        : undefined;
    if (overhead !== undefined && httpPaired) {
      console.log(
        `HTTP-path overhead over raw session.run: ${signed(httpPaired.added_ms)} ms = ${httpPaired.percent}% (target ≤ 5%), ` +
          `the median of ${httpMs.length} back-to-back pairs; p50 vs p50 ${overhead}%, best run vs best run ${minOverhead}%`,
      );
    }
    if (report)
      console.log(`runner event-loop delay p99 during inference: ${report.event_loop_p99_ms} ms (target < 20 ms)`);
    if (json) {
      const result = {
        model_id: modelId,
        ...opts,
        raw: raw && { load_s: raw.load_s, output_dims: raw.output_dims, ...rawSummary },
        http: report && { ...report, ...httpSummary, throughput_at_concurrency: httpLoad },
        in_process: appSummary,
        in_process_overhead_percent: appOverhead,
        in_process_overhead_paired: appPaired,
        http_overhead_paired: httpPaired,
        http_overhead_percent: overhead,
        http_overhead_best_run_percent: minOverhead,
      };
      await writeFile(json, `${JSON.stringify(result, null, 2)}\n`);
      console.log(`wrote ${json}`);
    }
  } finally {
    if (temp) await removeTempDir(temp);
  }
}

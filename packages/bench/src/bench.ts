/**
 * @module runBench: resolves the target (a URL of a runner, orchestrator or broadcaster, or a runner started
 * in-process on a model directory), warms it up, then measures each concurrency level — latency percentiles,
 * throughput in jobs and in work units (pixels × frames × steps × images, as the broadcaster counts them) per second, errors, peak memory — and derives what an
 * operator needs for `aiModels.json`: the capacity that gives the most throughput, and a break-even price.
 */
import { cpus, totalmem } from "node:os";
import { type MemoryPeaks, sampleMemory } from "./measure/memory-sampler.js";
import { type Latency, summarise } from "./measure/percentiles.js";
import { runLoad } from "./measure/run-load.js";
import type { BenchOptions } from "./options.js";
import { detectTarget, type TargetKind } from "./targets/detect-target.js";
import { startInProcessRunner } from "./targets/in-process.js";
import { jobRequest, PIPELINES, type Pipeline } from "./workload/job-request.js";

/** Measurements at one concurrency level. */
export interface LevelResult {
  concurrency: number;
  runs: number;
  ok: number;
  /** Failed jobs by reason: the HTTP status of the server's answer, `timeout` or `connection`. */
  errors: Record<string, number>;
  /** The first message of each reason in `errors` that had one (the server's own for a status). */
  errorMessages: Record<string, string>;
  latencyMs: Latency;
  jobsPerSecond: number;
  unitsPerSecond: number;
  peak: MemoryPeaks;
}

/**
 * Sequential vs batched, at concurrency 1: `images` single-image jobs one after another against one job asking for
 * `images` images (`num_images_per_prompt`), which the runner runs as one batch through the UNet.
 */
export interface BatchComparison {
  images: number;
  runs: number;
  /** Latency of one single-image job. */
  single: Latency;
  /** Latency of one job of `images` images. */
  batched: Latency;
  /** Images per second each way (successful jobs × images ÷ wall time). */
  singleImagesPerSecond: number;
  batchedImagesPerSecond: number;
  errors: Record<string, number>;
  errorMessages: Record<string, string>;
}

/** A whole benchmark. */
export interface BenchReport {
  target: TargetKind | "in-process";
  url: string;
  pipeline: Pipeline;
  modelId: string;
  size: number;
  steps: number;
  /** Pixels × steps of one job, as the broadcaster counts them for prices. */
  unitsPerJob: number;
  /** Model load time, when known (in-process: measured; runner: from its metrics). */
  loadMs?: number;
  levels: LevelResult[];
  /** With `--batch n` (text-to-image, image-to-image): n single-image jobs against one job of n images. */
  batch?: BatchComparison;
  /** The level with the most successful jobs per second: a starting point for `capacity`. */
  suggestedCapacity?: number;
  /** With `--cost-per-hour`: the `price_per_unit` that covers the machine at the best level's throughput. */
  breakEvenPricePerUnit?: number;
  pixelsPerUnit: number;
  machine: { cpus: number; cpuModel: string; memoryBytes: number; node: string };
  startedAt: string;
}

/**
 * Runs a benchmark.
 * @example
 * const report = await runBench({ ...parseBenchArgs(["http://127.0.0.1:8000"], {}) });
 * console.log(report.levels[0].latencyMs.p50);
 */
export async function runBench(
  o: BenchOptions,
  onProgress: (p: {
    phase: "warmup" | "measure" | "batch";
    concurrency: number;
    done: number;
    total: number;
  }) => void = () => {},
): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const inProcess = o.target === "in-process" || (!o.url && o.target === "auto");
  let url = o.url ?? "";
  let kind: BenchReport["target"];
  let pipeline = o.pipeline;
  let modelId = o.modelId;
  let loadMs: number | undefined;
  let stop: (() => Promise<void>) | undefined;

  if (inProcess) {
    if (!o.modelDir) throw new Error("in-process benchmarking needs --model-dir (or give a server URL)");
    if (!pipeline || !modelId) throw new Error("in-process benchmarking needs --pipeline and --model-id");
    const r = await startInProcessRunner({
      pipeline,
      modelId,
      modelDir: o.modelDir,
      executionProvider: o.executionProvider,
      intraOpThreads: o.intraOpThreads,
    });
    ({ url, loadMs } = r);
    stop = r.stop;
    kind = "in-process";
  } else {
    if (!url) throw new Error("give the URL of a runner, orchestrator or broadcaster (or --model-dir for in-process)");
    const found = await detectTarget(url, o.token, o.target === "auto" ? undefined : (o.target as TargetKind));
    kind = found.kind;
    const offer = found.offers.find(
      (f) => (!pipeline || f.pipeline === pipeline) && (!modelId || f.modelId === modelId),
    );
    pipeline ??= offer?.pipeline as Pipeline | undefined;
    modelId ??= offer?.modelId;
    if (!pipeline || !modelId) {
      throw new Error(
        found.offers.length
          ? `the ${kind} offers ${found.offers.map((f) => `${f.pipeline}/${f.modelId}`).join(", ")}; pick one with --pipeline and --model-id`
          : `a ${kind} does not list its models: give --pipeline and --model-id`,
      );
    }
    if (!(pipeline in PIPELINES)) throw new Error(`avs-bench cannot drive ${pipeline}`);
    if (kind === "runner") loadMs = await runnerLoadMs(url, o.metricsToken ?? o.token);
  }

  try {
    const steps = o.steps ?? (pipeline === "upscale" ? 1 : 4);
    const req = await jobRequest({ pipeline: pipeline!, modelId: modelId!, size: o.size, steps, prompt: o.prompt });
    const common = { timeoutMs: o.timeoutMs, ...(o.token ? { token: o.token } : {}) };
    if (o.warmup > 0) {
      const warm = await runLoad(url, req, {
        ...common,
        runs: o.warmup,
        concurrency: 1,
        onDone: (done) => onProgress({ phase: "warmup", concurrency: 1, done, total: o.warmup }),
      });
      if (warm.ok === 0) {
        throw new Error(
          `every warm-up job failed (${describeErrors(warm.errors, warm.messages)}); check --pipeline, --model-id, --token`,
        );
      }
    }
    const levels: LevelResult[] = [];
    for (const concurrency of o.concurrency) {
      const metricsToken = o.metricsToken ?? o.token;
      const sampler = sampleMemory({
        url,
        ...(metricsToken ? { token: metricsToken } : {}),
        inProcess: kind === "in-process",
      });
      const r = await runLoad(url, req, {
        ...common,
        runs: o.runs,
        concurrency,
        onDone: (done) => onProgress({ phase: "measure", concurrency, done, total: o.runs }),
      });
      const peak = await sampler.stop();
      const jobsPerSecond = r.ok / (r.wallMs / 1000);
      levels.push({
        concurrency,
        runs: o.runs,
        ok: r.ok,
        errors: r.errors,
        errorMessages: r.messages,
        latencyMs: summarise(r.latenciesMs),
        jobsPerSecond,
        unitsPerSecond: jobsPerSecond * req.units,
        peak,
      });
    }
    let batch: BatchComparison | undefined;
    if (o.batch > 1) {
      if (pipeline !== "text-to-image" && pipeline !== "image-to-image") {
        throw new Error(`--batch applies to text-to-image and image-to-image, not ${pipeline}`);
      }
      const many = await jobRequest({
        pipeline,
        modelId: modelId!,
        size: o.size,
        steps,
        prompt: o.prompt,
        images: o.batch,
      });
      const total = o.runs * 2;
      // Warm the batched shape up too: ONNX Runtime plans memory per input shape.
      await runLoad(url, many, { ...common, runs: 1, concurrency: 1 });
      const single = await runLoad(url, req, {
        ...common,
        runs: o.runs,
        concurrency: 1,
        onDone: (done) => onProgress({ phase: "batch", concurrency: 1, done, total }),
      });
      const batched = await runLoad(url, many, {
        ...common,
        runs: o.runs,
        concurrency: 1,
        onDone: (done) => onProgress({ phase: "batch", concurrency: 1, done: o.runs + done, total }),
      });
      const errors = { ...single.errors };
      for (const [k, v] of Object.entries(batched.errors)) errors[k] = (errors[k] ?? 0) + v;
      const errorMessages = { ...batched.messages, ...single.messages };
      batch = {
        images: o.batch,
        runs: o.runs,
        single: summarise(single.latenciesMs),
        batched: summarise(batched.latenciesMs),
        singleImagesPerSecond: single.ok / (single.wallMs / 1000),
        batchedImagesPerSecond: (batched.ok * o.batch) / (batched.wallMs / 1000),
        errors,
        errorMessages,
      };
    }
    const best = [...levels].sort((a, b) => b.jobsPerSecond - a.jobsPerSecond || a.concurrency - b.concurrency)[0];
    const report: BenchReport = {
      target: kind,
      url,
      pipeline: pipeline!,
      modelId: modelId!,
      size: o.size,
      steps,
      unitsPerJob: req.units,
      ...(loadMs !== undefined ? { loadMs } : {}),
      levels,
      ...(batch ? { batch } : {}),
      ...(best && best.ok > 0 ? { suggestedCapacity: best.concurrency } : {}),
      pixelsPerUnit: o.pixelsPerUnit,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? "?",
        memoryBytes: totalmem(),
        node: process.version,
      },
      startedAt,
    };
    if (o.costPerHour !== undefined && best && best.unitsPerSecond > 0) {
      // Cost of one second of the machine divided by the price units it produces in that second.
      report.breakEvenPricePerUnit = o.costPerHour / 3600 / (best.unitsPerSecond / o.pixelsPerUnit);
    }
    return report;
  } finally {
    await stop?.();
  }
}

/**
 * Failures by reason, each with its message when `messages` has one.
 * @example describeErrors({ 503: 3, timeout: 1 }) // "3×503, 1×timeout"
 * @example describeErrors({ 400: 2 }, { 400: "image too large" }) // "2×400: image too large"
 */
export function describeErrors(errors: Record<string, number>, messages: Record<string, string> = {}): string {
  const parts = Object.entries(errors).map(([k, v]) => `${v}×${k}${messages[k] ? `: ${messages[k]}` : ""}`);
  return parts.length ? parts.join(", ") : "none";
}

async function runnerLoadMs(url: string, token?: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(5000),
    });
    const m = /^avs_runner_model_load_seconds(?:\{[^}]*\})?\s+([0-9.e+-]+)/m.exec(await res.text());
    return m ? Number(m[1]) * 1000 : undefined;
  } catch {
    return undefined;
  }
}

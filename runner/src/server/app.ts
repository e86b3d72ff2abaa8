/**
 * @module The runner's HTTP app: the configured pipeline's route (only that one; others 404) behind auth and the
 * job queue, its jobs' progress (`/progress/{request_id}`), plus `/health`, `/hardware/info`, `/hardware/stats`,
 * `/version`, `/info` (with a video pipeline's upload limits) and `/metrics`. The model loads in the inference worker in
 * the background; `/health` says `LOADING` with a 503 until it is ready, so a caller that counts any 200 as ready
 * (go-livepeer) waits for the model. A trailing slash is ignored (`/upscale/`), as ai-runner's routes allow.
 */
import { randomUUID } from "node:crypto";
import { errorHandler, notFoundHandler, RequestValidator, typedRoutes } from "@ai-video-subnet/server-kit";
import { Hono } from "hono";
import type { RequestIdVariables } from "hono/request-id";
import type { RunnerConfig } from "../config.js";
import type { operations } from "../generated/runner.js";
import { runnerDocument } from "../generated/runner-document.js";
import { jsonLogger, type Logger } from "../log.js";
import { modelPath } from "../models/layout.js";
import { pipelineDefinition } from "../pipelines/index.js";
import { runnerVersion } from "../version.js";
import { WorkerEngine } from "../worker/engine.js";
import { bearerAuth } from "./auth.js";
import { gpuInfo, gpuStats } from "./hardware.js";
import { JobQueue } from "./job-queue.js";
import { createMetrics, type RunnerMetrics } from "./metrics.js";
import { type JobFailure, mountPipeline } from "./pipeline-route.js";
import { ProgressHub } from "./progress-hub.js";
import { mountProgress } from "./progress-route.js";
import { uploadSpool } from "./upload-spool.js";

/** A runner app with its worker, queue and metrics. */
export interface RunnerApp {
  app: Hono<{ Variables: RequestIdVariables }>;
  engine: WorkerEngine;
  queue: JobQueue;
  metrics: RunnerMetrics;
  /** Progress channels of the jobs, by request id. */
  progress: ProgressHub;
  /** Why a job failed (its client's message, ffmpeg's stderr when there was one), by the request it came in. */
  failureOf(request: Request): JobFailure | undefined;
  /** Settles when the model has loaded or failed to (see `engine.state`). */
  ready: Promise<void>;
  /** Refuses new jobs, finishes the running one, stops the worker. */
  close(): Promise<void>;
}

const STATUS_ROUTES = new Set(["/info", "/health", "/hardware/info", "/hardware/stats", "/version", "/metrics"]);

/**
 * Builds the runner's app and starts loading its model in a worker thread.
 * @example
 * const runner = await createRunnerApp({ ...config, port: 0 });
 * await runner.ready;
 * const res = await runner.app.request("/health"); // {"status":"OK"}
 */
export async function createRunnerApp(config: RunnerConfig, log: Logger = jsonLogger): Promise<RunnerApp> {
  const modelDirOfId = modelPath(config.modelDir, config.modelId);
  const pipeline = pipelineDefinition(config.pipeline);
  // server-kit's reader: a plain body held in memory (what clients send) is split with Buffer#indexOf rather than
  // parsed by the platform's FormData parser; an image upload stays in memory, a video one streams to a scratch file
  // (upload-spool.ts). An image upload of the wrong type is refused from its first bytes (upload-checks.ts).
  const uploads = await uploadSpool(config);
  const validator = await RequestValidator.create(runnerDocument, {
    maxMultipartBytes: config.maxUploadBytes,
    keepMultipart: uploads.options,
  });
  const metrics = createMetrics();
  const queue = new JobQueue(config.queueSize);
  queue.onDepth = (d) => metrics.queueDepth.set(d);
  queue.onDropped = () => {
    metrics.droppedJobs.inc();
    log.info("job dropped: client disconnected before it started");
  };
  const engine = new WorkerEngine(log, { resourceLimits: pipeline.workerResourceLimits });
  const progress = new ProgressHub({ waitMs: config.progressWaitMs, keepMs: config.progressKeepMs });
  const pipelinePath = `/${config.pipeline}`;
  /** The metrics' `route` label: a known route, or one label for anything else, so the label set stays small. */
  const routeLabel = (given: string) => {
    const path = given.length > 1 && given.endsWith("/") ? given.slice(0, -1) : given;
    if (path === pipelinePath || STATUS_ROUTES.has(path)) return path;
    return path.startsWith("/progress/") ? "/progress" : "unmatched";
  };

  const app = new Hono<{ Variables: RequestIdVariables }>({ strict: false });
  // The kit's own report of an unexpected error: `unhandled error` with the request id, path, message and stack.
  app.onError(errorHandler(log));
  app.notFound(notFoundHandler(app));
  app.use("*", async (c, next) => {
    const requestId = c.req.header("x-request-id") || randomUUID();
    c.set("requestId", requestId);
    await next();
    c.header("X-Request-Id", requestId);
    // A body refused part-way (413) leaves unread bytes on the connection: close it rather than let a client reuse it.
    if (c.res.status === 413) c.header("Connection", "close");
    metrics.requests.inc({ route: routeLabel(c.req.path), method: c.req.method, status: String(c.res.status) });
  });

  const route = typedRoutes<operations, { Variables: RequestIdVariables }>(app, validator);
  const auth = bearerAuth(config.authToken);
  const op = validator.operation(pipeline.operationId);
  const failures = new WeakMap<Request, JobFailure>();
  mountPipeline(route, pipeline, op, { config, log, engine, queue, metrics, hub: progress, failures }, [auth]);
  mountProgress(route, progress, [auth]);
  route("health", (_body, c) =>
    engine.state === "LOADING"
      ? c.json({ status: "LOADING" as const }, 503, { "Retry-After": "5" })
      : { status: engine.state },
  );
  route("version", () => ({ pipeline: config.pipeline, model_id: config.modelId, version: runnerVersion() }));
  route("info", () => ({
    pipeline: config.pipeline,
    model_id: config.modelId,
    version: runnerVersion(),
    ...(typeof engine.info.scale === "number" ? { scale: engine.info.scale } : {}),
    ...(typeof engine.info.num_frames === "number" ? { num_frames: engine.info.num_frames } : {}),
    ...pipeline.info(config),
  }));
  route("hardware_info", async () => ({
    pipeline: config.pipeline,
    model_id: config.modelId,
    gpu_info: await gpuInfo(),
  }));
  route("hardware_stats", async () => ({
    pipeline: config.pipeline,
    model_id: config.modelId,
    gpu_stats: await gpuStats(),
  }));
  route("metrics", async (_body, c) =>
    c.body(await metrics.registry.metrics(), 200, { "Content-Type": metrics.registry.contentType }),
  );

  log.info("loading model", { pipeline: config.pipeline, model_id: config.modelId, path: modelDirOfId });
  const ready = engine
    .load({
      type: "load",
      pipeline: config.pipeline,
      modelId: config.modelId,
      modelPath: modelDirOfId,
      executionProvider: config.executionProvider,
      intraOpThreads: config.intraOpThreads,
      spinWait: config.spinWait === 1,
      options: pipeline.loadOptions(config),
    })
    .then(
      () => {
        metrics.modelLoadSeconds.set({ model_id: config.modelId }, engine.loadSeconds ?? 0);
        log.info("model loaded", {
          model_id: config.modelId,
          seconds: Number((engine.loadSeconds ?? 0).toFixed(3)),
          provider: engine.provider,
          ...engine.info,
        });
      },
      (err: Error) =>
        log.error("model failed to load", { model_id: config.modelId, path: modelDirOfId, error: err.message }),
    );

  return {
    app,
    engine,
    queue,
    metrics,
    progress,
    failureOf: (request) => failures.get(request),
    ready,
    async close() {
      await queue.close();
      await engine.close();
      progress.close();
      await uploads.remove();
    },
  };
}

/**
 * @module The runner's HTTP app: the configured pipeline's route (only that one; others 404) behind auth and the
 * job queue, plus `/health`, `/hardware/info`, `/hardware/stats`, `/version` and `/metrics`. The model loads in the
 * inference worker in the background; `/health` says `LOADING` until it is ready.
 */
import { randomUUID } from "node:crypto";
import { errorHandler, HttpError, notFoundHandler, RequestValidator, typedRoutes } from "@ai-video-subnet/server-kit";
import { Hono } from "hono";
import type { RunnerConfig } from "../config.js";
import type { operations } from "../generated/runner.js";
import { runnerDocument } from "../generated/runner-document.js";
import { jsonLogger, type Logger } from "../log.js";
import { modelPath } from "../models/layout.js";
import { pipelineModule } from "../pipelines/index.js";
import type { PipelineHttpContext } from "../pipelines/types.js";
import { runnerVersion } from "../version.js";
import { JobError, WorkerEngine } from "../worker/engine.js";
import { bearerAuth } from "./auth.js";
import { gpuInfo, gpuStats } from "./hardware.js";
import { JobDroppedError, JobQueue } from "./job-queue.js";
import { createMetrics, type RunnerMetrics } from "./metrics.js";

/** A runner app with its worker, queue and metrics. */
export interface RunnerApp {
  app: Hono;
  engine: WorkerEngine;
  queue: JobQueue;
  metrics: RunnerMetrics;
  /** Settles when the model has loaded or failed to (see `engine.state`). */
  ready: Promise<void>;
  /** Refuses new jobs, finishes the running one, stops the worker. */
  close(): Promise<void>;
}

const STATUS_ROUTES = new Set(["/health", "/hardware/info", "/hardware/stats", "/version", "/metrics"]);

/**
 * Builds the runner's app and starts loading its model in a worker thread.
 * @example
 * const runner = await createRunnerApp({ ...config, port: 0 });
 * await runner.ready;
 * const res = await runner.app.request("/health"); // {"status":"OK"}
 */
export async function createRunnerApp(config: RunnerConfig, log: Logger = jsonLogger): Promise<RunnerApp> {
  const modelDirOfId = modelPath(config.modelDir, config.modelId);
  const pipeline = await pipelineModule(config.pipeline).http();
  const validator = await RequestValidator.create(runnerDocument, { maxMultipartBytes: config.maxUploadBytes });
  const metrics = createMetrics();
  const queue = new JobQueue(config.queueSize);
  queue.onDepth = (d) => metrics.queueDepth.set(d);
  queue.onDropped = () => {
    metrics.droppedJobs.inc();
    log.info("job dropped: client disconnected before it started");
  };
  const engine = new WorkerEngine(log);
  const pipelinePath = `/${config.pipeline}`;

  const app = new Hono();
  app.onError(
    errorHandler((err, c) => log.error("unhandled error", { path: c.req.path, error: (err as Error).message })),
  );
  app.notFound(notFoundHandler);
  app.use("*", async (c, next) => {
    const requestId = c.req.header("x-request-id") || randomUUID();
    await next();
    c.header("X-Request-Id", requestId);
    // A body refused part-way (413) leaves unread bytes on the connection: close it rather than let a client reuse it.
    if (c.res.status === 413) c.header("Connection", "close");
    const path = c.req.path;
    const route = path === pipelinePath || STATUS_ROUTES.has(path) ? path : "unmatched";
    metrics.requests.inc({ route, method: c.req.method, status: String(c.res.status) });
  });

  const ctx: PipelineHttpContext = {
    config,
    log,
    modelInfo: () => engine.info,
    checkModelId(modelId) {
      if (modelId && modelId !== config.modelId) {
        throw new HttpError(400, `pipeline configured with ${config.modelId} but called with ${modelId}`);
      }
    },
    async run<O>(input: unknown, options: { signal?: AbortSignal; transfer?: Transferable[] } = {}) {
      if (engine.state === "LOADING") {
        throw new HttpError(503, "the model is still loading", { headers: { "Retry-After": "5" } });
      }
      if (engine.state === "ERROR") {
        throw new HttpError(503, `the model failed to load: ${engine.error}`, { headers: { "Retry-After": "60" } });
      }
      const result = await queue
        .submit(() => engine.run(input, options.transfer), options)
        .catch((err) => {
          if (err instanceof JobError) {
            const status = (err.status ?? 500) as 500;
            throw new HttpError(status, status === 500 ? `inference failed: ${err.message}` : err.message, {
              cause: err,
            });
          }
          // Nobody is listening any more; answer without logging it as an unexpected failure.
          if (err instanceof JobDroppedError) throw new HttpError(503, err.message, { cause: err });
          throw err;
        });
      metrics.inferenceSeconds.observe({ pipeline: config.pipeline }, result.runSeconds);
      return result.output as O;
    },
  };

  const route = typedRoutes<operations>(app, validator);
  pipeline.mount(route, ctx, [bearerAuth(config.authToken)]);
  route("health", () => ({ status: engine.state }));
  route("version", () => ({ pipeline: config.pipeline, model_id: config.modelId, version: runnerVersion() }));
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
      options: { tileSize: config.tileSize, tileOverlap: config.tileOverlap },
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
    ready,
    async close() {
      await queue.close();
      await engine.close();
    },
  };
}

/**
 * @module Mounting the configured pipeline's route: what every pipeline gets from the server rather than writing it
 * itself. The server checks `model_id` (Livepeer's 400), runs the pipeline's `handle` with a session context whose
 * queue slot carries the job's abort flag (set when the client goes away, queued or running) and its progress
 * channel, and maps domain errors to statuses in one place; a 4xx the route's spec does not declare goes out as a 400
 * ({@link declaredStatuses}). A failed job's message and the ffmpeg stderr its error carries are kept by request
 * ({@link JobFailure}) for its log line, so the client's message can stay short and free of this machine's details.
 */
import type { CompiledOperation, TypedRouteMounter } from "@ai-video-subnet/server-kit";
import { HttpError } from "@ai-video-subnet/server-kit";
import type { MiddlewareHandler } from "hono";
import type { RunnerConfig } from "../config.js";
import { JobAbortedError } from "../errors.js";
import type { operations } from "../generated/runner.js";
import { mark } from "../internal/timeline.js";
import type { Logger } from "../log.js";
import type { JobControl, Progress, SessionContext, WorkerCall } from "../pipelines/contract.js";
import type { Pipeline } from "../pipelines/define.js";
import type { WorkerEngine } from "../worker/engine.js";
import { abortJob, createAbortFlag, FlagJobControl, setWatched } from "../worker/job-control.js";
import { ongoingWork } from "./answer-progress.js";
import { toHttpError } from "./http-errors.js";
import type { JobQueue, QueuePlace } from "./job-queue.js";
import type { RunnerMetrics } from "./metrics.js";
import type { JobProgress, ProgressHub } from "./progress-hub.js";

/** What the pipeline route needs from the runner app. */
export interface PipelineRouteDeps {
  config: RunnerConfig;
  log: Logger;
  engine: WorkerEngine;
  queue: JobQueue;
  metrics: RunnerMetrics;
  hub: ProgressHub;
  /** Why each failed job failed, by its request, for its `job done` log line (see {@link JobFailure}). */
  failures?: WeakMap<Request, JobFailure>;
}

/**
 * What the log keeps of a failed job: the message its client got and, when the error carries one (the video errors),
 * the tail of ffmpeg's stderr, which the client's message quotes at most one cleaned line of.
 */
export interface JobFailure {
  error: string;
  stderr?: string;
}

/** The `stderr` an error (or its cause) carries, e.g. a `VideoProcessError`'s. */
function stderrOf(err: unknown): string | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const { stderr } = e as { stderr?: unknown };
    if (typeof stderr === "string" && stderr) return stderr;
  }
  return undefined;
}

/**
 * Throws unless the spec's body fields without a default are exactly the pipeline's `optional` list, so the body
 * type the pipeline is written against (`Defaulted<…>`) is what the validator delivers.
 * @example checkOptionalFields(upscale, validator.operation("genUpscale")) // ok: only `seed` has no default
 */
export function checkOptionalFields(pipeline: Pipeline, op: CompiledOperation): void {
  const content = op.operation.requestBody?.content ?? {};
  const schema = Object.values(content)[0]?.schema ?? {};
  const required = new Set(schema.required ?? []);
  const undefaulted = Object.entries(schema.properties ?? {})
    .filter(([name, s]) => !required.has(name) && s.default === undefined)
    .map(([name]) => name)
    .sort();
  const declared = [...pipeline.optional].sort();
  if (undefaulted.join() !== declared.join()) {
    throw new Error(
      `pipeline ${pipeline.name}: the spec's ${op.operationId} body has no default for [${undefaulted.join(", ")}], but the pipeline declares optional [${declared.join(", ")}]; make its \`optional\` list match the spec`,
    );
  }
}

/**
 * A middleware that answers any 4xx the operation's spec does not declare as a 400 with the same body. Livepeer's
 * runner routes declare 400, 401, 422 and 500 only, and go-livepeer's generated client reads no other error status: a
 * 413 or 415 there comes out as an empty result instead of an error, so those routes say 400 for an upload too large or
 * of the wrong type (the message says which), with the precise status in `X-AVS-Status` for callers that know it (our
 * runner client reads it, so our orchestrator still answers 413 or 415). A body refused part-way still closes the
 * connection.
 * @example route(op.operationId, handler, declaredStatuses(op), auth)
 */
export function declaredStatuses(op: CompiledOperation): MiddlewareHandler {
  const declared = new Set(Object.keys(op.operation.responses ?? {}).map(Number));
  return async (c, next) => {
    await next();
    const { status } = c.res;
    if (status < 400 || status >= 500 || declared.has(status)) return;
    const headers = new Headers(c.res.headers);
    headers.set("x-avs-status", String(status));
    if (status === 413) headers.set("connection", "close");
    c.res = new Response(c.res.body, { status: 400, headers });
  };
}

/**
 * Mounts `pipeline`'s operation behind `before` (auth).
 * @example mountPipeline(route, pipeline, validator.operation(pipeline.operationId), deps, [bearerAuth(token)])
 */
export function mountPipeline(
  route: TypedRouteMounter<operations>,
  pipeline: Pipeline,
  op: CompiledOperation,
  deps: PipelineRouteDeps,
  before: MiddlewareHandler[],
): void {
  checkOptionalFields(pipeline, op);
  const { config, log, engine, hub } = deps;
  const channels = new WeakMap<Request, JobProgress>();
  // After auth, around validation and the handler: the job's channel ends with whatever status the POST answered.
  const track: MiddlewareHandler = async (c, next) => {
    const requestId = c.get("requestId") as string | undefined;
    const job = requestId ? hub.open(requestId) : undefined;
    if (job) channels.set(c.req.raw, job);
    try {
      await next();
    } catch (err) {
      job?.finish(c.res.status);
      throw err;
    }
    const work = ongoingWork(c.res);
    if (work) {
      const status = c.res.status;
      void work.then(
        () => job?.finish(status),
        () => job?.finish(status),
      );
    } else job?.finish(c.res.status);
  };
  const base = { config, log, modelInfo: () => engine.info };
  const places = new WeakMap<Request, QueuePlace>();
  // Before the body is read: a job that would be refused costs no upload, no scratch copy and no ffprobe (a burst at
  // a full queue ran one probe per request). A job let through holds its queue place from here, while its upload
  // arrives and is checked, so no more uploads are received (and spooled to disk) at once than the queue has places;
  // the place goes to its job in `runInSlot`, or back to the queue when the request ends without one.
  const gate: MiddlewareHandler = async (c, next) => {
    const refused = engine.state === "ERROR" ? loadFailed(engine.error) : loadingError(engine);
    if (refused) throw refused;
    const place = deps.queue.reserve();
    places.set(c.req.raw, place);
    try {
      await next();
    } finally {
      place.release();
    }
  };

  route(
    pipeline.operationId,
    async (body, c) => {
      mark("handler");
      const fields = body as Record<string, unknown>;
      const modelId = fields.model_id;
      if (typeof modelId === "string" && modelId !== "" && modelId !== config.modelId) {
        throw new HttpError(400, `pipeline configured with ${config.modelId} but called with ${modelId}`);
      }
      // Before the handler looks at the upload (a video route probes it with ffprobe, which a model that failed to
      // load for want of ffmpeg cannot do): the reason it failed, not the probe's error.
      if (engine.state === "ERROR") throw loadFailed(engine.error);
      const progress = channels.get(c.req.raw);
      const signal = c.req.raw.signal;
      const ctx: SessionContext<unknown, unknown> = {
        ...base,
        session: (fn) => runInSlot(deps, signal, progress, fn, places.get(c.req.raw)),
      };
      try {
        return (await pipeline.handle(fields, ctx)) as never;
      } catch (err) {
        if (err instanceof JobAbortedError) {
          log.info("job cancelled: the client disconnected", { path: c.req.path, request_id: c.get("requestId") });
        }
        const mapped = toHttpError(err);
        if (mapped instanceof Error) {
          progress?.fail(mapped.message);
          const stderr = stderrOf(err);
          deps.failures?.set(c.req.raw, { error: mapped.message, ...(stderr ? { stderr } : {}) });
        }
        throw mapped;
      }
    },
    declaredStatuses(op),
    ...before,
    track,
    gate,
  );
}

/**
 * Runs `fn` in one queue slot (503 while the model is not loaded or the queue is full), the request's reserved `place`
 * when it has one: `fn` gets a worker call and the job's control, both tied to `signal` (its abort cancels the job,
 * queued or running) and to the job's progress channel. The slot is freed when `fn` settles, however many worker
 * calls it made.
 * @example const frames = await runInSlot(deps, c.req.raw.signal, progress, async (run) => Promise.all(jobs.map(run)))
 */
export function runInSlot<T>(
  deps: PipelineRouteDeps,
  signal: AbortSignal,
  progress: JobProgress | undefined,
  fn: (run: WorkerCall<unknown, unknown>, control: JobControl) => Promise<T>,
  place?: QueuePlace,
): Promise<T> {
  const { config, engine, queue, metrics } = deps;
  const loading = loadingError(engine);
  if (loading) throw loading;
  if (engine.state === "ERROR") throw loadFailed(engine.error);
  return queue.submit(
    async () => {
      const flag = createAbortFlag();
      const abort = () => abortJob(flag);
      signal.addEventListener("abort", abort, { once: true });
      if (signal.aborted) abort();
      const unwatch = progress?.onSubscribers((n) => setWatched(flag, n > 0));
      const publish = (p: Progress) => progress?.publish(p);
      const control = new FlagJobControl(flag, publish);
      const run: WorkerCall<unknown, unknown> = async (job, options = {}) => {
        control.throwIfAborted();
        const result = await engine.run(job, {
          abort: flag,
          transfer: options.transfer ?? [],
          onProgress: options.onProgress ?? publish,
        });
        metrics.inferenceSeconds.observe({ pipeline: config.pipeline }, result.runSeconds);
        return result.output;
      };
      try {
        return await fn(run, control);
      } finally {
        signal.removeEventListener("abort", abort);
        unwatch?.();
      }
    },
    { signal, place },
  );
}

/** The 503 of a runner whose model is still loading, or undefined. */
function loadingError(engine: { state: string }): HttpError | undefined {
  if (engine.state !== "LOADING") return undefined;
  return new HttpError(503, "the model is still loading", { headers: { "Retry-After": "5" } });
}

/** The 503 of a runner whose model failed to load, with why. */
function loadFailed(error: string | undefined): HttpError {
  return new HttpError(503, `the model failed to load: ${error}`, { headers: { "Retry-After": "60" } });
}

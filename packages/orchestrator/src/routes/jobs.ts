/**
 * @module The job routes: every pipeline of the orchestrator spec's generated `PIPELINES` table is mounted (a new
 * pipeline needs no code here). A job takes a capacity slot, is forwarded to a runner of its model with the
 * caller's request id, and its media come back as stored URLs or inline data URLs (the orchestrator's
 * `media-delivery` setting, or the job's `X-Media-Delivery` request header); each job is logged once, with its
 * request id (which `GET /progress/{request_id}` follows). A caller that hangs up aborts the runner call, so the
 * runner stops at its next step and the slot is free at once; so does `job-timeout`, which holds the whole job (every
 * runner call and the mp4 encode). Runner 4xx answers go back with the runner's message; a runner that dies mid-job is retried once on
 * another free runner of the model, else the job fails with a 500 and the runner is restarted; so is a runner that
 * stops reporting progress mid-call (`runner-stall-timeout`, see stall-watch.ts).
 */
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { JobPath } from "@ai-video-subnet/runner-client";
import { hasFile, RunnerAnswerError, RunnerConnectionError, RunnerError } from "@ai-video-subnet/runner-client";
import { encodeMultipart, parseRunnerAnswer, type RunnerAnswer } from "@ai-video-subnet/runner-client/node";
import {
  getRequestId,
  HttpError,
  jsonAnswer,
  type Logger,
  type RawMultipart,
  RequestValidationError,
  type RequestValidator,
  rawMultipart,
  typedRoutes,
  validated,
} from "@ai-video-subnet/server-kit";
import type { Context, Hono, MiddlewareHandler } from "hono";
import { planChain, runChain } from "../chains/interpolated-video.js";
import type { operations } from "../generated/orchestrator.js";
import { PIPELINES } from "../generated/orchestrator-pipelines.js";
import {
  answerJson,
  type DeliveryContext,
  deliverMedia,
  type Media,
  type MediaDelivery,
  UnusableMediaError,
} from "../outputs/deliver-media.js";
import { Mp4EncodeError } from "../outputs/mp4.js";
import { type ExpectedMedia, expectedMedia, mediaProblem } from "../outputs/runner-media-check.js";
import type { Lease, RunnerPool } from "../runners/runner-pool.js";
import { jobSignal } from "./job-signal.js";
import { CLIENT_CLOSED_REQUEST, type OrchestratorMetrics, STOPPED_MID_JOB, UNKNOWN_MODEL } from "./metrics.js";
import type { ProgressTracker } from "./progress.js";
import { recheck, toHttpError, unusableAnswer } from "./runner-errors.js";
import { watchedCall } from "./stall-watch.js";

/** What the job routes need. */
export interface JobRoutesContext {
  pool: RunnerPool;
  metrics: OrchestratorMetrics;
  delivery: Omit<DeliveryContext, "fps" | "publicUrl">;
  /** The base of stored media URLs (known once the server listens). */
  publicUrl(): string;
  log: Logger;
  /** Which runner runs which request id, for `GET /progress/{request_id}`. */
  progress: ProgressTracker;
  /**
   * True once a stop has begun: the port is closed and the store goes with the process, so a URL answered from then
   * on could never be fetched (default: never).
   */
  stopping?(): boolean;
  /** True once a stop's grace has run out and the jobs still running are being cut (default: never). */
  cutting?(): boolean;
  /**
   * Milliseconds a job may run, all of it: every runner call (both stages of a chain, a retry) and the mp4 encode
   * (the `job-timeout` setting; default: no limit).
   */
  jobTimeoutMs?: number;
  /**
   * Milliseconds a runner that has reported progress for a job may then report none before the call is cut, the
   * runner restarted and the job answered 500 (the `runner-stall-timeout` setting; default 0: off). See stall-watch.ts.
   */
  stallTimeoutMs?: number;
  /** Most bytes of a runner's answer read; past it the call is cut and the job answered 502 (`max-answer-bytes`). */
  maxAnswerBytes?: number;
}

/**
 * Mounts every job route of the spec on `app`, behind `auth`.
 * @example mountJobRoutes(app, validator, ctx, bearerAuth({ token: secret }))
 */
export function mountJobRoutes(
  app: Hono,
  validator: RequestValidator,
  ctx: JobRoutesContext,
  auth: MiddlewareHandler,
): void {
  const route = typedRoutes<operations>(app, validator);
  for (const { pipeline, operationId } of Object.values(PIPELINES)) {
    const handler = (body: Record<string, unknown>, c: Context) => runJob(ctx, pipeline, body, c);
    route(operationId, handler as never, auth);
  }
}

/** Errors a job's handler threw after counting and logging the job itself (see {@link failedJob}). */
const JOB_FAILURES = new WeakSet<object>();

/**
 * True when `err` was thrown by a job's handler, which has already counted and logged the job: the error handler
 * then only answers it. Any other 4xx the error handler answers is a request refused before a handler ran.
 * @example if (!failedJob(err)) metrics.refused.inc({ route, status })
 */
export function failedJob(err: unknown): boolean {
  return typeof err === "object" && err !== null && JOB_FAILURES.has(err);
}

async function runJob(ctx: JobRoutesContext, pipeline: string, body: Record<string, unknown>, c: Context) {
  const modelId = body.model_id as string;
  const requestId = getRequestId(c);
  const started = performance.now();
  // Only the models served here name a series; any other model_id a client sends counts under one label value.
  const labels = { pipeline, model_id: ctx.pool.serves(pipeline, modelId) ? modelId : UNKNOWN_MODEL };
  let status = 500;
  let runner: string | undefined;
  let failure: string | undefined;
  /** The runner's own message, when the client's answer left its addresses out. */
  let runnerSaid: string | undefined;
  /** ffmpeg's last lines when its encode failed (the client's message leaves its paths out). */
  let ffmpegSaid: string | undefined;
  /** Set while the job's mp4 is encoded: what a job timeout then stops is ffmpeg. */
  let encoding = false;
  const signal = c.req.raw.signal;
  // What the job's work runs under: the caller's hang-up, and the job timeout.
  const job = jobSignal(signal, ctx.jobTimeoutMs);
  // The caller may ask for this job's media inline or as URLs (the spec's X-Media-Delivery request header).
  const asked = (validated(c).params["X-Media-Delivery"] as MediaDelivery | undefined) ?? ctx.delivery.delivery;
  // Decided when the job answers, not when it came: a job drained by a stop gets its media inline, as no URL of this
  // process can be fetched once it stopped listening. Written with one writeHead and one end (server-kit's
  // jsonAnswer), not through c.json and a Headers object; inline media go in as the runner's bytes (answerJson).
  const answerWith = async (result: RunnerAnswer, fps: number, from: [string, string], expected: ExpectedMedia) => {
    const delivery: MediaDelivery = ctx.stopping?.() ? "data" : asked;
    // Media decoded into the store are checked whole as they are decoded; the others are checked whole here.
    const problem = mediaProblem(result, expected, delivery === "data" || expected.shape === "frames");
    if (problem) throw unusableAnswer(from[0], from[1], problem);
    encoding = Array.isArray(result.frames);
    const answer = await deliverMedia(result, {
      ...ctx.delivery,
      delivery,
      fps,
      publicUrl: ctx.publicUrl(),
      signal: job.signal,
    }).catch((err: unknown) => {
      throw err instanceof UnusableMediaError ? unusableAnswer(from[0], from[1], err.message) : err;
    });
    status = 200;
    return jsonAnswer(c, answerJson(answer), { "x-media-delivery": delivery });
  };
  try {
    if (pipeline === "image-to-video") {
      const plan = planChain(body, ctx.pool);
      if (plan.kind === "chain") {
        const served: string[] = [];
        const result = await runChain(plan, {
          pool: ctx.pool,
          ffmpeg: ctx.delivery.ffmpeg ?? "ffmpeg",
          requestId,
          signal: job.signal,
          begun: job.start,
          progress: ctx.progress,
          served: (name) => {
            served.push(name);
            runner = served.join("+");
          },
          forward: async (lease, stage, stageBody) => {
            try {
              const call = (signal: AbortSignal) =>
                forward(lease, stage, stageBody, { requestId, signal, maxAnswerBytes: ctx.maxAnswerBytes });
              const answer = await watchedCall(ctx, lease, requestId, job, call);
              // SVD's frames go to ffmpeg here; FILM's answer is checked as the job's (answerWith).
              const problem = stage === "image-to-video" && mediaProblem(answer, expectedMedia(stage, stageBody), true);
              if (problem) throw unusableAnswer(stage, stageBody.model_id as string, problem);
              return answer;
            } catch (err) {
              throw toHttpError(err, stage, stageBody.model_id as string, recheck(ctx.pool, lease));
            }
          },
        });
        const film = ["frame-interpolation", plan.filmModel] as [string, string];
        return await answerWith(result, plan.outputFps, film, expectedMedia(film[0], {}));
      }
      body = plan.body;
    }
    // The caller's multipart bytes go to the runner as they came unless the body was changed on the way.
    const raw = body === validated(c).body ? rawMultipart(c) : undefined;
    const send = (lease: Lease) =>
      watchedCall(ctx, lease, requestId, job, (signal) =>
        forwardBytes(lease, pipeline, body, raw, { requestId, signal, maxAnswerBytes: ctx.maxAnswerBytes }),
      );
    let lease = await ctx.pool.acquire(pipeline, modelId);
    job.start();
    runner = lease.runner.name;
    ctx.progress.started(requestId, lease.runner.client);
    let result: RunnerAnswer;
    try {
      try {
        result = await send(lease);
      } catch (err) {
        if (!(err instanceof RunnerConnectionError) || job.signal.aborted) throw err;
        ctx.pool.suspect(lease.runner);
        const retry = ctx.pool.leaseAnother(lease.runner);
        ctx.log.warn("runner failed mid-job", {
          request_id: requestId,
          runner: lease.runner.name,
          error: err.message,
          retry: retry?.runner.name ?? null,
        });
        if (!retry) throw err;
        lease.release();
        lease = retry;
        runner = lease.runner.name;
        ctx.progress.started(requestId, lease.runner.client);
        result = await send(lease);
      }
    } catch (err) {
      throw toHttpError(err, pipeline, modelId, recheck(ctx.pool, lease));
    } finally {
      lease.release();
    }
    const fps = typeof body.fps === "number" ? body.fps : 6;
    // The hang-up signal reaches the mp4 encode too: a caller gone while its frames are encoded kills ffmpeg (499).
    return await answerWith(result, fps, [pipeline, modelId], expectedMedia(pipeline, body));
  } catch (caught) {
    let err = caught;
    if (signal.aborted) {
      if (ctx.cutting?.()) {
        // Not the client: this orchestrator stopped and its grace ran out (the connection is already cut).
        status = STOPPED_MID_JOB;
        failure = "the orchestrator stopped before the job ended (shutdown-grace ran out)";
        return c.body(null, STOPPED_MID_JOB);
      }
      // The client hung up (the runner call was aborted with it): nobody reads an answer, and nothing failed here.
      status = CLIENT_CLOSED_REQUEST;
      failure = "the client closed the request";
      return c.body(null, CLIENT_CLOSED_REQUEST as never);
    }
    // Whatever the work threw as the deadline cut it (the call's abort, a killed ffmpeg), the job timed out.
    if (job.timedOut()) err = job.timeoutError(encoding ? "ffmpeg" : "runner");
    failure = err instanceof Error ? err.message : String(err);
    const cause = err instanceof HttpError && err.cause instanceof RunnerError ? err.cause.detailMessage : undefined;
    if (cause !== undefined && cause !== failure) runnerSaid = cause;
    if (err instanceof HttpError && err.cause instanceof Mp4EncodeError) ffmpegSaid = err.cause.stderr;
    status = err instanceof HttpError ? err.status : err instanceof RequestValidationError ? 422 : 500;
    if (typeof err === "object" && err !== null) JOB_FAILURES.add(err);
    throw err;
  } finally {
    job.dispose();
    ctx.progress.ended(requestId, failure === undefined ? { status } : { status, msg: failure });
    const seconds = (performance.now() - started) / 1000;
    ctx.metrics.jobs.inc({ ...labels, status: String(status) });
    ctx.metrics.jobSeconds.observe(labels, seconds);
    ctx.log[status < 500 ? "info" : "warn"]("job done", {
      request_id: requestId,
      pipeline,
      model_id: modelId,
      status,
      ms: Math.round(seconds * 1000),
      // Not `runner`: that field marks the runner's own lines, which the launchers copy into this log.
      served_by: runner ?? null,
      ...(status >= 500 && failure !== undefined ? { error: failure } : {}),
      ...(runnerSaid === undefined ? {} : { runner_said: runnerSaid }),
      ...(ffmpegSaid ? { ffmpeg_said: ffmpegSaid } : {}),
    });
  }
}

function forward(
  lease: Lease,
  pipeline: string,
  body: Record<string, unknown>,
  call: { requestId: string; signal: AbortSignal; maxAnswerBytes: number | undefined },
) {
  const client = lease.runner.client;
  if (!client) throw new HttpError(503, `the runner of ${pipeline} stopped before the job could start`);
  const { maxAnswerBytes, ...options } = call;
  const withLimit = maxAnswerBytes === undefined ? options : call;
  return client.run(`/${pipeline}` as JobPath, body as never, withLimit) as Promise<{
    images?: Media[];
    frames?: Media[][];
  }>;
}

/**
 * One job call whose answer is taken apart at the byte level (`parseRunnerAnswer`). The body goes as the caller's
 * own multipart bytes when `raw` holds them and they say what the validated body says — every part a declared field
 * (an undeclared one was dropped by the validator and must not reach the runner), the fields the validator filled
 * with defaults sent as parts in front; otherwise it is encoded from the validated fields as before.
 */
async function forwardBytes(
  lease: Lease,
  pipeline: string,
  body: Record<string, unknown>,
  raw: RawMultipart | undefined,
  call: { requestId: string; signal: AbortSignal; maxAnswerBytes: number | undefined },
): Promise<RunnerAnswer> {
  const client = lease.runner.client;
  if (!client) throw new HttpError(503, `the runner of ${pipeline} stopped before the job could start`);
  const path = `/${pipeline}` as JobPath;
  const payload = (raw && asForwarded(raw, body)) ?? (await encoded(body));
  const { maxAnswerBytes, ...options } = call;
  const bytes = await client.forward(path, payload, maxAnswerBytes === undefined ? options : call);
  try {
    return parseRunnerAnswer(bytes);
  } catch (err) {
    throw new RunnerAnswerError({ method: "POST", path, reason: "it is not JSON", cause: err });
  }
}

/**
 * Bytes a forwarded body may have beyond what the caller sent: the parts put in front for the fields the validator
 * filled with defaults (a few hundred bytes per pipeline), or a body encoded anew (other part headers than the
 * caller's). The runners this orchestrator starts accept its `max-upload-bytes` plus this, so a body within the
 * limit the caller is held to is never refused by the runner for what the orchestrator added.
 */
export const FORWARD_HEADROOM_BYTES = 64 * 1024;

/**
 * The `MAX_UPLOAD_BYTES` of a runner this orchestrator starts, for its own limit of `maxUploadBytes` per job body.
 * @example runnerUploadLimit(64 * 1024 * 1024) // 67174400
 */
export function runnerUploadLimit(maxUploadBytes: number): number {
  return maxUploadBytes + FORWARD_HEADROOM_BYTES;
}

type Payload = Parameters<NonNullable<Lease["runner"]["client"]>["forward"]>[1];

/** The caller's bytes with the defaulted fields in front, or undefined when they cannot stand for `body`. */
function asForwarded(raw: RawMultipart, body: Record<string, unknown>): Payload | undefined {
  for (const part of raw.parts) if (!(part in body)) return undefined;
  let head = "";
  for (const name of Object.keys(body)) {
    // Not reading the fields the caller sent: a file part would be copied into a File for nothing.
    if (raw.parts.includes(name)) continue;
    const value = body[name];
    if (value === undefined || value === null) continue;
    const text = typeof value === "object" ? JSON.stringify(value) : String(value);
    head += `--${raw.boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${text}\r\n`;
  }
  if (head && !raw.opensWithBoundary) return undefined;
  const prefix = head ? [Buffer.from(head)] : [];
  if (raw.chunks) return { contentType: raw.contentType, body: [...prefix, ...raw.chunks] };
  const file = raw.file!;
  async function* stream() {
    yield* prefix;
    yield* createReadStream(file);
  }
  return {
    contentType: raw.contentType,
    body: Readable.from(stream()),
    length: raw.size + (prefix[0]?.length ?? 0),
  };
}

/** The validated fields encoded anew: multipart when a field is a file, else JSON. */
async function encoded(body: Record<string, unknown>): Promise<Payload> {
  if (!hasFile(body)) return { contentType: "application/json", body: Buffer.from(JSON.stringify(body)) };
  const { body: bytes, contentType } = await encodeMultipart(body);
  return { contentType, body: bytes };
}

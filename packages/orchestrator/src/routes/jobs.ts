/**
 * @module The job routes: every pipeline of the orchestrator spec's generated `PIPELINES` table is mounted (a new
 * pipeline needs no code here). A job takes a capacity slot, is forwarded to a runner of its model with the
 * caller's request id, and its media come back as stored URLs (or data URLs); each job is logged once, with its
 * request id (which `GET /progress/{request_id}` follows). A caller that hangs up aborts the runner call, so the
 * runner stops at its next step and the slot is free at once. Runner 4xx answers go back with the runner's message; a runner that dies mid-job is retried once on
 * another free runner of the model, else the job fails with a 500 and the runner is restarted.
 */
import type { JobPath } from "@ai-video-subnet/runner-client";
import { RunnerConnectionError, RunnerError } from "@ai-video-subnet/runner-client";
import {
  getRequestId,
  HttpError,
  type Logger,
  RequestValidationError,
  type RequestValidator,
  typedRoutes,
  type ValidationIssue,
} from "@ai-video-subnet/server-kit";
import type { Context, Hono, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { planChain, runChain } from "../chains/interpolated-video.js";
import type { operations } from "../generated/orchestrator.js";
import { PIPELINES } from "../generated/orchestrator-pipelines.js";
import { type DeliveryContext, deliverMedia, type Media } from "../outputs/deliver-media.js";
import type { Lease, RunnerPool } from "../runners/runner-pool.js";
import type { OrchestratorMetrics } from "./metrics.js";
import type { ProgressTracker } from "./progress.js";

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

async function runJob(ctx: JobRoutesContext, pipeline: string, body: Record<string, unknown>, c: Context) {
  const modelId = body.model_id as string;
  const requestId = getRequestId(c);
  const started = performance.now();
  const labels = { pipeline, model_id: modelId };
  let status = 500;
  let runner: string | undefined;
  let failure: string | undefined;
  const signal = c.req.raw.signal;
  try {
    if (pipeline === "image-to-video") {
      const plan = planChain(body, ctx.pool);
      if (plan.kind === "chain") {
        const served: string[] = [];
        const result = await runChain(plan, {
          pool: ctx.pool,
          ffmpeg: ctx.delivery.ffmpeg ?? "ffmpeg",
          requestId,
          signal,
          progress: ctx.progress,
          served: (name) => {
            served.push(name);
            runner = served.join("+");
          },
          forward: async (lease, stage, stageBody) => {
            try {
              return await forward(lease, stage, stageBody, requestId, signal);
            } catch (err) {
              throw toHttpError(err, stage, stageBody.model_id as string);
            }
          },
        });
        const answer = await deliverMedia(result, { ...ctx.delivery, fps: plan.outputFps, publicUrl: ctx.publicUrl() });
        c.header("X-Media-Delivery", ctx.delivery.delivery);
        status = 200;
        return answer;
      }
      body = plan.body;
    }
    let lease = await ctx.pool.acquire(pipeline, modelId);
    runner = lease.runner.name;
    ctx.progress.started(requestId, lease.runner.client);
    let result: { images?: Media[]; frames?: Media[][] };
    try {
      try {
        result = await forward(lease, pipeline, body, requestId, signal);
      } catch (err) {
        if (!(err instanceof RunnerConnectionError) || signal.aborted) throw err;
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
        result = await forward(lease, pipeline, body, requestId, signal);
      }
    } catch (err) {
      throw toHttpError(err, pipeline, modelId);
    } finally {
      lease.release();
    }
    const fps = typeof body.fps === "number" ? body.fps : 6;
    const answer = await deliverMedia(result, { ...ctx.delivery, fps, publicUrl: ctx.publicUrl() });
    c.header("X-Media-Delivery", ctx.delivery.delivery);
    status = 200;
    return answer;
  } catch (err) {
    status = err instanceof HttpError ? err.status : err instanceof RequestValidationError ? 422 : 500;
    failure = err instanceof Error ? err.message : String(err);
    throw err;
  } finally {
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
    });
  }
}

function forward(
  lease: Lease,
  pipeline: string,
  body: Record<string, unknown>,
  requestId: string,
  signal: AbortSignal,
) {
  const client = lease.runner.client;
  if (!client) throw new HttpError(503, `the runner of ${pipeline} stopped before the job could start`);
  return client.run(`/${pipeline}` as JobPath, body as never, { requestId, signal }) as Promise<{
    images?: Media[];
    frames?: Media[][];
  }>;
}

function toHttpError(err: unknown, pipeline: string, modelId: string): unknown {
  if (err instanceof HttpError) return err;
  if (err instanceof RunnerError) {
    if (err.status === 422 && Array.isArray(err.detail))
      return new RequestValidationError(err.detail as ValidationIssue[]);
    if (err.status === 503) {
      return new HttpError(503, err.detailMessage, { headers: { "Retry-After": String(err.retryAfter ?? 1) } });
    }
    if (err.status === 401) {
      return new HttpError(
        500,
        `the runner of ${pipeline} model ${JSON.stringify(modelId)} refused the orchestrator's token`,
      );
    }
    const status = (err.status >= 400 && err.status < 600 ? err.status : 500) as ContentfulStatusCode;
    return new HttpError(status, err.detailMessage, { cause: err });
  }
  if (err instanceof RunnerConnectionError) {
    const what = err.timedOut ? "did not answer in time" : "died during the job";
    return new HttpError(
      500,
      `the runner of ${pipeline} model ${JSON.stringify(modelId)} ${what}; it is being restarted`,
      {
        cause: err,
      },
    );
  }
  return err;
}

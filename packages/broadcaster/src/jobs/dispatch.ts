/**
 * @module Running a job across orchestrators: select, attempt, and on failure retry on another within the attempt
 * and time budget, holding failing orchestrators back. A 4xx goes straight back; when nothing is left, 503.
 */
import { deadline, errorBody, type Logger } from "@ai-video-subnet/server-kit";
import type { Orchestrator } from "../orchestrators/orchestrator.js";
import type { OrchestratorRegistry } from "../orchestrators/registry.js";
import { select } from "../orchestrators/selection.js";
import type { OutputStore } from "../outputs/store.js";
import type { BroadcasterMetrics } from "../server/metrics.js";
import { type AttemptResult, attempt } from "./attempt.js";
import type { Job, StoredMedia } from "./job.js";

/** What a dispatcher needs. */
export interface DispatchContext {
  registry: OrchestratorRegistry;
  store: OutputStore;
  metrics: BroadcasterMetrics;
  logger: Logger;
  maxAttempts: number;
  retryBudgetMs: number;
  requestTimeoutMs: number;
  /** Largest price per pixel × step, or undefined. */
  maxPricePerPixel: number | undefined;
  random?: () => number;
}

/** Optional hooks into a dispatch. */
export interface DispatchHooks {
  /**
   * Called as each attempt starts, with the orchestrator it goes to and the attempt's signal (aborted when the
   * attempt ends or is abandoned): where per-step progress of that orchestrator is subscribed to. It may return a
   * promise that settles once the watcher has read all the orchestrator tells of the attempt (its stream's `end`):
   * after a successful attempt, dispatch waits for it up to {@link SETTLE_MS} before aborting the signal, so a job
   * that ended before its subscription connected still reports its last step before the result.
   */
  onAttempt?(orchestrator: Orchestrator, signal: AbortSignal): Promise<void> | void;
}

/**
 * The longest wait, after a successful attempt, for its watcher to finish reading (see
 * {@link DispatchHooks.onAttempt}). The orchestrator sends the stream's `end` as it answers, so a watcher that is
 * connected finishes at once; one still connecting needs one round trip.
 */
export const SETTLE_MS = 1000;

/** The outcome for the client. */
export type DispatchResult =
  | { kind: "ok"; media: StoredMedia[]; orchestrator: string; attempts: number }
  | { kind: "client_error"; status: number; body: unknown; orchestrator: string | undefined }
  /**
   * `msg` is for the client and names no orchestrator address or local path (`attempt 1 failed (HTTP 500)`);
   * `detail` has everything, for the logs.
   */
  | { kind: "unavailable"; msg: string; detail: string; retryAfterSeconds: number };

/**
 * Runs `job` (sent to `path` on the orchestrator) until it succeeds, is rejected, or the budget is spent.
 * Throws only when `clientSignal` aborts (the client went away, or an asynchronous job was cancelled; the upstream
 * call is cancelled with it).
 * @example const r = await dispatch(ctx, job, "/upscale", c.req.raw.signal);
 */
export async function dispatch(
  ctx: DispatchContext,
  job: Job,
  path: string,
  clientSignal: AbortSignal,
  hooks: DispatchHooks = {},
): Promise<DispatchResult> {
  const started = Date.now();
  const tried = new Set<string>();
  const reasons: string[] = [];
  /** The same reasons without addresses or internals, for the client. */
  const told: string[] = [];
  let retryAfterMs = 1000;
  let attempts = 0;
  for (;;) {
    const elapsed = Date.now() - started;
    if (attempts >= ctx.maxAttempts) {
      reasons.push(`all ${ctx.maxAttempts} attempts used`);
      told.push(`all ${ctx.maxAttempts} attempts used`);
      break;
    }
    if (attempts > 0 && elapsed > ctx.retryBudgetMs) {
      reasons.push(`retry budget of ${ctx.retryBudgetMs} ms spent`);
      told.push(`retry budget of ${ctx.retryBudgetMs} ms spent`);
      break;
    }
    const pick = select(ctx.registry.list(), {
      pipeline: job.pipeline,
      modelId: job.modelId,
      ...(job.alsoNeeds ? { alsoNeeds: job.alsoNeeds } : {}),
      maxPricePerPixel: ctx.maxPricePerPixel,
      exclude: tried,
      now: Date.now(),
      random: ctx.random,
    });
    if (!pick.orchestrator) {
      if (pick.missing) {
        ctx.metrics.selections.inc({ pipeline: job.pipeline, outcome: "unknown_model" });
        return { kind: "client_error", status: 400, body: errorBody(pick.missing), orchestrator: undefined };
      }
      if (pick.offered) {
        ctx.metrics.selections.inc({ pipeline: job.pipeline, outcome: "unknown_model" });
        return { kind: "client_error", status: 400, body: unknownModel(job, pick.offered), orchestrator: undefined };
      }
      // Busy or briefly held back: wait for the first to free up if that fits in the retry budget.
      if (pick.waitMs !== undefined && elapsed + pick.waitMs <= ctx.retryBudgetMs) {
        await sleep(Math.max(10, pick.waitMs), clientSignal);
        continue;
      }
      ctx.metrics.selections.inc({ pipeline: job.pipeline, outcome: "none" });
      reasons.push(pick.reason);
      told.push(pick.reason);
      retryAfterMs = pick.retryAfterMs;
      break;
    }
    const o = pick.orchestrator;
    ctx.metrics.selections.inc({ pipeline: job.pipeline, outcome: "selected" });
    if (attempts > 0) ctx.metrics.retries.inc({ pipeline: job.pipeline });
    attempts += 1;
    const n = attempts;
    const end = o.begin(job.pipeline, job.modelId);
    const t0 = performance.now();
    let result: AttemptResult;
    const limit = deadline(ctx.requestTimeoutMs, clientSignal);
    // What the attempt's hook watches (its progress stream): aborted when the attempt ends, whatever ended it.
    const attemptScope = hooks.onAttempt ? new AbortController() : undefined;
    if (attemptScope) {
      limit.signal.addEventListener("abort", () => attemptScope.abort(limit.signal.reason), { once: true });
    }
    const watched = attemptScope && hooks.onAttempt?.(o, attemptScope.signal);
    try {
      result = await attempt(o, job, path, ctx.store, limit.signal);
    } catch (err) {
      if (clientSignal.aborted) {
        attemptScope?.abort();
        ctx.logger.info("client went away; upstream call cancelled", {
          request_id: job.requestId,
          orchestrator: o.url,
        });
        throw err;
      }
      result = { kind: "failed", reason: `timed out after ${ctx.requestTimeoutMs} ms` };
    } finally {
      limit.clear();
      end();
    }
    const ms = performance.now() - t0;
    // The watcher of a successful attempt may still be reading its last step (a job over before it connected).
    if (result.kind === "ok" && watched) await settle(watched, clientSignal);
    attemptScope?.abort();
    const labels = { pipeline: job.pipeline, orchestrator: o.url };
    ctx.metrics.attempts.inc({ ...labels, outcome: result.kind });
    const stats = o.stats(job.pipeline, job.modelId);
    switch (result.kind) {
      case "ok":
        stats.success(ms, job.units);
        o.succeeded(job.pipeline, job.modelId);
        ctx.metrics.attemptSeconds.observe(labels, ms / 1000);
        ctx.logger.debug?.("attempt succeeded", {
          request_id: job.requestId,
          orchestrator: o.url,
          ms,
          attempt: n,
        });
        return { kind: "ok", media: result.media, orchestrator: o.url, attempts: n };
      case "client_error":
        return { kind: "client_error", status: result.status, body: result.body, orchestrator: o.url };
      case "busy":
        // Not a failure: the orchestrator may take this job after Retry-After, so it stays a candidate.
        o.backoff.busy(Date.now(), result.retryAfterMs);
        reasons.push(`${o.url} busy (${result.reason})`);
        told.push(`attempt ${n}: orchestrator busy (${publicReason(result.reason)})`);
        ctx.logger.info("orchestrator busy; trying another", {
          request_id: job.requestId,
          orchestrator: o.url,
          attempt: n,
          reason: result.reason,
        });
        break;
      case "failed": {
        tried.add(o.url);
        stats.failure();
        // A failure of this pipeline and model (a 5xx answer) holds back only them there; one of the orchestrator
        // itself (unreachable, timed out, our secret refused) holds back all of it.
        const backoff = result.capability ? o.capabilityBackoff(job.pipeline, job.modelId) : o.backoff;
        const holdMs = backoff.fail(Date.now());
        reasons.push(`${o.url} failed (${result.reason})`);
        told.push(`attempt ${n} failed (${publicReason(result.reason)})`);
        ctx.logger.warn("attempt failed; orchestrator held back", {
          request_id: job.requestId,
          orchestrator: o.url,
          attempt: n,
          reason: result.reason,
          hold_ms: holdMs,
          held: result.capability ? `${job.pipeline}/${job.modelId}` : "orchestrator",
        });
        break;
      }
      case "local_error":
        // Our own exhaustion: the orchestrator did its part, so its stats and backoff stay as they are.
        ctx.logger.error("attempt failed on a local resource; orchestrator not held back", {
          request_id: job.requestId,
          orchestrator: o.url,
          attempt: n,
          reason: result.reason,
        });
        return {
          kind: "unavailable",
          msg: "the gateway is short of local resources (files, disk or memory) right now; retry later",
          detail: `attempt ${n} on ${o.url}: ${result.reason}`,
          retryAfterSeconds: 5,
        };
    }
  }
  return {
    kind: "unavailable",
    msg: `no orchestrators available for ${job.pipeline}/${job.modelId}: ${told.join("; ")}`,
    detail: reasons.join("; "),
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  };
}

/** The kind of an attempt's failure without its details: `HTTP 500: ...` → `HTTP 500`. */
function publicReason(reason: string): string {
  return reason.split(":")[0]!.trim();
}

/** The 400 for a model no orchestrator offers, naming what is offered (a typo costs one round trip, not retries). */
function unknownModel(job: Job, offered: string[]) {
  const list = offered.length > 0 ? `offered: ${offered.join(", ")}` : "no model is offered for it";
  return errorBody(
    `model_id ${JSON.stringify(job.modelId)} is not offered for ${job.pipeline} by any orchestrator; ${list}`,
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Resolves when `watched` settles, after {@link SETTLE_MS}, or when `signal` aborts, whichever comes first; never rejects. */
function settle(watched: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, SETTLE_MS);
    signal.addEventListener("abort", done, { once: true });
    if (signal.aborted) done();
    watched.then(done, done);
  });
}

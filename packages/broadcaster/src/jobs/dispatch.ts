/**
 * @module Running a job across orchestrators: select, attempt, and on failure retry on another within the attempt
 * and time budget, holding failing orchestrators back; when every one is busy or full, wait for capacity within the
 * time budget. A 400 goes back once a second orchestrator agrees or none is free to ask, other 4xx at once; when
 * nothing is left, 503 (502 when every answer was refused); when two orchestrators or more failed it with the same
 * 5xx answer and no other is left to try, 500, and the holds it placed are lifted (see `tally.ts`).
 */
import { deadline, type Logger } from "@ai-video-subnet/server-kit";
import type { Orchestrator } from "../orchestrators/orchestrator.js";
import type { OrchestratorRegistry } from "../orchestrators/registry.js";
import { select } from "../orchestrators/selection.js";
import type { OutputStore } from "../outputs/store.js";
import type { BroadcasterMetrics } from "../server/metrics.js";
import { type AttemptResult, attempt } from "./attempt.js";
import type { Job, StoredMedia } from "./job.js";
import { modelRefusal } from "./model-refusal.js";
import type { AnswerLimits } from "./outputs.js";
import { SHORT_OF_RESOURCES } from "./own-failures.js";
import { publicReason, Tally } from "./tally.js";
import { settle, waitFor } from "./waits.js";

export { unofferedModel } from "./model-refusal.js";
export { SETTLE_MS } from "./waits.js";

/** What a dispatcher needs. */
export interface DispatchContext {
  registry: OrchestratorRegistry;
  store: OutputStore;
  /** What is accepted of an orchestrator's answer: its size, its outputs' number, types, sizes and addresses. */
  answers: AnswerLimits;
  metrics: BroadcasterMetrics;
  logger: Logger;
  maxAttempts: number;
  retryBudgetMs: number;
  requestTimeoutMs: number;
  /** Largest price per pixel × step, or undefined. */
  maxPricePerPixel: number | undefined;
  /**
   * Wait, within the retry budget, while the orchestrators that could run the job are unreachable, for one to answer
   * `/info` again, rather than fail at once; and when every one that could run it has failed it, try them again once
   * their hold-backs end, up to `maxAttempts`: asynchronous jobs, which a client does not sit waiting for (an
   * orchestrator or its runner restarting must not end a job that can wait for it).
   */
  waitWhileUnreachable?: boolean;
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
  /**
   * Called when the job starts waiting for capacity (every orchestrator it could use is busy, full or held back):
   * once per stretch of waiting, not on each wake-up. An asynchronous job shows it as its progress stage `waiting`.
   */
  onWait?(): void;
}

/** The outcome for the client. */
export type DispatchResult =
  | { kind: "ok"; media: StoredMedia[]; orchestrator: string; attempts: number }
  | { kind: "client_error"; status: number; body: unknown; orchestrator: string | undefined }
  /**
   * `msg` is for the client and names no orchestrator address or local path (`attempt 1 failed (HTTP 500)`);
   * `detail` has everything, for the logs.
   */
  | {
      kind: "unavailable";
      msg: string;
      detail: string;
      retryAfterSeconds: number;
      /** Every attempt's answer was refused for what it held: a 502 (the orchestrators answered, wrongly), not 503. */
      badAnswers?: true;
    }
  /**
   * Every failure was the same 5xx answer, from two orchestrators or more: the request is the likely cause, so it is
   * not retried on the rest, and the holds it placed are lifted (see {@link Tally.sameEverywhere}). A 500 for the
   * client, without `Retry-After`: sending it again would fail again. `msg` and `detail` as for `unavailable`.
   */
  | { kind: "failed"; msg: string; detail: string };

/**
 * Runs `job` (sent to `path` on the orchestrator) until it succeeds, is rejected, or the budget is spent. A busy
 * answer is no failure: when every orchestrator the job could use is busy, full or held back, it waits in the
 * registry's queue for capacity (oldest jobs first) within `retryBudgetMs`.
 * Throws only when `clientSignal` aborts (the client went away, or an asynchronous job was cancelled; the upstream
 * call, or the wait, is cancelled with it).
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
  const tally = new Tally();
  const run: Run = { job, path, clientSignal, hooks, tally, tried };
  const queue = ctx.registry.waiting;
  let retryAfterMs = 1000;
  /** This job's place in the queue for capacity, taken when it first waits: jobs that waited longer look first. */
  let ticket: number | undefined;
  /** Why the job last waited. */
  let waitedFor: string | undefined;
  for (;;) {
    const now = Date.now();
    const elapsed = now - started;
    if (tally.failures >= ctx.maxAttempts) {
      tally.end(`all ${ctx.maxAttempts} attempts used`);
      break;
    }
    if ((tally.sent > 0 || ticket !== undefined) && elapsed >= ctx.retryBudgetMs) {
      if (waitedFor) tally.end(waitedFor);
      tally.end(`retry budget of ${ctx.retryBudgetMs} ms spent`);
      break;
    }
    const pick = select(ctx.registry.list(), {
      pipeline: job.pipeline,
      modelId: job.modelId,
      ...(job.alsoNeeds ? { alsoNeeds: job.alsoNeeds } : {}),
      maxPricePerPixel: ctx.maxPricePerPixel,
      exclude: tried,
      now,
      random: ctx.random,
    });
    if (!pick.orchestrator) {
      // Orchestrators that failed it alike, and none left to try now: the request is the likely cause. While one is
      // left, it is tried first: two broken by the same bad release must not turn a valid request into a 500.
      if (tally.sameEverywhere()) break;
      // A 4xx with no other orchestrator to ask now: the client gets it (see `Run.rejected`).
      if (run.rejected) return run.rejected.result;
      if (pick.allTried && ctx.waitWhileUnreachable) {
        // Each has failed this job once or more; attempts are left (checked above): they may be tried again, each
        // when its hold-back ends (the wait below), or once it answers `/info` again.
        tried.clear();
        continue;
      }
      const refused = modelRefusal(ctx, job, pick);
      if (refused) return refused;
      retryAfterMs = pick.retryAfterMs;
      // Busy, full or briefly held back: wait for capacity within the retry budget (for one only held back, only if
      // its hold ends within it). Not spinning: until a slot may have come free, or a hold ends. Unreachable (an
      // asynchronous job): until the next `/info` round, whose answers wake the queue.
      const left = ctx.retryBudgetMs - elapsed;
      const wait =
        pick.unreachable && ctx.waitWhileUnreachable ? ctx.registry.infoIntervalMs : waitFor(ctx.registry, pick, now);
      if (wait !== undefined && (pick.full !== undefined || pick.unreachable || wait <= left)) {
        ticket ??= queue.ticket();
        if (waitedFor === undefined) hooks.onWait?.();
        waitedFor = pick.reason;
        await queue.wait(ticket, Math.max(10, Math.min(wait, left)), clientSignal);
        continue;
      }
      ctx.metrics.selections.inc({ pipeline: job.pipeline, outcome: "none" });
      tally.end(pick.reason);
      // It waited, and what it waits for now ends past the budget: the budget, not the wait, ends the job.
      if (ticket !== undefined && wait !== undefined) tally.end(`retry budget of ${ctx.retryBudgetMs} ms spent`);
      break;
    }
    waitedFor = undefined;
    ctx.metrics.selections.inc({ pipeline: job.pipeline, outcome: "selected" });
    if (tally.sent > 0) ctx.metrics.retries.inc({ pipeline: job.pipeline });
    tally.sent += 1;
    try {
      const result = await attemptOn(ctx, run, pick.orchestrator);
      if (result) return result;
    } finally {
      // A slot of ours came free (or a busy answer was recorded): waiting jobs look again.
      queue.wake();
    }
  }
  if (run.rejected) return run.rejected.result;
  const same = tally.sameEverywhere();
  if (same) {
    tally.withdraw();
    ctx.logger.warn("job failed the same way on every orchestrator it was sent to; their holds are lifted", {
      request_id: job.requestId,
      orchestrators: same.orchestrators,
      reason: same.reason,
    });
    return {
      kind: "failed",
      msg:
        `${job.pipeline}/${job.modelId} failed the same way on ${same.orchestrators} orchestrators ` +
        `(${publicReason(same.reason)}), so the request itself is the likely cause and it was not retried further: ` +
        "check its inputs, or report it with this answer's X-Request-Id",
      detail: tally.reasons.join("; "),
    };
  }
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const detail = tally.reasons.join("; ");
  const what = `${job.pipeline}/${job.modelId}: ${tally.told.join("; ")}`;
  return tally.onlyBadAnswers()
    ? {
        kind: "unavailable",
        msg: `no orchestrator gave a valid answer for ${what}`,
        detail,
        retryAfterSeconds,
        badAnswers: true,
      }
    : { kind: "unavailable", msg: `no orchestrators available for ${what}`, detail, retryAfterSeconds };
}

/** One dispatch of a job: what it runs, and what it learned so far. */
interface Run {
  job: Job;
  path: string;
  clientSignal: AbortSignal;
  hooks: DispatchHooks;
  tally: Tally;
  /** Orchestrators that failed this job. */
  tried: Set<string>;
  /**
   * The first 400 the job got, and from whom. A 400 can be one orchestrator's own (a stale or broken one), so
   * another is asked once, when one is free now: a second 4xx, or none to ask, and the client gets one; a success
   * there holds the first back. So a request at fault costs at most two attempts, not `max-attempts`.
   */
  rejected?: { by: Orchestrator; result: ClientError };
}

/** A client error of {@link dispatch}. */
type ClientError = Extract<DispatchResult, { kind: "client_error" }>;

/**
 * The 4xx statuses another orchestrator may not give for the same request, so one that is free is asked before the
 * client gets it: a 400 (a runner's own rule or limit), a 413 (a smaller body limit, or a runner's pixel or frame
 * budget: limits an operator sets) and a 422 (the body passed this gateway's validation against the same spec).
 * When none is free, or the other agrees, the client gets the first answer, with the runner's message.
 */
const SECOND_OPINION = new Set([400, 413, 422]);

/**
 * Attempt number `run.tally.sent` of the job on `o`, its outcome recorded (stats, hold-backs, metrics, logs, the
 * tally): the result that ends the job, or undefined to go on (`o` busy, or failed and added to `run.tried`).
 */
async function attemptOn(ctx: DispatchContext, run: Run, o: Orchestrator): Promise<DispatchResult | undefined> {
  const { job, clientSignal, hooks, tally } = run;
  const n = tally.sent;
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
    result = await attempt(o, job, run.path, ctx, limit.signal);
  } catch (err) {
    if (clientSignal.aborted) {
      attemptScope?.abort();
      // An asynchronous job's stop has a reason of its own (cancelled, lost, expired, shutdown): nobody went away.
      const reason: unknown = clientSignal.reason;
      const stopped = reason instanceof Error && reason.name !== "AbortError" ? reason.message : undefined;
      ctx.logger.info(stopped ? "upstream call cancelled" : "client went away; upstream call cancelled", {
        request_id: job.requestId,
        orchestrator: o.url,
        ...(stopped ? { why: stopped } : {}),
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
      if (run.rejected) holdRejecter(ctx, run, run.rejected.by);
      return { kind: "ok", media: result.media, orchestrator: o.url, attempts: n };
    case "client_error": {
      const answer = { kind: "client_error", status: result.status, body: result.body, orchestrator: o.url } as const;
      // A 400, 413 or 422 gets a second opinion (see SECOND_OPINION); other 4xx (415 for an upload that is no image,
      // …) are the request's on any orchestrator, and go back at once.
      if (run.rejected || !SECOND_OPINION.has(result.status)) return answer;
      run.rejected = { by: o, result: answer };
      run.tried.add(o.url);
      ctx.logger.info("orchestrator rejected the request; asking another if one is free", {
        request_id: job.requestId,
        orchestrator: o.url,
        attempt: n,
        status: result.status,
      });
      return undefined;
    }
    case "busy":
      // Not a failure: the orchestrator may take this job after Retry-After, so it stays a candidate; until one of
      // our jobs there ends or its /info says otherwise, it counts as full. A 503 holds back only this pipeline and
      // model there (its other models have slots of their own), a 429 the whole orchestrator.
      (result.capability ? o.capabilityBackoff(job.pipeline, job.modelId) : o.backoff).busy(
        Date.now(),
        result.retryAfterMs,
      );
      o.refused(job.pipeline, job.modelId);
      tally.busy(o.url, result.reason);
      ctx.logger.info("orchestrator busy; held back for its Retry-After", {
        request_id: job.requestId,
        orchestrator: o.url,
        attempt: n,
        reason: result.reason,
        retry_after_ms: result.retryAfterMs,
      });
      return undefined;
    case "failed": {
      run.tried.add(o.url);
      stats.failure();
      // A failure of this pipeline and model (a 5xx answer) holds back only them there; one of the orchestrator
      // itself (unreachable, timed out, our secret refused) holds back all of it.
      const backoff = result.capability ? o.capabilityBackoff(job.pipeline, job.modelId) : o.backoff;
      const hold = result.stalled ? backoff.stalled(Date.now()) : backoff.fail(Date.now());
      // The orchestrator itself failed (unreachable, timed out): ask its `/info` now rather than at the next round, so
      // a job that would try it again waits for it while it is down instead of spending its attempts on it. Also
      // when its answer says its `/info` is stale (a model it no longer serves).
      if (!result.capability || result.stale) void ctx.registry.poll(o);
      tally.failed(n, o.url, result.reason, result.capability ? { backoff, hold, stats } : undefined, result.bad);
      ctx.logger.warn("attempt failed; orchestrator held back", {
        request_id: job.requestId,
        orchestrator: o.url,
        attempt: n,
        reason: result.reason,
        hold_ms: hold.ms,
        held: result.capability ? `${job.pipeline}/${job.modelId}` : "orchestrator",
      });
      return undefined;
    }
    case "local_error":
      // Our own exhaustion, or our output store's failure: the orchestrator did its part, so its stats and backoff
      // stay as they are, and another would not fare better.
      ctx.logger.error(
        result.store
          ? "output store failed; orchestrator not held back"
          : "attempt failed on a local resource; orchestrator not held back",
        { request_id: job.requestId, orchestrator: o.url, attempt: n, reason: result.reason },
      );
      return {
        kind: "unavailable",
        msg: result.store ? "the gateway could not store the job's outputs right now; retry later" : SHORT_OF_RESOURCES,
        detail: `attempt ${n} on ${o.url}: ${result.reason}`,
        retryAfterSeconds: 5,
      };
  }
}

/** Holds back the pipeline and model on `o`, whose 4xx to this job another orchestrator has just served. */
function holdRejecter(ctx: DispatchContext, { job }: Run, o: Orchestrator): void {
  o.stats(job.pipeline, job.modelId).failure();
  const hold = o.capabilityBackoff(job.pipeline, job.modelId).fail(Date.now());
  ctx.logger.warn("orchestrator rejected a request another served; held back", {
    request_id: job.requestId,
    orchestrator: o.url,
    hold_ms: hold.ms,
    held: `${job.pipeline}/${job.modelId}`,
  });
}

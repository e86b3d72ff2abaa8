/**
 * @module Runs claimed asynchronous jobs through the same `dispatch` as synchronous ones (selection, retries, output
 * storage), each with an AbortSignal: a cancel aborts the call to the orchestrator (which stops the runner at its next
 * step), a lost lease stops it without writing — lost as a heartbeat finds it taken over, or as it runs out without
 * a renewal (the store unreachable: another broadcaster may take the job over from then on) — and a stop lets the
 * running jobs go on to their end within the shutdown grace, then hands those still running back to the queue. A
 * job taken over more often than `maxTakeovers` (its runs keep dying) ends failed instead of running once more.
 * Progress goes to the
 * store through `onProgress`, throttled; its source is pluggable (see {@link ProgressSource}).
 */
import { rm } from "node:fs/promises";
import type { Logger } from "@ai-video-subnet/server-kit";
import { type DispatchContext, type DispatchResult, dispatch } from "../jobs/dispatch.js";
import { alsoNeedsOf } from "../jobs/job.js";
import { isLocalFailure, SHORT_OF_RESOURCES } from "../jobs/own-failures.js";
import type { Orchestrator } from "../orchestrators/orchestrator.js";
import { unavailableReason } from "./availability.js";
import { restoreBody } from "./inputs.js";
import type { AsyncJobMetrics } from "./metrics.js";
import type { JobOutcome, JobProgress } from "./model.js";
import { outcomeOf, tooManyTakeovers } from "./outcomes.js";
import { settlesWithin } from "./postgres-connection.js";
import { type ProgressWriter, progressWriter } from "./progress-writer.js";
import { recordEnd } from "./record-end.js";
import { runRequestId } from "./run-request-id.js";
import { leaseExpiry, type Phase, type Running, Stop } from "./run-state.js";
import { storable } from "./storable-text.js";
import type { Claim, HeldJob, JobStore } from "./store.js";

/**
 * How long a step that failed on this gateway's own account (a local resource ran out, or the output store failed)
 * is tried again, ms; the lease bounds it too. See `own-failures.ts`.
 */
const LOCAL_RETRY_MS = 60_000;

/**
 * Where per-step progress of one attempt comes from: called as the attempt starts; calls `onProgress` for each step
 * until `signal` aborts. It may return a promise that settles once it has read all the attempt has to tell: after a
 * successful attempt the job's result waits for it (up to `SETTLE_MS`), so its last step comes before the result.
 * The orchestrator's `GET /progress/{request_id}` stream plugs in here (`requestId` is the one the run sent upstream:
 * see `runRequestId`); without a source a job reports 0 when it starts and 1 when it succeeds.
 */
export type ProgressSource = (
  attempt: { orchestrator: Orchestrator; requestId: string; signal: AbortSignal },
  onProgress: (progress: JobProgress) => void,
) => Promise<void> | void;

/** What the executor needs. */
export interface ExecutorContext {
  dispatch: DispatchContext;
  store: JobStore;
  /** Where large inputs are spooled while their job runs. */
  uploadDir: string;
  logger: Logger;
  metrics: AsyncJobMetrics;
  progressSource?: ProgressSource;
  /** Least time between two progress writes of one job, ms (default 250). */
  progressIntervalMs?: number;
  /**
   * Lease of a claim, ms: a job whose lease was last renewed (by a heartbeat that reached the store) this long ago
   * is stopped, since another broadcaster may take it over from then on (default: never).
   */
  leaseMs?: number;
  /**
   * The most takeovers a job may have had and still run (see `JobRecord.takeovers`); a claim past it ends the job
   * failed instead of running it once more (default: no limit).
   */
  maxTakeovers?: number;
}

/**
 * Runs jobs the store hands out.
 * @example const ex = new JobExecutor(ctx); await store.start({ runJob: (c) => ex.run(c), onHeartbeat: (h, t) => ex.heartbeat(h, t), running: () => ex.runningIds(), … });
 */
export class JobExecutor {
  readonly #ctx: ExecutorContext;
  readonly #running = new Map<string, Running>();
  #stopping = false;
  /** Jobs handed back to the queue by `drain` (their grace ran out). */
  #handedBack = 0;

  constructor(ctx: ExecutorContext) {
    this.#ctx = ctx;
  }

  /** Jobs running here now. */
  get size(): number {
    return this.#running.size;
  }

  /** The ids of the jobs running here now (the ones whose leases a heartbeat renews). */
  runningIds(): string[] {
    return [...this.#running.keys()];
  }

  /**
   * Runs a claimed job to its end. A claim that arrives once this broadcaster is stopping (a queue entry taken as the
   * stop began) goes back to the queue unstarted: a stopping broadcaster starts no job.
   */
  async run(claim: Claim): Promise<void> {
    const { job } = claim;
    this.#running.get(job.id)?.controller.abort(new Stop("lost"));
    if (this.#stopping) {
      await this.#ctx.store.release(claim);
      return;
    }
    const { metrics } = this.#ctx;
    // A run after a hand-back (its holder stopped and released it) is not a takeover: only a lease that ran out is.
    if (claim.takenOver) metrics.takeovers.inc();
    metrics.queueSeconds.observe({ pipeline: job.pipeline }, (Date.now() - job.createdAt) / 1000);
    const controller = new AbortController();
    let settle = () => {};
    const now = Date.now();
    const entry: Running = {
      claim,
      controller,
      claimedAt: now,
      renewedAt: claim.leasedAt ?? now,
      phase: "preparing",
      done: new Promise((r) => (settle = r)),
    };
    this.#running.set(job.id, entry);
    this.#armExpiry(entry);
    metrics.running.inc();
    try {
      if (job.cancelRequested) controller.abort(new Stop("cancelled"));
      await this.#execute(claim, controller.signal, entry);
    } finally {
      clearTimeout(entry.expiry);
      metrics.running.dec();
      if (this.#running.get(job.id) === entry) this.#running.delete(job.id);
      settle();
    }
  }

  /** Stops a job running here because its cancel was asked for (through any broadcaster). */
  cancel(jobId: string): void {
    this.#running.get(jobId)?.controller.abort(new Stop("cancelled"));
  }

  /**
   * Compares the jobs running here with what the store's heartbeat found held by this broadcaster at `since`: a job
   * missing (or held under another run) was taken over, a flagged one was cancelled.
   */
  heartbeat(held: HeldJob[], since: number): void {
    const byId = new Map(held.map((h) => [h.id, h]));
    for (const [id, r] of this.#running) {
      const h = byId.get(id);
      if (h && h.run === r.claim.run && since > r.renewedAt) {
        r.renewedAt = since;
        this.#armExpiry(r);
      }
      if (r.claimedAt >= since) continue;
      if (!h || h.run !== r.claim.run) r.controller.abort(new Stop("lost"));
      else if (h.cancelRequested) r.controller.abort(new Stop("cancelled"));
    }
  }

  /**
   * (Re)arms the stop of a job at the end of its lease as this broadcaster knows it. The lease was renewed by a
   * write sent at `renewedAt`, so it lasts at least until `renewedAt + leaseMs` on the store's clock too; past that
   * without a renewal (the heartbeats cannot reach the store) another broadcaster's sweep may take the job over, and
   * this one stops it first rather than run it twice.
   */
  #armExpiry(r: Running): void {
    const leaseMs = this.#ctx.leaseMs;
    if (leaseMs === undefined) return;
    clearTimeout(r.expiry);
    r.expiry = setTimeout(() => r.controller.abort(new Stop("expired")), r.renewedAt + leaseMs - Date.now());
    r.expiry.unref();
  }

  /**
   * Moves a run to `phase`. Once this broadcaster is stopping, a run about to wait for capacity or to send a new
   * attempt is handed back instead: it would only start upstream work the grace may cut short.
   */
  #enter(r: Running, phase: Phase): void {
    r.phase = phase;
    if (this.#stopping && (phase === "waiting" || phase === "upstream")) r.controller.abort(new Stop("shutdown", true));
  }

  /**
   * Stops this broadcaster's jobs gracefully: no job starts here from now on; the jobs that have not reached an
   * orchestrator (their inputs being read, or waiting for capacity) are handed back at once, as nothing of them is
   * lost; the others go on to their end for up to `graceMs` (progress, events, webhooks and results as usual; the
   * store's heartbeats keep renewing their leases), and those still running then are handed back to the queue (their
   * upstream calls aborted), so another broadcaster takes them at once rather than after their leases run out. One
   * of them that would wait for capacity or send another attempt meanwhile is handed back then. Resolves once each
   * job has ended or been handed back, with the number handed back. A `graceMs` of 0 hands every running job back at
   * once.
   * @example const handedBack = await executor.drain(10_000);
   */
  async drain(graceMs: number): Promise<number> {
    this.#stopping = true;
    const before = this.#handedBack;
    for (const r of this.#running.values()) {
      if (r.phase === "preparing" || r.phase === "waiting") r.controller.abort(new Stop("shutdown", true));
    }
    const all = [...this.#running.values()];
    if (all.length > 0 && graceMs > 0) {
      this.#ctx.logger.info("waiting for running async jobs to end", {
        running: all.length,
        shutdown_grace_s: graceMs / 1000,
      });
      await settlesWithin(Promise.all(all.map((r) => r.done)), graceMs);
    }
    const left = [...this.#running.values()];
    for (const r of left) r.controller.abort(new Stop("shutdown"));
    await Promise.all(left.map((r) => r.done));
    const handedBack = this.#handedBack - before;
    if (handedBack > 0 || left.length > 0) {
      this.#ctx.logger.info("async jobs handed back", {
        handed_back: handedBack,
        running_at_grace_end: left.length,
        shutdown_grace_s: graceMs / 1000,
      });
    }
    return handedBack;
  }

  async #execute(claim: Claim, signal: AbortSignal, run: Running): Promise<void> {
    const ctx = this.#ctx;
    const { job } = claim;
    const spooled: string[] = [];
    const progress = progressWriter(ctx.store, claim, ctx.progressIntervalMs ?? 250);
    let outcome: JobOutcome | undefined;
    const upstreamRequestId = runRequestId(job.id, claim.run);
    try {
      signal.throwIfAborted();
      outcome =
        tooManyTakeovers(job, ctx.maxTakeovers) ??
        outcomeOf(await this.#dispatch(claim, signal, spooled, progress, upstreamRequestId, run));
      run.phase = "ending";
    } catch (err) {
      const stop = signal.aborted && signal.reason instanceof Stop ? signal.reason : undefined;
      if (stop?.kind === "lost") return this.#log("warn", claim, "lease lost; another broadcaster runs the job");
      if (stop?.kind === "expired") {
        const { msg, fields } = leaseExpiry(run, ctx.leaseMs ?? 0, Date.now());
        return this.#log("warn", claim, msg, fields);
      }
      if (stop?.kind === "shutdown") {
        await progress.flush();
        let released: boolean;
        try {
          released = await ctx.store.release(claim);
        } catch (e) {
          return this.#log("warn", claim, "could not hand the job back; it runs again once its lease runs out", {
            error: (e as Error).message,
          });
        }
        if (!released) return this.#log("warn", claim, "lease lost before the job was handed back");
        this.#handedBack += 1;
        ctx.metrics.handbacks.inc();
        if (stop.early) return this.#log("info", claim, "handed back to the queue: stopping, and not upstream yet");
        return this.#log("info", claim, "handed back to the queue: the shutdown grace ran out");
      }
      if (stop?.kind === "cancelled") outcome = { status: "cancelled" };
      else {
        // Out of a local resource for as long as the run tried (the inputs' spool): the message of the other cases.
        const error = isLocalFailure(err)
          ? { status: 503, detail: { msg: SHORT_OF_RESOURCES } }
          : { status: 500, detail: { msg: `internal error: ${(err as Error).message}` } };
        this.#log("error", claim, "job could not run", { error: (err as Error).message });
        outcome = { status: "failed", error };
      }
    } finally {
      await Promise.all(spooled.map((p) => rm(p, { force: true })));
    }
    await progress.flush();
    // An orchestrator's message is kept as the job's error: text PostgreSQL cannot hold would fail the write each time.
    if (outcome.status === "failed") outcome = { status: "failed", error: storable(outcome.error) };
    // Perhaps written all the same (a commit whose answer was lost): its outputs stay.
    const unrecorded = (status: JobOutcome["status"], err: unknown) =>
      this.#log("warn", claim, "could not record the job's end; it runs again once its lease runs out", {
        status,
        error: (err as Error).message,
      });
    let ended: boolean;
    try {
      ended = await this.#finish(claim, outcome, signal);
    } catch (err) {
      if (unavailableReason(err) !== undefined) return unrecorded(outcome.status, err);
      // The store answered and refused this outcome: it would refuse it after every run again, so the job ends here.
      const refused = outcome;
      outcome = {
        status: "failed",
        error: {
          status: 500,
          detail: {
            msg: `internal error: the job store refused to record how the job ended (${(err as Error).message})`,
          },
        },
      };
      try {
        ended = await this.#finish(claim, outcome, signal);
      } catch (again) {
        return unrecorded(outcome.status, again);
      }
      if (refused.status === "succeeded") await this.#drop(refused.media);
      if (ended) {
        this.#log("error", claim, "the job store refused the job's outcome; the job ended failed instead", {
          refused_status: refused.status,
          error: (err as Error).message,
        });
      }
    }
    if (!ended) {
      if (outcome.status === "succeeded") await this.#drop(outcome.media);
      return this.#log("warn", claim, "lease lost before the job ended; its outcome was dropped");
    }
    ctx.metrics.ended.inc({ pipeline: job.pipeline, status: outcome.status });
    ctx.metrics.jobSeconds.observe(
      { pipeline: job.pipeline, status: outcome.status },
      (Date.now() - job.createdAt) / 1000,
    );
    this.#log(outcome.status === "failed" ? "warn" : "info", claim, "async job done", {
      status: outcome.status,
      ...(outcome.status === "failed" ? { error_status: outcome.error.status } : {}),
    });
  }

  /** Records how the run ended (see {@link recordEnd}), given up on once the run no longer holds the job. */
  #finish(claim: Claim, outcome: JobOutcome, signal: AbortSignal): Promise<boolean> {
    const stop = () => (signal.aborted && signal.reason instanceof Stop ? signal.reason.kind : undefined);
    return recordEnd(this.#ctx.store, claim, outcome, {
      // A cancelled run still holds the job (it records the cancel); a lost, expired or handed-back one does not.
      holds: () => stop() === undefined || stop() === "cancelled",
      onFirstFailure: (err) =>
        this.#log("warn", claim, "could not record the job's end; trying again while the run holds the job", {
          status: outcome.status,
          error: err.message,
        }),
    });
  }

  /** Sends the job through `dispatch` (its inputs restored from the store, large ones spooled into `spooled`). */
  async #dispatch(
    claim: Claim,
    signal: AbortSignal,
    spooled: string[],
    progress: ProgressWriter,
    upstreamRequestId: string,
    run: Running,
  ): Promise<DispatchResult> {
    const ctx = this.#ctx;
    const { job } = claim;
    const body = await restoreBody(ctx.store, job, ctx.uploadDir, spooled, { signal, retryMs: LOCAL_RETRY_MS });
    const alsoNeeds = alsoNeedsOf(job.pipeline, body);
    return dispatch(
      ctx.dispatch,
      {
        pipeline: job.pipeline,
        modelId: job.modelId,
        body,
        multipart: job.multipart,
        requestId: job.requestId,
        upstreamRequestId,
        units: job.units,
        ...(alsoNeeds ? { alsoNeeds } : {}),
        localRetryMs: LOCAL_RETRY_MS,
        ...(job.keepMs !== undefined ? { outputKeepMs: job.keepMs } : {}),
      },
      `/${job.pipeline}`,
      signal,
      {
        onAttempt: (o, s) => {
          this.#enter(run, "upstream");
          return ctx.progressSource?.({ orchestrator: o, requestId: upstreamRequestId, signal: s }, progress.push);
        },
        onWait: () => {
          this.#enter(run, "waiting");
          if (!signal.aborted) progress.waiting();
        },
      },
    );
  }

  /** Removes the outputs of an outcome that was not recorded. */
  async #drop(media: readonly { name: string }[]): Promise<void> {
    await Promise.all(media.map((m) => this.#ctx.dispatch.store.delete(m.name)));
  }

  #log(level: "info" | "warn" | "error", claim: Claim, msg: string, fields: Record<string, unknown> = {}): void {
    const { job } = claim;
    this.#ctx.logger[level](msg, {
      request_id: job.requestId,
      job_id: job.id,
      pipeline: job.pipeline,
      model_id: job.modelId,
      run: claim.run,
      upstream_request_id: runRequestId(job.id, claim.run),
      ...fields,
    });
  }
}

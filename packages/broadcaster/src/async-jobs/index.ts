/**
 * @module Asynchronous jobs of a broadcaster, wired together: the job store (SQLite or PostgreSQL, by the `jobs-db`
 * setting), the executor that runs claimed jobs through `dispatch`, webhook delivery, the `jobs` routes and the
 * `Prefer: respond-async` form of the generate routes.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Logger, TypedRouteMounter } from "@ai-video-subnet/server-kit";
import type { Context, MiddlewareHandler } from "hono";
import type { operations } from "../generated/gateway.js";
import type { DispatchContext } from "../jobs/dispatch.js";
import type { Job } from "../jobs/job.js";
import type { BroadcasterMetrics } from "../server/metrics.js";
import { ChangeHub } from "./change-hub.js";
import { OpenStreams } from "./event-stream.js";
import { JobExecutor, type ProgressSource } from "./executor.js";
import { mountJobRoutes } from "./job-routes.js";
import { createAsyncJobMetrics } from "./metrics.js";
import { isPostgresUrl } from "./options.js";
import { followOrchestratorProgress } from "./orchestrator-progress.js";
import { PostgresJobStore } from "./postgres-store.js";
import { SqliteJobStore } from "./sqlite-store.js";
import type { Claim, JobStore } from "./store.js";
import { prefersAsync, type Refusal, type SubmitContext, submitJob } from "./submit.js";
import { deliverWebhook, type WebhookPolicy } from "./webhooks.js";

export type { ProgressSource } from "./executor.js";
export { followOrchestratorProgress, overallFraction } from "./orchestrator-progress.js";
export type { JobStore } from "./store.js";
export { prefersAsync } from "./submit.js";

/** How asynchronous jobs are kept and run. */
export interface AsyncJobsSettings {
  /** A SQLite file path, or a `postgres://` URL shared by several broadcasters. */
  db: string;
  /** PostgreSQL schema of the store (ignored for SQLite). */
  schema: string;
  /** PostgreSQL: longest connecting or one query may take, ms; past it the request gets 503 (default 5 000). */
  timeoutMs?: number;
  /** Jobs this broadcaster runs at once. */
  concurrency: number;
  /** The most jobs one API key (or all callers, without keys) may have queued or running (default: no limit). */
  maxActivePerKey?: number;
  /** The most event streams one API key (or all callers, without keys) may have open here (default: no limit). */
  maxStreamsPerKey?: number;
  /** Lease of a running job; a broadcaster that stops renewing it loses the job to another after this long. */
  leaseMs: number;
  /** PostgreSQL: `here` starts an accepted job in this broadcaster at once when it has a free slot; `queue` never. */
  start: "here" | "queue";
  /** Least time between two progress writes of one job, ms. */
  progressIntervalMs: number;
  /**
   * How long the jobs submitted here are kept once they end (each keeps it, whichever broadcaster sweeps), and
   * those of older releases, without a retention of their own, are kept by this broadcaster's sweep.
   */
  retentionMs: number;
  /** The most times a job is run again after its run stopped without ending it (default: no limit). */
  maxTakeovers?: number;
  webhooks: WebhookPolicy;
}

/** What asynchronous jobs use of the broadcaster. */
export interface AsyncJobsDeps {
  dispatch: DispatchContext;
  uploadDir: string;
  logger: Logger;
  metrics: BroadcasterMetrics;
  publicUrl: string | undefined;
  trustProxy?: string[];
  /** Per-step progress of a running job (default: the orchestrator's `GET /progress/{request_id}`). */
  progressSource?: ProgressSource;
}

/** A broadcaster's asynchronous jobs. */
export interface AsyncJobs {
  readonly store: JobStore;
  /** Resolves when the store is open. */
  readonly ready: Promise<void>;
  /** Queues the job of a generate request and answers 202, or answers `refusal` (see `submitJob`). */
  submit(c: Context, job: Job, refusal?: Refusal): Promise<Response>;
  /** Mounts the `jobs` routes behind `guards`. */
  mount(route: TypedRouteMounter<operations>, ...guards: MiddlewareHandler[]): void;
  /** Whether new jobs can be taken: not while stopping, nor while the store cannot be reached (`/ready` says why). */
  readiness(): { ready: true } | { ready: false; reason: string };
  /** Starts running queued jobs and sending webhooks. */
  start(): Promise<void>;
  /**
   * Stops taking new jobs at once and ends the event streams (clients reconnect); lets the running jobs go on to
   * their end for up to `graceMs` (default 0), then hands those still running back to the queue. Resolves once each
   * has ended or been handed back.
   */
  stop(graceMs?: number): Promise<void>;
  /** Closes the store (after `stop()` and once the server has closed). */
  close(): Promise<void>;
}

/**
 * Whether a request asks for the asynchronous form.
 * @example if (wantsAsync(c)) return jobs.submit(c, job);
 */
export function wantsAsync(c: Context): boolean {
  return prefersAsync(c.req.header("prefer"));
}

function openStore(s: AsyncJobsSettings, logger: Logger): JobStore {
  if (isPostgresUrl(s.db)) {
    return new PostgresJobStore({ url: s.db, schema: s.schema, timeoutMs: s.timeoutMs, log: logger });
  }
  return new SqliteJobStore(s.db, logger);
}

/**
 * Creates the asynchronous jobs of a broadcaster (the store opens at once; nothing runs until `start()`).
 * @example const jobs = createAsyncJobs(settings, deps); await jobs.ready; await jobs.start();
 */
export function createAsyncJobs(settings: AsyncJobsSettings, deps: AsyncJobsDeps): AsyncJobs {
  const { logger } = deps;
  const store = openStore(settings, logger);
  const metrics = createAsyncJobMetrics(deps.metrics.registry);
  const executor = new JobExecutor({
    dispatch: deps.dispatch,
    store,
    uploadDir: deps.uploadDir,
    logger,
    metrics,
    progressSource: deps.progressSource ?? followOrchestratorProgress,
    progressIntervalMs: settings.progressIntervalMs,
    leaseMs: settings.leaseMs,
    ...(settings.maxTakeovers !== undefined ? { maxTakeovers: settings.maxTakeovers } : {}),
  });
  const ready = store.init();
  ready.catch(() => {});
  let hub: ChangeHub | undefined;
  const hubReady = ready.then(() => {
    hub = new ChangeHub(store, (id) => executor.cancel(id));
  });
  hubReady.catch(() => {});
  let sweep: NodeJS.Timeout | undefined;
  let started = false;
  const holder = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  let stopping = false;
  /** Aborted as the broadcaster stops: webhook deliveries in flight end then (see `stop`). */
  const deliveriesStop = new AbortController();
  // PostgreSQL, `jobs-start here`: a job this broadcaster has room for is created already claimed by it, in the
  // creating statement, skipping the queue's insert, wake-up and `get_job` and a second write.
  const pgStore = settings.start === "here" && store instanceof PostgresJobStore ? store : undefined;
  // Slots taken by jobs being claimed, not yet running: the jobs started here and those the queue's runners take
  // share `concurrency` (before, each counted apart, and a burst ran up to twice it).
  let reserved = 0;
  const reserveSlot = () => {
    if (executor.size + reserved >= settings.concurrency) return false;
    reserved += 1;
    return true;
  };
  // The queue's runners waiting for a slot (see `slotFreed`): each is woken when a job ends or a slot is given back.
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiting]) w();
  };
  const releaseSlot = () => {
    reserved -= 1;
    wake();
  };
  const slotFreed = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiting.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiting.add(done);
      signal.addEventListener("abort", done, { once: true });
      if (signal.aborted) done();
    });
  const runHere = (claim: Claim) => executor.run(claim).finally(wake);
  const here: SubmitContext["here"] = pgStore && {
    wanted() {
      if (!started || stopping || !reserveSlot()) return undefined;
      return { holder, leaseMs: settings.leaseMs };
    },
    start(claim) {
      // The executor counts it from here on (it registers the job before its first await); stopping, it hands the
      // job back to the queue.
      releaseSlot();
      runHere(claim).catch(async (err: Error) => {
        logger.warn("a job started here failed to run; it goes through the queue", {
          job_id: claim.job.id,
          error: err.message,
        });
        await pgStore.enqueue(pgStore.pool, claim.job.id).catch(() => {});
      });
    },
    cancelled: releaseSlot,
  };

  return {
    store,
    ready: hubReady,
    submit: (c, job, refusal) =>
      submitJob(
        {
          store,
          publicUrl: deps.publicUrl,
          trustProxy: deps.trustProxy,
          here,
          keepMs: settings.retentionMs,
          ...(settings.maxActivePerKey !== undefined ? { maxActive: settings.maxActivePerKey } : {}),
          ...(settings.webhooks.addresses ? { webhookAddresses: settings.webhooks.addresses } : {}),
        },
        c,
        job,
        refusal,
      ),
    mount(route, ...guards) {
      const ctx = {
        store,
        logger,
        streams: new OpenStreams(settings.maxStreamsPerKey ?? Number.POSITIVE_INFINITY),
        get hub(): ChangeHub {
          if (!hub) throw new Error("the job store is not open yet");
          return hub;
        },
      };
      mountJobRoutes(route, ctx, ...guards);
    },
    readiness() {
      if (stopping) {
        return { ready: false, reason: "stopping: running jobs end within the shutdown grace or go back to the queue" };
      }
      const state = store.availability;
      if (!state.reachable) return { ready: false, reason: `job store unavailable: ${state.summary}` };
      return { ready: true };
    },
    async start() {
      await hubReady;
      started = true;
      await store.start({
        holder,
        concurrency: settings.concurrency,
        leaseMs: settings.leaseMs,
        deliveryTimeoutMs: settings.webhooks.timeoutMs,
        runJob: runHere,
        reserveSlot,
        releaseSlot,
        slotFreed,
        running: () => executor.runningIds(),
        onHeartbeat: (held, since) => executor.heartbeat(held, since),
        deliver: async (d) => {
          const r = await deliverWebhook(d, settings.webhooks, Date.now, deliveriesStop.signal);
          metrics.deliveries.inc({ outcome: r.ok ? "delivered" : r.retryAt !== undefined ? "retry" : "failed" });
          if (!r.ok) {
            logger.info("webhook delivery failed", {
              job_id: d.jobId,
              webhook_id: d.id,
              event: d.event,
              attempt: d.attempts + 1,
              error: r.error,
              retry_at: r.retryAt === undefined ? undefined : new Date(r.retryAt).toISOString(),
            });
          }
          return r;
        },
      });
      const clean = () =>
        store
          .cleanup(Date.now() - settings.retentionMs)
          .then((n) => n > 0 && logger.info("expired jobs removed", { count: n }))
          .catch((err) => logger.warn("job cleanup failed", { error: (err as Error).message }));
      void clean();
      sweep = setInterval(clean, Math.min(3600_000, Math.max(1000, settings.retentionMs / 10))).unref();
      logger.info("async jobs running", {
        store: store.kind,
        holder,
        concurrency: settings.concurrency,
        lease_ms: settings.leaseMs,
      });
    },
    async stop(graceMs = 0) {
      stopping = true;
      if (sweep) clearInterval(sweep);
      // Event streams end first, whatever the store does: their clients reconnect, to another broadcaster.
      hub?.close();
      // No job starts here from now on; the running ones keep their leases (the store's heartbeats go on) while they
      // finish, and those the grace is too short for are handed back, not left for their leases to run out.
      store.stopClaiming();
      if (started) await executor.drain(graceMs);
      // Deliveries in flight are cut short (due again at once, for another broadcaster): a receiver that does not
      // answer held the stop for its whole webhook-timeout-ms.
      deliveriesStop.abort();
      await store.stop();
    },
    async close() {
      await ready.catch(() => {});
      hub?.unwatch();
      await store.close();
    },
  };
}

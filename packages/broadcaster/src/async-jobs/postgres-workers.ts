/**
 * @module Who runs what among broadcasters sharing a PostgreSQL store, on graphile-worker (0.17: the last line that
 * runs on Node 20). Its queue hands each `avs_job` entry to one broadcaster (`SELECT … FOR UPDATE SKIP LOCKED`,
 * woken by its own LISTEN on inserts), which then claims the job row under a lease. Leases are renewed by a
 * heartbeat every third of their length; a broadcaster that stops renewing (killed, partitioned) loses its jobs:
 * every broadcaster's sweep, run with each heartbeat (so a job is taken over within a lease and a heartbeat of its
 * holder's last renewal), re-adds the queue entry of a job whose lease ran out, or of a queued job whose entry a
 * dead broadcaster took before claiming it (graphile-worker's `job_key` replace mode retires the locked entry and
 * inserts a fresh one), and the claim's run number fences the old holder's writes. Webhook deliveries are
 * `avs_webhook` entries, scheduled at their next attempt and leased while one is sent; the sweep re-queues a delivery
 * whose sender died mid-attempt the same way. The entries so retired under a dead broadcaster are deleted at start
 * and once per lease (postgres-retired-entries.ts).
 */
import { Logger, makeWorkerUtils, type Runner, type RunnerOptions, run, type WorkerUtils } from "graphile-worker";
import type pg from "pg";
import { unavailableReason } from "./availability.js";
import {
  claimRetryDelay,
  FULL_WAIT_MS,
  type JobEntry,
  MAX_CLAIM_REFUSALS,
  retryClaim,
} from "./postgres-claim-retry.js";
import { limitedPool } from "./postgres-connection.js";
import { postponeDelivery, recordDelivery, takeDelivery } from "./postgres-deliveries.js";
import { dropRetiredEntries } from "./postgres-retired-entries.js";
import { failUnclaimable } from "./postgres-runs.js";
import type { PostgresJobStore } from "./postgres-store.js";
import { type Claim, DELIVERIES_AT_ONCE, DELIVERY_LANES, type Workers } from "./store.js";

/** Connections of the queue's pool: its runners' two LISTEN connections, and four for taking and ending entries. */
const QUEUE_POOL_SIZE = 6;

/**
 * graphile-worker's log lines, for what they are: its errors and warnings as `graphile-worker` warnings, the rest
 * at debug, and so are those about a store that cannot be reached (the store's own state, logged once per outage,
 * says it). Its warning that the pool is smaller than the concurrency is expected, and at debug too: a worker
 * holds a connection only while it takes or ends an entry, never while its job runs, and a fleet of broadcasters
 * shares the database's connections.
 */
function workerLogger(store: PostgresJobStore): Logger {
  return new Logger(() => (level, message, meta) => {
    const error = (meta as { error?: unknown } | undefined)?.error;
    const poolSize = meta !== undefined && "max" in meta && "concurrency" in meta;
    const quiet = (level !== "error" && level !== "warning") || poolSize || unavailableReason(error) !== undefined;
    store.log?.[quiet ? "debug" : "warn"]?.("graphile-worker", { worker_level: level, message });
  });
}

/**
 * The job and webhook runners of one broadcaster, and its heartbeat.
 * @example const w = new PgWorkers(store, workers, log); await w.start(); … await w.stop();
 */
export class PgWorkers {
  readonly #store: PostgresJobStore;
  readonly #w: Workers;
  #runners: Runner[] = [];
  /** The runners that take `avs_job` entries (the others send webhooks). */
  readonly #jobRunners = new WeakSet<Runner>();
  /** The job runners' graceful stop, from `stopClaiming` on: it resolves once their handlers have returned. */
  #claimsStopped: Promise<unknown> | undefined;
  #pool: pg.Pool | undefined;
  #closePool: ((ms: number) => Promise<void>) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #beating = false;
  /** graphile-worker's admin functions, on the queue's pool: they delete retired entries. */
  #utils: WorkerUtils | undefined;
  #beats = 0;
  /** Deliveries being sent, per sender (see DELIVERY_LANES). */
  readonly #sending = new Map<string, number>();
  #stopping = false;
  /** Aborted as claiming stops: runners waiting for a slot stop waiting. */
  readonly #stop = new AbortController();

  constructor(store: PostgresJobStore, workers: Workers) {
    this.#store = store;
    this.#w = workers;
  }

  #trouble = (err: Error) => this.#store.trouble("the queue", err);

  async start(): Promise<void> {
    // graphile-worker's own statements (taking, finishing and retrying queue entries) commit without waiting for the
    // WAL flush: an entry whose commit a database crash loses is taken again, and its claim then finds the job taken
    // or done. The store's own writes (the job, its outcome) stay durable.
    const { default: pg } = await import("pg");
    const { pool, close } = limitedPool(
      pg,
      {
        connectionString: this.#store.url,
        max: QUEUE_POOL_SIZE,
        application_name: "avs-broadcaster-queue",
        options: "-c synchronous_commit=off",
      },
      this.#store.timeoutMs,
    );
    pool.on("error", this.#trouble);
    pool.on("connect", (client) => client.on("error", this.#trouble));
    this.#pool = pool;
    this.#closePool = close;
    const common = {
      pgPool: pool,
      schema: this.#store.names.queueSchema,
      noHandleSignals: true,
      // Entries added by another broadcaster arrive through graphile-worker's LISTEN; polling only catches entries
      // scheduled for later (webhook retries) and wake-ups lost to a dropped connection.
      pollInterval: 1000,
      logger: workerLogger(this.#store),
      // Finishing and failing entries through graphile-worker's batcher (after 0 ms), whose error handler logs and
      // stops the runner (started again by #run): unbatched, it calls completeJob without awaiting or catching it, so a
      // store unreachable at that moment was an unhandled rejection, which ends a Node process.
      preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    };
    const w = this.#w;
    const store = this.#store;
    await Promise.all([
      this.#run({
        ...common,
        concurrency: w.concurrency,
        taskList: {
          avs_job: async (payload) => {
            const entry = payload as JobEntry;
            // Stopping: leave the job to another broadcaster (a fresh entry replaces the one this handler holds).
            if (this.#stopping) return store.enqueue(store.pool, entry.id);
            // Every slot taken (jobs started here count too): wait a while for one, then hand the entry back to
            // whichever broadcaster has room.
            if (w.reserveSlot && !(await this.#slot(w))) {
              return this.#stopping
                ? store.enqueue(store.pool, entry.id)
                : retryClaim(this.#pool!, store.names, entry, 0);
            }
            let claim: Claim | undefined;
            try {
              claim = await store.claim(entry.id, w.holder, w.leaseMs);
            } catch (err) {
              w.releaseSlot?.();
              return this.#claimFailed(entry, err);
            }
            // The slot passes to the job: the executor counts it from the same tick on.
            w.releaseSlot?.();
            if (claim) await w.runJob(claim);
          },
        },
      }),
      this.#run({
        ...common,
        concurrency: DELIVERIES_AT_ONCE,
        taskList: {
          avs_webhook: async (payload) => {
            const id = (payload as { id: string }).id;
            const due = await takeDelivery(store.pool, store.names, id, w.deliveryTimeoutMs + 2000);
            if (!due) return;
            const lanes = this.#sending.get(due.sender) ?? 0;
            if (lanes >= DELIVERY_LANES) {
              // A lane frees within one attempt's time limit. Half to all of it, at random: a sender's backlog is
              // taken again about once per limit (not four times), spread out rather than all at once.
              const wait = Math.max(250, w.deliveryTimeoutMs * (0.5 + Math.random() / 2));
              return postponeDelivery(store.pool, store.names, id, new Date(Date.now() + wait));
            }
            this.#sending.set(due.sender, lanes + 1);
            try {
              await recordDelivery(store.pool, store.names, id, await w.deliver(due));
            } finally {
              const left = (this.#sending.get(due.sender) ?? 1) - 1;
              if (left > 0) this.#sending.set(due.sender, left);
              else this.#sending.delete(due.sender);
            }
          },
        },
      }),
    ]);
    this.#utils = await makeWorkerUtils({ pgPool: pool, schema: common.schema, logger: common.logger });
    const every = Math.max(50, Math.floor(w.leaseMs / 3));
    this.#timer = setInterval(() => void this.#beat(), every);
    this.#timer.unref();
    void this.#dropRetired();
  }

  /**
   * Deletes the queue entries retired while their broadcaster died holding them (see postgres-retired-entries.ts):
   * at start, then once per lease.
   */
  async #dropRetired(): Promise<void> {
    if (!this.#utils || this.#stopping) return;
    try {
      const { deleted, pools } = await dropRetiredEntries(this.#utils, this.#store.names, this.#w.leaseMs);
      if (deleted > 0) this.#store.log?.info("deleted retired queue entries", { deleted, worker_pools: pools });
    } catch (err) {
      this.#store.trouble("deleting retired queue entries", err);
    }
  }

  /**
   * Takes one of the broadcaster's slots for an entry this runner holds, waiting up to {@link FULL_WAIT_MS} for one
   * to come free (not polling: a job's end wakes it); false when none did, or the broadcaster is stopping. Handing
   * the entry back at once instead would have every idle runner cycle the whole backlog, a few queries per entry.
   */
  async #slot(w: Workers): Promise<boolean> {
    const until = Date.now() + FULL_WAIT_MS;
    while (!w.reserveSlot!()) {
      const left = until - Date.now();
      if (this.#stopping || left <= 0 || !w.slotFreed) return false;
      await w.slotFreed(left, this.#stop.signal);
    }
    if (!this.#stopping) return true;
    w.releaseSlot?.();
    return false;
  }

  /**
   * Claims the job again after a bounded delay (see postgres-claim-retry.ts) rather than let graphile-worker retry
   * the entry after e^attempts seconds; a job whose claim the store refused too often ends failed.
   */
  async #claimFailed(entry: JobEntry, err: unknown): Promise<void> {
    const store = this.#store;
    const reason = unavailableReason(err);
    const error = reason ?? (err as Error).message;
    // A transaction rolled back (SQLSTATE class 40: a deadlock, a serialization failure) is worth trying again too.
    const refused = reason === undefined && !/^40/.test(String((err as { code?: unknown }).code));
    const failures = (entry.failures ?? 0) + 1;
    const refusals = (entry.refusals ?? 0) + (refused ? 1 : 0);
    if (refusals >= MAX_CLAIM_REFUSALS) {
      const msg = `the job store refused to start the job ${refusals} times in a row (${error}); it is not tried again`;
      if (await failUnclaimable(store.pool, store.names, entry.id, msg)) {
        store.log?.error("job failed: its claim was refused too often", { job_id: entry.id, refusals, error });
      }
      return;
    }
    const delayMs = claimRetryDelay(failures);
    store.log?.[reason === undefined ? "warn" : "debug"]?.("could not claim the job; trying again", {
      job_id: entry.id,
      failures,
      error,
      retry_in_ms: delayMs,
    });
    await retryClaim(this.#pool!, store.names, { id: entry.id, failures, refusals }, delayMs);
  }

  /**
   * Starts a graphile-worker runner, and starts it again should it stop while this broadcaster is not stopping:
   * graphile-worker's channels are not per schema, so a breaking migration of any queue schema in the database (a
   * broadcaster or test on another schema starting for the first time) makes every runner in it shut down, and sets
   * `process.exitCode` to 57.
   */
  async #run(options: RunnerOptions): Promise<void> {
    const exitCode = process.exitCode;
    const runner = await run(options);
    if (options.taskList && "avs_job" in options.taskList) this.#jobRunners.add(runner);
    this.#runners.push(runner);
    const ended = () => {
      this.#runners = this.#runners.filter((r) => r !== runner);
      if (this.#stopping) return;
      process.exitCode = exitCode;
      this.#store.log?.warn(
        "graphile-worker stopped (a migration in another schema of the database, or a lost connection); restarting it",
      );
      setTimeout(() => {
        if (!this.#stopping) this.#run(options).catch(this.#trouble);
      }, 100).unref();
    };
    runner.promise.then(ended, ended);
  }

  /**
   * Renews this broadcaster's leases, then re-queues the jobs whose holders stopped renewing theirs. The sweep runs
   * with every beat: once per lease (every third beat, as before) let a job wait up to a whole lease after its lease
   * ran out, twice the lease in all. Its queries use the partial indexes of running and queued jobs and of pending
   * deliveries, so their cost does not grow with the jobs kept for `job-retention-ms`.
   */
  async #beat(): Promise<void> {
    if (this.#beating) return;
    this.#beating = true;
    try {
      const since = Date.now();
      const held = await this.#store.heartbeat(this.#w.holder, this.#w.leaseMs, this.#w.running());
      this.#w.onHeartbeat(held, since);
      await this.#store.requeueExpired(this.#w.leaseMs);
      if (++this.#beats % 3 === 0) await this.#dropRetired();
    } catch (err) {
      this.#store.trouble("the heartbeat", err);
    } finally {
      this.#beating = false;
    }
  }

  /**
   * Stops taking `avs_job` entries at once (graphile-worker's graceful stop of the job runner, which waits for the
   * handlers in progress: their jobs run on). The heartbeat goes on renewing the leases of the jobs running here, and
   * webhooks are still sent, until `stop()`.
   */
  stopClaiming(): void {
    if (this.#claimsStopped) return;
    this.#stopping = true;
    this.#stop.abort();
    const jobRunners = this.#runners.filter((r) => this.#jobRunners.has(r));
    this.#runners = this.#runners.filter((r) => !this.#jobRunners.has(r));
    this.#claimsStopped = Promise.all(jobRunners.map((r) => r.stop().catch(this.#trouble)));
  }

  /**
   * Stops taking entries and renewing leases; waits for the handlers in progress (the executor ends or releases
   * their jobs) and for graphile-worker to record them, each query under the store's time limit; then closes the
   * queue's connections.
   */
  async stop(): Promise<void> {
    this.stopClaiming();
    if (this.#timer) clearInterval(this.#timer);
    const runners = this.#runners;
    this.#runners = [];
    await Promise.all([this.#claimsStopped, ...runners.map((r) => r.stop().catch(this.#trouble))]);
    await this.close(1000);
  }

  /** Closes the queue's connections, destroying those that do not close within `ms` (a `stop()` given up on). */
  async close(ms: number): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearInterval(this.#timer);
    const utils = this.#utils;
    this.#utils = undefined;
    try {
      await utils?.release();
    } catch (err) {
      this.#trouble(err as Error);
    }
    await this.#closePool?.(ms);
    this.#pool = undefined;
  }
}

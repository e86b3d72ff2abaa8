/**
 * @module Who runs what among broadcasters sharing a PostgreSQL store, on graphile-worker (0.17: the last line that
 * runs on Node 20). Its queue hands each `avs_job` entry to one broadcaster (`SELECT … FOR UPDATE SKIP LOCKED`,
 * woken by its own LISTEN on inserts), which then claims the job row under a lease. Leases are renewed by a
 * heartbeat every third of their length; a broadcaster that stops renewing (killed, partitioned) loses its jobs:
 * every broadcaster's sweep re-adds the queue entry of a job whose lease ran out, or of a queued job whose entry a
 * dead broadcaster took before claiming it (graphile-worker's `job_key` replace mode retires the locked entry and
 * inserts a fresh one), and the claim's run number fences the old holder's writes. Webhook deliveries are `avs_webhook` entries, scheduled at their next attempt and
 * leased while one is sent; the sweep re-queues a delivery whose sender died mid-attempt the same way.
 */
import { Logger, type Runner, type RunnerOptions, run } from "graphile-worker";
import type pg from "pg";
import { recordDelivery, takeDelivery } from "./postgres-deliveries.js";
import type { PostgresJobStore } from "./postgres-store.js";
import type { Workers } from "./store.js";

/** Webhook deliveries sent at once by one broadcaster. */
const DELIVERIES_AT_ONCE = 8;

/** graphile-worker's log lines: errors and warnings to `onError`, the rest dropped. */
function quietLogger(onError: (err: Error) => void): Logger {
  return new Logger(() => (level, message) => {
    if (level === "error" || level === "warning") onError(new Error(`graphile-worker: ${message}`));
  });
}

/**
 * The job and webhook runners of one broadcaster, and its heartbeat.
 * @example const w = new PgWorkers(store, workers, log); await w.start(); … await w.stop();
 */
export class PgWorkers {
  readonly #store: PostgresJobStore;
  readonly #w: Workers;
  readonly #onError: (err: Error) => void;
  #runners: Runner[] = [];
  #pool: pg.Pool | undefined;
  #timer: NodeJS.Timeout | undefined;
  #beats = 0;
  #beating = false;
  #stopping = false;

  constructor(store: PostgresJobStore, workers: Workers, onError: (err: Error) => void) {
    this.#store = store;
    this.#w = workers;
    this.#onError = onError;
  }

  async start(): Promise<void> {
    // graphile-worker's own statements (taking, finishing and retrying queue entries) commit without waiting for the
    // WAL flush: an entry whose commit a database crash loses is taken again, and its claim then finds the job taken
    // or done. The store's own writes (the job, its outcome) stay durable.
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({
      connectionString: this.#store.url,
      max: 6,
      application_name: "avs-broadcaster-queue",
      options: "-c synchronous_commit=off",
    });
    pool.on("error", this.#onError);
    pool.on("connect", (client) => client.on("error", this.#onError));
    this.#pool = pool;
    const common = {
      pgPool: pool,
      schema: this.#store.names.queueSchema,
      noHandleSignals: true,
      // Entries added by another broadcaster arrive through graphile-worker's LISTEN; polling only catches entries
      // scheduled for later (webhook retries) and wake-ups lost to a dropped connection.
      pollInterval: 1000,
      logger: quietLogger(this.#onError),
    };
    const w = this.#w;
    const store = this.#store;
    await Promise.all([
      this.#run({
        ...common,
        concurrency: w.concurrency,
        taskList: {
          avs_job: async (payload) => {
            const id = (payload as { id: string }).id;
            // Stopping: leave the job to another broadcaster (a fresh entry replaces the one this handler holds).
            if (this.#stopping) return store.enqueue(store.pool, id);
            const claim = await store.claim(id, w.holder, w.leaseMs);
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
            if (due) await recordDelivery(store.pool, store.names, id, await w.deliver(due));
          },
        },
      }),
    ]);
    const every = Math.max(50, Math.floor(w.leaseMs / 3));
    this.#timer = setInterval(() => void this.#beat(), every);
    this.#timer.unref();
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
    this.#runners.push(runner);
    const ended = () => {
      this.#runners = this.#runners.filter((r) => r !== runner);
      if (this.#stopping) return;
      process.exitCode = exitCode;
      this.#onError(
        new Error("graphile-worker stopped (a migration in another schema of the database); restarting it"),
      );
      setTimeout(() => {
        if (!this.#stopping) this.#run(options).catch(this.#onError);
      }, 100).unref();
    };
    runner.promise.then(ended, ended);
  }

  /** Renews this broadcaster's leases; every third beat, re-queues jobs whose holders stopped renewing theirs. */
  async #beat(): Promise<void> {
    if (this.#beating) return;
    this.#beating = true;
    try {
      const since = Date.now();
      this.#w.onHeartbeat(await this.#store.heartbeat(this.#w.holder, this.#w.leaseMs), since);
      if (this.#beats++ % 3 === 0) await this.#store.requeueExpired(this.#w.leaseMs);
    } catch (err) {
      this.#onError(err as Error);
    } finally {
      this.#beating = false;
    }
  }

  /** Stops taking entries; waits for the handlers in progress (the executor ends or releases their jobs). */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearInterval(this.#timer);
    const runners = this.#runners;
    this.#runners = [];
    await Promise.all(runners.map((r) => r.stop()));
    await this.#pool?.end();
    this.#pool = undefined;
  }
}

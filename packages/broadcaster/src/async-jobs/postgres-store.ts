/**
 * @module The shared job store: PostgreSQL, for several broadcasters behind one address. Job rows, input files,
 * events and webhook deliveries live in the store's schema; which broadcaster runs what is graphile-worker's job
 * (its queue in `<schema>_queue`, see postgres-workers.ts), and the writes of a job's run are in postgres-runs.ts.
 * Every change NOTIFYs the store's channel at commit, so a job made through one broadcaster is streamed and
 * cancelled through any other. Every query runs under the store's time limit (postgres-connection.ts); one that fails because the database cannot be reached throws a
 * `JobStoreUnavailableError` (the app's 503) and marks the store unreachable until a query or the listener's
 * check succeeds again.
 */
import type { Logger } from "@ai-video-subnet/server-kit";
import type pg from "pg";
import { Availability, rethrowUnavailable, type StoreAvailability, unavailableReason } from "./availability.js";
import type { JobOutcome, JobProgress, JobRecord } from "./model.js";
import { DEFAULT_TIMEOUT_MS, idempotentQuery, limitedPool, settlesWithin, shownUrl } from "./postgres-connection.js";
import { claimJob, holdLimit, insertJob } from "./postgres-enqueue.js";
import type { PgChangeListener } from "./postgres-listener.js";
import {
  addQueueEntry,
  announceChange,
  finishRun,
  releaseRun,
  renewLeases,
  requeueExpired,
  writeProgress,
} from "./postgres-runs.js";
import {
  ENDED_NOW,
  jobMigrations,
  migrateTables,
  type PgNames,
  pgNames,
  type Query,
  transaction,
} from "./postgres-schema.js";
import { deleteExpiredJobs } from "./postgres-sweep.js";
import type { PgWorkers } from "./postgres-workers.js";
import { DELIVERY_COLUMNS, type DeliveryRow, deliveryOf, JOB_COLUMNS, type JobRow, recordOf } from "./rows.js";
import { logMigration } from "./schema-versions.js";
import {
  type Claim,
  type CreateOptions,
  type CreateResult,
  chunksOf,
  type HeldJob,
  type JobChange,
  type JobStore,
  type NewJob,
  type Workers,
} from "./store.js";

/** Where the store is. */
export interface PostgresJobStoreOptions {
  /** `postgres://user:password@host:5432/database`. */
  url: string;
  /** Schema of the store's tables (`<schema>_queue` holds graphile-worker's). */
  schema: string;
  /**
   * Longest connecting, waiting for a pooled connection, or one query may take, ms (default 5 000); the server
   * cancels a statement past it too. Past it the store counts as unreachable.
   */
  timeoutMs?: number;
  /**
   * Where the store reports what it gets over by itself: the store becoming unreachable and reachable again (one
   * line each), failed heartbeats and sweeps, graphile-worker's own log lines (default: nowhere).
   */
  log?: Logger;
}

/** How long closing waits for connections to close before destroying their sockets, ms. */
const CLOSE_MS = 1000;

/**
 * Jobs in PostgreSQL.
 * @example const store = new PostgresJobStore({ url: "postgres://127.0.0.1/avs", schema: "avs" }); await store.init();
 */
export class PostgresJobStore implements JobStore {
  readonly kind = "postgres" as const;
  readonly names: PgNames;
  /** The database URL. */
  readonly url: string;
  /** The time limit of connecting and of each query, ms. */
  readonly timeoutMs: number;
  readonly log: Logger | undefined;
  readonly #availability: Availability;
  readonly #listeners = new Set<(change: JobChange) => void>();
  #pool: pg.Pool | undefined;
  #closePool: ((ms: number) => Promise<void>) | undefined;
  #listener: PgChangeListener | undefined;
  #workers: PgWorkers | undefined;
  #stopped: Promise<void> | undefined;

  constructor(o: PostgresJobStoreOptions) {
    this.names = pgNames(o.schema);
    this.url = o.url;
    this.timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.log = o.log;
    const store = shownUrl(o.url);
    this.#availability = new Availability((now, before) => {
      if (!now.reachable) {
        const what = before.reachable ? "job store unreachable" : "job store still unreachable";
        this.log?.warn(what, { store, error: now.reason, reason: now.summary });
      } else if (!before.reachable) {
        this.log?.info("job store reachable again", { store, down_ms: Date.now() - before.since });
      }
    });
  }

  /** Whether the store answered its last query or check (`/ready` reports it). */
  get availability(): StoreAvailability {
    return this.#availability.state;
  }

  /**
   * Reports a failure of work the store retries by itself (`what`: a heartbeat, the LISTEN connection, an idle
   * pooled connection): one that means the store cannot be reached goes to debug (the store's state, logged once
   * per outage, says it), any other is a warning. It does not change the state: a dropped idle connection is no
   * outage; the queries and the listener's checks decide.
   */
  trouble(what: string, err: unknown): void {
    const reason = unavailableReason(err);
    if (reason === undefined) this.log?.warn(`job store: ${what} failed`, { error: (err as Error).message });
    else this.log?.debug?.(`job store: ${what} failed`, { error: reason });
  }

  /** Runs `fn` (queries), noting whether the store answered; an unreachable store throws `JobStoreUnavailableError`. */
  async #use<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const result = await fn();
      this.#availability.succeeded();
      return result;
    } catch (err) {
      this.#availability.failed(err);
      return rethrowUnavailable(err);
    }
  }

  /** The connection pool (once `init()` has run). */
  get pool(): pg.Pool {
    if (!this.#pool) throw new Error("the PostgreSQL job store is not open (call init first)");
    return this.#pool;
  }

  /**
   * Opens the pool and the LISTEN connection and creates the tables; rejects within a few time limits when the
   * database cannot be reached, with a message that names the `jobs-db` setting (without its password).
   */
  async init(): Promise<void> {
    try {
      await this.#open();
    } catch (err) {
      await this.close().catch(() => {});
      const reason = unavailableReason(err) ?? (err as Error).message;
      const late = /timeout|timed out/i.test(reason)
        ? ` (no answer within jobs-db-timeout-ms, ${this.timeoutMs} ms)`
        : "";
      throw new Error(
        `could not open the job store at jobs-db ${shownUrl(this.url)} (schema ${this.names.s}): ${reason}${late}`,
        { cause: err },
      );
    }
  }

  async #open(): Promise<void> {
    // pg and graphile-worker load here, not at import: a broadcaster on SQLite never pays for them.
    const [{ default: pg }, graphile, { PgChangeListener }] = await Promise.all([
      import("pg"),
      import("graphile-worker"),
      import("./postgres-listener.js"),
    ]);
    const { pool, close } = limitedPool(
      pg,
      { connectionString: this.url, max: 6, application_name: "avs-broadcaster" },
      this.timeoutMs,
    );
    // Errors of idle and checked-out connections are reported, never thrown at the process.
    pool.on("error", (err) => this.trouble("a pooled connection", err));
    pool.on("connect", (client) => client.on("error", (err) => this.trouble("a pooled connection", err)));
    this.#pool = pool;
    this.#closePool = close;
    logMigration(this.log, "jobs", await migrateTables(pool, this.names.s, "jobs", jobMigrations(this.names)));
    const utils = await graphile.makeWorkerUtils({ pgPool: pool, schema: this.names.queueSchema });
    try {
      await utils.migrate();
    } finally {
      await utils.release();
    }
    this.#listener = new PgChangeListener(
      this.url,
      this.names.channel,
      (c) => {
        for (const l of this.#listeners) l(c);
      },
      (err) => this.trouble("the LISTEN connection", err),
      {
        timeoutMs: this.timeoutMs,
        // Often enough that `/ready` turns 503 within a few seconds of the store going silent, without traffic.
        pingMs: Math.min(2000, this.timeoutMs),
        onUp: () => this.#availability.succeeded(),
        onDown: (err) => this.#availability.failed(err),
      },
    );
    await this.#listener.start();
  }

  create(job: NewJob, options: CreateOptions = {}): Promise<CreateResult & { claim?: Claim }> {
    return this.#use(() => this.#create(job, options));
  }

  async #create(job: NewJob, options: CreateOptions): Promise<CreateResult & { claim?: Claim }> {
    const files = Object.entries(job.files);
    const limit = options.maxActive;
    // A job without files or limit is one statement (no transaction around it); files go in the same transaction
    // as the row, and the limit is held last, before the commit (see `holdLimit`).
    if (files.length === 0 && limit === undefined) return insertJob(this.pool, this.names, job, options);
    return transaction(this.pool, async (q) => {
      const result = await insertJob(q, this.names, job, options);
      // A repeated idempotency key finds its job whatever the count.
      if (result.kind !== "created") return result;
      for (const [field, blob] of files) {
        let seq = 0;
        for await (const chunk of chunksOf(blob)) {
          await q.query(`INSERT INTO ${this.names.s}.job_files (job_id, field, seq, data) VALUES ($1, $2, $3, $4)`, [
            job.id,
            field,
            seq++,
            Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
          ]);
        }
      }
      if (limit !== undefined) await holdLimit(q, this.names, job.owner, limit);
      return result;
    });
  }

  get(id: string): Promise<JobRecord | undefined> {
    return this.#one(`SELECT ${JOB_COLUMNS} FROM ${this.names.s}.jobs WHERE id = $1`, [id]);
  }

  byIdempotencyKey(owner: string, key: string): Promise<JobRecord | undefined> {
    return this.#one(`SELECT ${JOB_COLUMNS} FROM ${this.names.s}.jobs WHERE owner = $1 AND idempotency_key = $2`, [
      owner,
      key,
    ]);
  }

  byRequestId(owner: string, requestId: string, pipeline: string): Promise<JobRecord | undefined> {
    return this.#one(
      `SELECT ${JOB_COLUMNS} FROM ${this.names.s}.jobs WHERE owner = $1 AND request_id = $2 AND pipeline = $3
       ORDER BY created_at DESC LIMIT 1`,
      [owner, requestId, pipeline],
    );
  }

  async deliveries(jobId: string) {
    const rows = await this.#read<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM ${this.names.s}.webhook_deliveries WHERE job_id = $1 ORDER BY created_at`,
      [jobId],
    );
    return rows.map(deliveryOf);
  }

  events(jobId: string, afterSeq: number) {
    return this.#read<{ seq: number; type: "status"; data: unknown }>(
      `SELECT seq, type, data FROM ${this.names.s}.job_events WHERE job_id = $1 AND seq > $2 ORDER BY seq`,
      [jobId, afterSeq],
    );
  }

  /** The rows of a read, run once more on a new connection when its pooled one was lost (`idempotentQuery`). */
  #read<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    return this.#use(async () => (await idempotentQuery<R>(this.pool, text, values)).rows);
  }

  /** The job of a read of one row of `jobs`, or undefined. */
  async #one(text: string, values: unknown[]): Promise<JobRecord | undefined> {
    const [row] = await this.#read<JobRow>(text, values);
    return row && recordOf(row);
  }

  requestCancel(id: string): Promise<JobRecord | undefined> {
    return this.#use(() => this.#requestCancel(id));
  }

  async #requestCancel(id: string): Promise<JobRecord | undefined> {
    const { s } = this.names;
    const changed = await transaction(this.pool, async (q) => {
      const queued = await q.query<JobRow>(
        `UPDATE ${s}.jobs SET status = 'cancelled', cancel_requested = true, ${ENDED_NOW}
         WHERE id = $1 AND status = 'queued' RETURNING ${JOB_COLUMNS}`,
        [id],
      );
      if (queued.rows[0]) {
        await q.query(`DELETE FROM ${s}.job_files WHERE job_id = $1`, [id]);
        const record = recordOf(queued.rows[0]);
        await announceChange(q, this.names, record, "result");
        return record;
      }
      const running = await q.query<JobRow>(
        `UPDATE ${s}.jobs SET cancel_requested = true WHERE id = $1 AND status = 'running' RETURNING ${JOB_COLUMNS}`,
        [id],
      );
      if (!running.rows[0]) return undefined;
      await q.query("SELECT pg_notify($1, $2)", [this.names.channel, `c:${id}`]);
      return recordOf(running.rows[0]);
    });
    return changed ?? this.get(id);
  }

  watch(listener: (change: JobChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async *readFile(jobId: string, field: string): AsyncGenerator<Uint8Array> {
    // One chunk per query, so a large input is never held whole.
    for (let seq = 0; ; seq++) {
      const [row] = await this.#read<{ data: Buffer }>(
        `SELECT data FROM ${this.names.s}.job_files WHERE job_id = $1 AND field = $2 AND seq = $3`,
        [jobId, field, seq],
      );
      if (!row) return;
      yield row.data;
    }
  }

  progress(claim: Claim, progress: JobProgress): Promise<boolean> {
    return this.#use(() => writeProgress(this.pool, this.names, claim, progress));
  }

  finish(claim: Claim, outcome: JobOutcome): Promise<boolean> {
    return this.#use(() => finishRun(this.pool, this.names, claim, outcome));
  }

  release(claim: Claim): Promise<boolean> {
    return this.#use(() => releaseRun(this.pool, this.names, claim));
  }

  async start(workers: Workers): Promise<void> {
    const { PgWorkers } = await import("./postgres-workers.js");
    this.#workers = new PgWorkers(this, workers);
    await this.#workers.start();
  }

  /** Stops taking queue entries for jobs; the heartbeat and the webhook runner go on until `stop()`. */
  stopClaiming(): void {
    this.#workers?.stopClaiming();
  }

  /** Stops the runners and the heartbeat; waits for the handlers in progress (each query under the time limit). */
  stop(): Promise<void> {
    this.#stopped ??= this.#workers?.stop() ?? Promise.resolve();
    return this.#stopped;
  }

  /**
   * Closes every connection. Whatever the database does this takes a few seconds at most: a `stop()` still
   * waiting is given up on after a second, and connections that do not close are destroyed.
   */
  async close(): Promise<void> {
    if (!(await settlesWithin(this.stop(), CLOSE_MS))) await this.#workers?.close(0);
    await this.#listener?.close();
    await this.#closePool?.(CLOSE_MS);
    this.#pool = undefined;
  }

  cleanup(before: number): Promise<number> {
    // Many rows at once after a busy day (their events, files and deliveries go with them): ten time limits.
    return this.#use(() => deleteExpiredJobs(this.pool, this.names, before, this.timeoutMs * 10));
  }

  /** Adds (or re-adds) the queue entry that makes some broadcaster claim the job. */
  enqueue(q: Query, jobId: string): Promise<void> {
    return addQueueEntry(q, this.names, jobId);
  }

  /** Takes the job for `holder` when it is queued or its holder's lease ran out. */
  claim(jobId: string, holder: string, leaseMs: number): Promise<Claim | undefined> {
    return this.#use(() => claimJob(this.pool, this.names, jobId, holder, leaseMs));
  }

  /** Renews the leases of `holder`'s running jobs; with none, no query, and no sign that the store answers. */
  heartbeat(holder: string, leaseMs: number, running: readonly string[]): Promise<HeldJob[]> {
    if (running.length === 0) return Promise.resolve([]);
    return this.#use(() => renewLeases(this.pool, this.names, holder, leaseMs, running));
  }

  /** Re-queues jobs (and webhook deliveries) whose holder stopped renewing; see {@link requeueExpired}. */
  requeueExpired(leaseMs: number): Promise<number> {
    return this.#use(() => requeueExpired(this.pool, this.names, leaseMs));
  }
}

/**
 * @module The embedded job store: one SQLite file (better-sqlite3, WAL). Jobs, their input files, events and webhook
 * deliveries survive a restart; a job whose holder died is taken again once its lease runs out. Work is handed out
 * by a claim (one immediate transaction, so it holds SQLite's write lock from its read on) run when a job arrives,
 * when a slot frees up and on a short tick.
 */
import { EventEmitter } from "node:events";
import { dirname } from "node:path";
import { type Logger, makeDirectorySync } from "@ai-video-subnet/server-kit";
import Database from "better-sqlite3";
import { makePrivateFile, PRIVATE_DIR } from "../server/private-files.js";
import { pathProblem, settingError } from "../server/writable-dir.js";
import type { JobOutcome, JobProgress, JobRecord } from "./model.js";
import { type DeliveryRow, type DueDeliveryRow, deliveryOf, dueDeliveryOf, type JobRow, recordOf } from "./rows.js";
import { logMigration } from "./schema-versions.js";
import { migrateSqlite, SQL } from "./sqlite-schema.js";
import {
  type Claim,
  type CreateOptions,
  type CreateResult,
  DELIVERIES_AT_ONCE,
  DELIVERY_LANES,
  type DeliveryAttempt,
  FILE_CHUNK,
  type JobChange,
  type JobStore,
  type NewJob,
  TooManyActiveJobsError,
  type Workers,
} from "./store.js";
import { announce } from "./webhooks.js";

type Statement = Database.Statement<unknown[], unknown>;

/**
 * Jobs in a SQLite file.
 * @example const store = new SqliteJobStore("./outputs/jobs.sqlite"); await store.init();
 */
export class SqliteJobStore implements JobStore {
  readonly kind = "sqlite" as const;
  /** A file of this process's own: there is no connection to lose. */
  readonly availability = { reachable: true } as const;
  readonly path: string;
  #db: Database.Database | undefined;
  #s = {} as Record<keyof typeof SQL, Statement>;
  readonly #changes = new EventEmitter().setMaxListeners(0);
  #workers: Workers | undefined;
  /** Whether jobs are handed out (from `start` until `stopClaiming` or `stop`). */
  #claiming = false;
  #tick: NodeJS.Timeout | undefined;
  #active = 0;
  /** Deliveries being sent, and their senders. */
  readonly #delivering = new Map<string, string>();

  /** Where the store's migrations at start are logged (default: nowhere). */
  readonly log: Logger | undefined;

  constructor(path: string, log?: Logger) {
    this.path = path;
    this.log = log;
  }

  async init(): Promise<void> {
    let db: Database.Database;
    let what = `: its directory ${dirname(this.path)}`;
    try {
      if (this.path !== ":memory:") makeDirectorySync(dirname(this.path), PRIVATE_DIR);
      what = "";
      // SQLite gives the -wal and -shm files it creates the database file's mode.
      if (this.path !== ":memory:") makePrivateFile(this.path, [`${this.path}-wal`, `${this.path}-shm`]);
      db = new Database(this.path);
    } catch (err) {
      const problem = pathProblem(err, what ? "made" : "opened");
      const fix = "set it to a file in a directory this process can write, or to a postgres:// URL";
      throw settingError("jobs-db", `${this.path}${what} ${problem}; ${fix}`, err);
    }
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = ON");
    try {
      logMigration(this.log, "jobs", migrateSqlite(db, "the file"));
    } catch (err) {
      db.close();
      throw new Error(`could not open the job store at jobs-db ${this.path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    for (const [name, sql] of Object.entries(SQL)) this.#s[name as keyof typeof SQL] = db.prepare(sql);
    this.#db = db;
  }

  get #database(): Database.Database {
    if (!this.#db) throw new Error("the SQLite job store is not open (call init first)");
    return this.#db;
  }

  async create(job: NewJob, options: CreateOptions = {}): Promise<CreateResult> {
    const files = await Promise.all(
      Object.entries(job.files).map(async ([field, blob]) => [field, Buffer.from(await blob.arrayBuffer())] as const),
    );
    const now = Date.now();
    const result = this.#database
      .transaction((): CreateResult => {
        if (job.idempotencyKey !== undefined) {
          const row = this.#s.byKey.get(job.owner, job.idempotencyKey) as JobRow | undefined;
          if (row) {
            const found = recordOf(row);
            return { kind: found.bodyHash === job.bodyHash ? "existing" : "conflict", job: found };
          }
        }
        if (options.maxActive !== undefined) {
          const { n } = this.#s.activeOf.get(job.owner) as { n: number };
          if (n >= options.maxActive) throw new TooManyActiveJobsError(n, options.maxActive);
        }
        const row = this.#s.insertJob.get({
          ...job,
          multipart: job.multipart ? 1 : 0,
          inputs: JSON.stringify(job.inputs),
          idempotencyKey: job.idempotencyKey ?? null,
          bodyHash: job.bodyHash ?? null,
          webhookUrl: job.webhookUrl ?? null,
          webhookSecret: job.webhookSecret ?? null,
          now,
          keepMs: options.keepMs ?? null,
        }) as JobRow;
        for (const [field, bytes] of files) {
          for (let at = 0, seq = 0; at < bytes.length; at += FILE_CHUNK, seq++) {
            this.#s.insertFile.run(job.id, field, seq, bytes.subarray(at, at + FILE_CHUNK));
          }
        }
        const record = recordOf(row);
        this.#announce(record, "status", now);
        return { kind: "created", job: record };
      })
      .immediate();
    if (result.kind === "created") {
      this.#changed(job.id, "events");
      queueMicrotask(this.#pump);
    }
    return result;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = this.#s.get.get(id) as JobRow | undefined;
    return row && recordOf(row);
  }

  async byIdempotencyKey(owner: string, key: string): Promise<JobRecord | undefined> {
    const row = this.#s.byKey.get(owner, key) as JobRow | undefined;
    return row && recordOf(row);
  }

  async byRequestId(owner: string, requestId: string, pipeline: string): Promise<JobRecord | undefined> {
    const row = this.#s.byRequest.get(owner, requestId, pipeline) as JobRow | undefined;
    return row && recordOf(row);
  }

  async deliveries(jobId: string) {
    return (this.#s.deliveries.all(jobId) as DeliveryRow[]).map(deliveryOf);
  }

  async events(jobId: string, afterSeq: number) {
    const rows = this.#s.events.all(jobId, afterSeq) as Array<{ seq: number; type: string; data: string }>;
    return rows.map((r) => ({ seq: r.seq, type: r.type as "status", data: JSON.parse(r.data) }));
  }

  async requestCancel(id: string): Promise<JobRecord | undefined> {
    const now = Date.now();
    const cancelled = this.#database.transaction(() => {
      const row = this.#s.cancelQueued.get({ now, id }) as JobRow | undefined;
      if (!row) return undefined;
      this.#s.deleteFiles.run(id);
      const record = recordOf(row);
      this.#announce(record, "result", now);
      return record;
    })();
    if (cancelled) {
      this.#changed(id, "events");
      return cancelled;
    }
    const flagged = this.#s.flagCancel.get(id) as JobRow | undefined;
    if (flagged) {
      this.#changed(id, "cancel");
      return recordOf(flagged);
    }
    return this.get(id);
  }

  watch(listener: (change: JobChange) => void): () => void {
    this.#changes.on("change", listener);
    return () => this.#changes.off("change", listener);
  }

  async *readFile(jobId: string, field: string): AsyncGenerator<Uint8Array> {
    for (const row of this.#s.readFile.all(jobId, field) as Array<{ data: Buffer }>) yield row.data;
  }

  async progress(claim: Claim, progress: JobProgress): Promise<boolean> {
    const ok = this.#database.transaction(() => {
      const args = { id: claim.job.id, holder: claim.holder, run: claim.run, progress: JSON.stringify(progress) };
      if (this.#s.progress.run(args).changes !== 1) return false;
      this.#event(claim.job.id, "progress", progress);
      return true;
    })();
    if (ok) this.#changed(claim.job.id, "events");
    return ok;
  }

  async finish(claim: Claim, outcome: JobOutcome): Promise<boolean> {
    const now = Date.now();
    const ok = this.#database.transaction(() => {
      const row = this.#s.finish.get({
        id: claim.job.id,
        holder: claim.holder,
        run: claim.run,
        status: outcome.status,
        result: outcome.status === "succeeded" ? JSON.stringify(outcome.media) : null,
        error: outcome.status === "failed" ? JSON.stringify(outcome.error) : null,
        progress: outcome.status === "succeeded" ? '{"fraction":1}' : null,
        now,
      }) as JobRow | undefined;
      if (!row) return false;
      this.#s.deleteFiles.run(claim.job.id);
      this.#announce(recordOf(row), "result", now);
      return true;
    })();
    if (ok) this.#changed(claim.job.id, "events");
    return ok;
  }

  async release(claim: Claim): Promise<boolean> {
    const ok = this.#database.transaction(() => {
      const row = this.#s.release.get({ id: claim.job.id, holder: claim.holder, run: claim.run }) as JobRow | undefined;
      if (row) this.#announce(recordOf(row), "status", Date.now());
      return row !== undefined;
    })();
    if (ok) this.#changed(claim.job.id, "events");
    return ok;
  }

  async start(workers: Workers): Promise<void> {
    this.#workers = workers;
    this.#claiming = true;
    const every = Math.max(50, Math.min(1000, Math.floor(workers.leaseMs / 3)));
    this.#tick = setInterval(() => {
      this.#heartbeat();
      this.#pump();
      this.#pumpDeliveries();
    }, every);
    this.#tick.unref();
    this.#pump();
    this.#pumpDeliveries();
  }

  stopClaiming(): void {
    this.#claiming = false;
  }

  async stop(): Promise<void> {
    this.#claiming = false;
    if (this.#tick) clearInterval(this.#tick);
    this.#tick = undefined;
    this.#workers = undefined;
  }

  async close(): Promise<void> {
    await this.stop();
    this.#db?.close();
    this.#db = undefined;
  }

  async cleanup(before: number): Promise<number> {
    return this.#s.cleanup.run({ now: Date.now(), before }).changes;
  }

  /** Appends an event (inside the caller's transaction). */
  #event(jobId: string, type: string, data: unknown): void {
    const { event_seq } = this.#s.bumpSeq.get(jobId) as { event_seq: number };
    this.#s.insertEvent.run(jobId, event_seq, type, JSON.stringify(data));
  }

  /** Appends the status or result event of `record` and queues the webhook delivery it owes. */
  #announce(record: JobRecord, type: "status" | "result", now: number, webhook = true): void {
    const { job, delivery } = announce(record, now, webhook);
    this.#event(record.id, type, job);
    if (!delivery) return;
    this.#s.insertDelivery.run(delivery.id, record.id, delivery.event, delivery.payload, now, now);
    queueMicrotask(this.#pumpDeliveries);
  }

  #changed(jobId: string, kind: JobChange["kind"]): void {
    this.#changes.emit("change", { jobId, kind } satisfies JobChange);
  }

  /** Claims jobs while this broadcaster has free slots. */
  readonly #pump = (): void => {
    const w = this.#workers;
    while (w && this.#workers === w && this.#claiming && this.#db && this.#active < w.concurrency) {
      const now = Date.now();
      const claim = this.#database
        .transaction(() => {
          const next = this.#s.nextClaimable.get({ now }) as { id: string; status: string } | undefined;
          if (!next) return undefined;
          const row = this.#s.claim.get({ id: next.id, holder: w.holder, lease: now + w.leaseMs, now }) as JobRow;
          const job = recordOf(row);
          this.#announce(job, "status", now, job.runs === 1);
          const takenOver = next.status === "running";
          return { job, holder: w.holder, run: job.runs, leasedAt: now, takenOver } satisfies Claim;
        })
        .immediate();
      if (!claim) return;
      this.#changed(claim.job.id, "events");
      this.#active += 1;
      void w
        .runJob(claim)
        .catch(() => {})
        .finally(() => {
          this.#active -= 1;
          this.#pump();
        });
    }
  };

  #heartbeat(): void {
    const w = this.#workers;
    if (!w || !this.#db) return;
    const since = Date.now();
    const rows = this.#s.heartbeat.all(since + w.leaseMs, w.holder, JSON.stringify(w.running())) as Array<{
      id: string;
      runs: number;
      cancel_requested: number;
    }>;
    w.onHeartbeat(
      rows.map((r) => ({ id: r.id, run: r.runs, cancelRequested: r.cancel_requested === 1 })),
      since,
    );
  }

  /** Sends due webhook deliveries, each leased first (so another process on the same file skips it). */
  readonly #pumpDeliveries = (): void => {
    const w = this.#workers;
    if (!w || !this.#db) return;
    const room = DELIVERIES_AT_ONCE - this.#delivering.size;
    if (room <= 0) return;
    const now = Date.now();
    // At most DELIVERY_LANES due rows per sender come back; those of senders already at their lanes are skipped,
    // and there are at most DELIVERIES_AT_ONCE of them.
    const due = this.#s.due.all(now, room + DELIVERIES_AT_ONCE) as Array<
      DueDeliveryRow & { next_attempt_at: number; sender: string }
    >;
    const sending = new Map<string, number>();
    for (const sender of this.#delivering.values()) sending.set(sender, (sending.get(sender) ?? 0) + 1);
    let started = 0;
    for (const d of due) {
      if (started === room) break;
      if (this.#delivering.has(d.id) || (sending.get(d.sender) ?? 0) >= DELIVERY_LANES) continue;
      const leased = this.#s.leaseDelivery.run(now + w.deliveryTimeoutMs + 2000, d.id, d.next_attempt_at).changes === 1;
      if (!leased) continue;
      this.#delivering.set(d.id, d.sender);
      sending.set(d.sender, (sending.get(d.sender) ?? 0) + 1);
      started++;
      const delivery = dueDeliveryOf(d);
      void w
        .deliver(delivery)
        .catch((err): DeliveryAttempt => ({ ok: false, error: (err as Error).message, retryAt: Date.now() + 5000 }))
        .then((r) => this.#db && this.#record(d.id, r))
        .finally(() => {
          this.#delivering.delete(d.id);
          this.#pumpDeliveries();
        });
    }
  };

  #record(id: string, r: DeliveryAttempt): void {
    this.#s.recordDelivery.run({
      id,
      status: r.ok ? "delivered" : r.retryAt !== undefined ? "pending" : "failed",
      code: r.statusCode ?? null,
      error: r.ok ? null : (r.error ?? null),
      next: r.ok ? null : (r.retryAt ?? null),
      delivered: r.ok ? Date.now() : null,
    });
  }
}

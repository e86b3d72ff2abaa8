/** @module The broadcaster options of asynchronous jobs and webhooks, their defaults, and their resolution. */
import { join } from "node:path";
import type { Resolve } from "../network/address-policy.js";
import type { ProgressSource } from "./executor.js";
import type { AsyncJobsSettings } from "./index.js";
import { webhookAddresses } from "./webhooks.js";

/** Options of asynchronous jobs (part of the broadcaster's options). */
export interface AsyncJobOptions {
  /**
   * Where asynchronous jobs are kept: a SQLite file, or a `postgres://` URL that several broadcasters behind one
   * address share (default `jobs.sqlite` in the local output directory, or in the working directory with another
   * output store).
   */
  jobsDb?: string;
  /** PostgreSQL schema of the job store (default `avs`); graphile-worker's queue lives in `<schema>_queue`. */
  jobsDbSchema?: string;
  /**
   * PostgreSQL: longest connecting to the job store, waiting for a pooled connection or one query may take, ms
   * (default 5 000; the server cancels a statement past it too). A request whose store query fails or runs past it
   * gets 503 with `Retry-After`, and `/ready` turns 503 until the store answers again.
   */
  jobsDbTimeoutMs?: number;
  /** Asynchronous jobs this broadcaster runs at once (default 16). */
  jobsConcurrency?: number;
  /**
   * The most asynchronous jobs one API key may have queued or running (default 100); without API keys, all callers
   * together. Past it a submission is a 429; a repeated idempotency key still finds its job.
   */
  jobsMaxActivePerKey?: number;
  /**
   * The most `GET /jobs/{id}/events` streams one API key may have open on this broadcaster (default 100); without API
   * keys, all callers together. Past it a stream request is a 429 with `Retry-After`; `GET /jobs/{id}` still answers.
   */
  jobsMaxStreamsPerKey?: number;
  /**
   * Lease of a running asynchronous job, ms (default 15 000), renewed every third of it: another broadcaster takes
   * over the jobs of one that died this long after its last heartbeat.
   */
  jobsLeaseMs?: number;
  /**
   * PostgreSQL: `here` (default) — the broadcaster that accepts a job claims and starts it at once when it runs fewer
   * than `jobsConcurrency` jobs, under the same lease (the job's queue entry, taken later, finds it claimed); `queue`
   * — every job starts through graphile-worker's queue (a wake-up and a `get_job` later). SQLite ignores it.
   */
  jobsStart?: "here" | "queue";
  /**
   * The most times an asynchronous job is run again after its run stopped without ending it (its broadcaster was
   * killed, crashed, or lost the job store, and the lease ran out), default 3. A claim past it ends the job failed
   * (500) rather than run it again: a job that kills the broadcaster running it would otherwise take down each
   * broadcaster in turn, for ever. A hand-back on stop does not count.
   */
  jobsMaxTakeovers?: number;
  /**
   * How long the asynchronous jobs this broadcaster accepts are kept once they end, ms (default: the output
   * retention); each job keeps it whichever broadcaster sharing the store ends or sweeps it.
   */
  jobRetentionMs?: number;
  /** Webhook attempts per event, the first included (default 15). */
  webhookAttempts?: number;
  /** Wait before the second webhook attempt, ms (default 5 000); it doubles per attempt. */
  webhookRetryBaseMs?: number;
  /** Longest wait between webhook attempts, ms (default 3 600 000). */
  webhookRetryMaxMs?: number;
  /** Longest one webhook attempt may take, ms (default 15 000). */
  webhookTimeoutMs?: number;
  /**
   * Networks webhook deliveries may reach besides public addresses: CIDRs or single addresses (`10.0.0.0/8`,
   * `fd00::/8`, `127.0.0.1`; `0.0.0.0/0` and `::/0` allow any). Default: none — a `Webhook-Url` whose host is, or
   * resolves only to, a loopback, private, link-local or other special-purpose address is refused.
   */
  webhookAllowNetworks?: string[];
  /** Least time between two progress writes of one job, ms (library use; default 250). */
  jobsProgressIntervalMs?: number;
  /** Per-step progress of running jobs (library use; default: the orchestrator's `/progress/{request_id}`). See `ProgressSource`. */
  progressSource?: ProgressSource;
}

/** Defaults of the options above. */
export const ASYNC_JOB_DEFAULTS = {
  jobsDbSchema: "avs",
  jobsDbTimeoutMs: 5_000,
  jobsConcurrency: 16,
  jobsMaxActivePerKey: 100,
  jobsMaxStreamsPerKey: 100,
  jobsLeaseMs: 15_000,
  jobsStart: "here",
  jobsMaxTakeovers: 3,
  webhookAttempts: 15,
  webhookRetryBaseMs: 5_000,
  webhookRetryMaxMs: 3_600_000,
  webhookTimeoutMs: 15_000,
} as const;

/**
 * Whether a `jobs-db` value names PostgreSQL.
 * @example isPostgresUrl("postgres://127.0.0.1/avs") // true
 */
export function isPostgresUrl(db: string | undefined): db is string {
  return db !== undefined && /^postgres(ql)?:\/\//i.test(db);
}

/**
 * Refuses a `jobs-db` value that is a URL of another kind than PostgreSQL's: anything else is a SQLite file path, so
 * `redis://…` or `pg://…` started a broadcaster on a SQLite file of that name, and broadcasters meant to share their
 * jobs kept them apart.
 * @throws {Error} naming the setting, the scheme and what it takes.
 * @example checkJobsDb("redis://cache:6379") // throws: jobs-db must be a postgres:// URL or a SQLite file, …
 */
export function checkJobsDb(db: string | undefined): void {
  const scheme = db === undefined || isPostgresUrl(db) ? undefined : /^([a-z][a-z0-9+.-]*):\/\//i.exec(db)?.[1];
  if (scheme) {
    throw new Error(
      `jobs-db must be a postgres:// (or postgresql://) URL or a SQLite file path, got a ${scheme}:// URL: async jobs are kept in PostgreSQL or SQLite only`,
    );
  }
}

/**
 * The job settings of resolved broadcaster options.
 * @example asyncJobSettings({ outputs: { kind: "local", dir: "outputs" }, outputRetentionMs: 86_400_000 }).db
 * // "outputs/jobs.sqlite"
 */
export function asyncJobSettings(
  o: AsyncJobOptions & { outputs: { kind: string; dir?: string }; outputRetentionMs: number; resolveHost?: Resolve },
): AsyncJobsSettings {
  checkJobsDb(o.jobsDb);
  const d = { ...ASYNC_JOB_DEFAULTS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) };
  return {
    db: o.jobsDb ?? (o.outputs.kind === "local" && o.outputs.dir ? join(o.outputs.dir, "jobs.sqlite") : "jobs.sqlite"),
    schema: d.jobsDbSchema,
    timeoutMs: d.jobsDbTimeoutMs,
    concurrency: d.jobsConcurrency,
    maxActivePerKey: d.jobsMaxActivePerKey,
    maxStreamsPerKey: d.jobsMaxStreamsPerKey,
    leaseMs: d.jobsLeaseMs,
    maxTakeovers: d.jobsMaxTakeovers,
    start: d.jobsStart as "here" | "queue",
    progressIntervalMs: o.jobsProgressIntervalMs ?? 250,
    // Whole milliseconds: it is recorded with each job (a bigint in PostgreSQL, where 1500.5 failed every submit).
    retentionMs: Math.ceil(o.jobRetentionMs ?? o.outputRetentionMs),
    webhooks: {
      attempts: d.webhookAttempts,
      retryBaseMs: d.webhookRetryBaseMs,
      retryMaxMs: d.webhookRetryMaxMs,
      timeoutMs: d.webhookTimeoutMs,
      addresses: webhookAddresses(o.webhookAllowNetworks ?? [], o.resolveHost),
    },
  };
}

/** @module The command-line settings of asynchronous jobs and webhooks (flag, env and config-file names). */
import type { Setting } from "@ai-video-subnet/server-kit";
import { MAX_RETENTION_MS } from "../options.js";
import { ASYNC_JOB_DEFAULTS, type AsyncJobOptions, checkJobsDb } from "./options.js";
import { pgNames } from "./postgres-schema.js";
import { webhookAddresses } from "./webhooks.js";

/** The settings, in `--help` order; defaults are applied by `asyncJobSettings` (shown here). */
export const ASYNC_JOB_SETTINGS = [
  {
    name: "jobs-db",
    kind: "string",
    help: "where async jobs are kept: a SQLite file, or a postgres:// (postgresql://) URL several broadcasters share",
    shownDefault: "jobs.sqlite in the output directory",
  },
  {
    name: "jobs-db-schema",
    kind: "string",
    help: "PostgreSQL schema of the job store (graphile-worker's queue goes in <schema>_queue)",
    shownDefault: ASYNC_JOB_DEFAULTS.jobsDbSchema,
  },
  {
    name: "jobs-db-timeout-ms",
    kind: "integer",
    min: 100,
    unit: "ms",
    help: "PostgreSQL: longest connecting to the job store or one of its queries may take; past it requests get 503 (Retry-After) and /ready 503",
    shownDefault: String(ASYNC_JOB_DEFAULTS.jobsDbTimeoutMs),
  },
  {
    name: "jobs-concurrency",
    kind: "integer",
    min: 1,
    unit: "count",
    help: "async jobs this broadcaster runs at once",
    shownDefault: String(ASYNC_JOB_DEFAULTS.jobsConcurrency),
  },
  {
    name: "jobs-max-active-per-key",
    kind: "integer",
    min: 1,
    unit: "count",
    help: "async jobs one API key (without keys: all callers) may have queued or running; more get 429",
    shownDefault: String(ASYNC_JOB_DEFAULTS.jobsMaxActivePerKey),
  },
  {
    name: "jobs-max-streams-per-key",
    kind: "integer",
    min: 1,
    unit: "count",
    help: "GET /jobs/{id}/events streams one API key (without keys: all callers) may have open on this broadcaster; more get 429",
    shownDefault: String(ASYNC_JOB_DEFAULTS.jobsMaxStreamsPerKey),
  },
  {
    name: "jobs-start",
    kind: "choice",
    choices: ["here", "queue"],
    help: "PostgreSQL: here = the broadcaster that accepts a job starts it at once when it has a free slot (still under a lease); queue = every job goes through graphile-worker's queue",
    shownDefault: ASYNC_JOB_DEFAULTS.jobsStart,
  },
  {
    name: "jobs-lease-ms",
    kind: "integer",
    min: 300,
    unit: "ms",
    help: "lease of a running async job, renewed every third of it; others take over a dead broadcaster's jobs within this and a third of it after its last renewal",
    shownDefault: String(ASYNC_JOB_DEFAULTS.jobsLeaseMs),
  },
  {
    name: "jobs-max-takeovers",
    kind: "integer",
    min: 0,
    unit: "count",
    help: "times an async job runs again after its broadcaster stopped without ending it (killed, crashed, cut off from the store: its lease ran out); past it the job fails (500) instead, so a job that crashes broadcasters cannot take down each in turn; a hand-back on stop does not count",
    shownDefault: String(ASYNC_JOB_DEFAULTS.jobsMaxTakeovers),
  },
  {
    name: "job-retention-ms",
    kind: "number",
    unit: "ms",
    min: 1000,
    max: MAX_RETENTION_MS,
    help: "how long the async jobs accepted here are kept once ended (a second to 100 years)",
    shownDefault: "output-retention-ms",
  },
  {
    name: "webhook-attempts",
    kind: "integer",
    min: 1,
    unit: "count",
    help: "attempts per webhook event, the first included",
    shownDefault: String(ASYNC_JOB_DEFAULTS.webhookAttempts),
  },
  {
    name: "webhook-retry-base-ms",
    kind: "number",
    unit: "ms",
    help: "wait before the second webhook attempt (doubles per attempt)",
    shownDefault: String(ASYNC_JOB_DEFAULTS.webhookRetryBaseMs),
  },
  {
    name: "webhook-retry-max-ms",
    kind: "number",
    unit: "ms",
    help: "longest wait between webhook attempts",
    shownDefault: String(ASYNC_JOB_DEFAULTS.webhookRetryMaxMs),
  },
  {
    name: "webhook-timeout-ms",
    kind: "number",
    unit: "ms",
    min: 1,
    help: "longest one webhook attempt may take",
    shownDefault: String(ASYNC_JOB_DEFAULTS.webhookTimeoutMs),
  },
  {
    name: "webhook-allow-networks",
    kind: "list",
    help: "a CIDR or address webhooks may reach besides public addresses, e.g. 10.0.0.0/8 (repeat; comma-separated in env; 0.0.0.0/0,::/0 = any); loopback, private, link-local and other special-purpose addresses are refused otherwise",
    shownDefault: "none",
  },
] as const satisfies readonly Setting[];

/** The parsed values of {@link ASYNC_JOB_SETTINGS}, as the settings parser gives them. */
export interface AsyncJobValues {
  "jobs-db"?: string;
  "jobs-db-schema"?: string;
  "jobs-db-timeout-ms"?: number;
  "jobs-concurrency"?: number;
  "jobs-max-active-per-key"?: number;
  "jobs-max-streams-per-key"?: number;
  "jobs-start"?: string;
  "jobs-lease-ms"?: number;
  "jobs-max-takeovers"?: number;
  "job-retention-ms"?: number;
  "webhook-attempts"?: number;
  "webhook-retry-base-ms"?: number;
  "webhook-retry-max-ms"?: number;
  "webhook-timeout-ms"?: number;
  "webhook-allow-networks"?: unknown[];
}

/**
 * The options of these settings (the parser has checked kinds and bounds).
 * @example asyncJobOptions(values).jobsDb
 */
export function asyncJobOptions(v: AsyncJobValues): AsyncJobOptions {
  checkJobsDb(v["jobs-db"]);
  const schema = v["jobs-db-schema"];
  if (schema !== undefined) pgNames(schema);
  const allow = v["webhook-allow-networks"]?.map(String);
  if (allow) webhookAddresses(allow); // a bad entry stops the start with its name
  return {
    jobsDb: v["jobs-db"],
    jobsDbSchema: schema,
    jobsDbTimeoutMs: v["jobs-db-timeout-ms"],
    jobsConcurrency: v["jobs-concurrency"],
    jobsMaxActivePerKey: v["jobs-max-active-per-key"],
    jobsMaxStreamsPerKey: v["jobs-max-streams-per-key"],
    jobsStart: v["jobs-start"]?.toLowerCase() as AsyncJobOptions["jobsStart"],
    jobsLeaseMs: v["jobs-lease-ms"],
    jobsMaxTakeovers: v["jobs-max-takeovers"],
    jobRetentionMs: v["job-retention-ms"],
    webhookAttempts: v["webhook-attempts"],
    webhookRetryBaseMs: v["webhook-retry-base-ms"],
    webhookRetryMaxMs: v["webhook-retry-max-ms"],
    webhookTimeoutMs: v["webhook-timeout-ms"],
    webhookAllowNetworks: allow,
  };
}

/**
 * @module The PostgreSQL job store's tables, in a schema of their own (several broadcasters, or tests, can share a
 * database), and the names derived from it: graphile-worker's schema and the LISTEN/NOTIFY channel.
 */

import type pg from "pg";
import { unavailableReason } from "./availability.js";
import { lostConnection, lostConnectionTries } from "./postgres-connection.js";
import { type Migration, type MigrationResult, migrationPlan, VERSIONS_TABLE } from "./schema-versions.js";

/** Schema names the store accepts: they go into SQL as identifiers. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,40}$/;

/** The names one store uses, from its schema. */
export interface PgNames {
  /** Our tables' schema, quoted. */
  s: string;
  /** graphile-worker's schema name (unquoted, as its options take it). */
  queueSchema: string;
  /** graphile-worker's schema, quoted, for calling `add_job`. */
  q: string;
  /** The NOTIFY channel of job changes. */
  channel: string;
}

/**
 * The names for `schema`; throws for a name that is not a plain lower-case SQL identifier.
 * @example pgNames("avs").queueSchema // "avs_queue"
 */
export function pgNames(schema: string): PgNames {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(
      `jobs-db-schema must be a lower-case SQL name (letters, digits, _; at most 41), got ${JSON.stringify(schema)}`,
    );
  }
  return { s: `"${schema}"`, queueSchema: `${schema}_queue`, q: `"${schema}_queue"`, channel: `${schema}_jobs` };
}

/**
 * The job store's migrations, in order (see schema-versions.ts). The first creates the tables as they were before
 * versions were recorded, each only when missing.
 */
export function jobMigrations(names: PgNames): Migration[] {
  return [
    { version: 1, summary: "jobs, job_events, job_files and webhook_deliveries", sql: pgSchema(names) },
    {
      version: 2,
      summary: "jobs.takeovers: runs started after the one before stopped without ending",
      sql: `ALTER TABLE ${names.s}.jobs ADD COLUMN IF NOT EXISTS takeovers integer NOT NULL DEFAULT 0`,
    },
    {
      version: 3,
      summary: "jobs.keep_ms and jobs.expires_at: each job kept for the retention of the broadcaster that made it",
      // Nullable: broadcasters of version 2 keep creating and ending jobs (without them) during a rolling upgrade.
      sql: `ALTER TABLE ${names.s}.jobs ADD COLUMN IF NOT EXISTS keep_ms bigint;
        ALTER TABLE ${names.s}.jobs ADD COLUMN IF NOT EXISTS expires_at timestamptz;
        CREATE INDEX IF NOT EXISTS jobs_expires ON ${names.s}.jobs (expires_at) WHERE expires_at IS NOT NULL;`,
    },
  ];
}

/**
 * What every statement that ends a job sets: its end time, and when it expires. The creating broadcaster's
 * retention is recorded at creation (`keep_ms`: the broadcaster that ends the job may be another), and turned into
 * `expires_at` at the end, so the sweep is one range of the `jobs_expires` index rather than `finished_at + keep_ms`
 * computed for every ended job (an expression no index can hold: adding an interval to a timestamptz is not
 * immutable). A job without `keep_ms` (created by an older release) gets no `expires_at`: the sweep keeps the old
 * rule for it.
 */
export const ENDED_NOW = "finished_at = now(), expires_at = now() + keep_ms * interval '1 millisecond'";

/** The tables and indexes of version 1, created when missing. */
function pgSchema({ s }: PgNames): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.jobs (
  id text PRIMARY KEY,
  owner text NOT NULL,
  pipeline text NOT NULL,
  model_id text NOT NULL,
  request_id text NOT NULL,
  base_url text NOT NULL,
  multipart boolean NOT NULL,
  units double precision NOT NULL,
  inputs jsonb NOT NULL,
  idempotency_key text,
  body_hash text,
  status text NOT NULL,
  cancel_requested boolean NOT NULL DEFAULT false,
  progress jsonb NOT NULL,
  result jsonb,
  error jsonb,
  webhook_url text,
  webhook_secret text,
  holder text,
  lease_until timestamptz,
  runs integer NOT NULL DEFAULT 0,
  event_seq integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_idempotency ON ${s}.jobs (owner, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_running ON ${s}.jobs (lease_until) WHERE status = 'running';
CREATE INDEX IF NOT EXISTS jobs_queued ON ${s}.jobs (created_at) WHERE status = 'queued';
CREATE INDEX IF NOT EXISTS jobs_holder ON ${s}.jobs (holder) WHERE holder IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_active_owner ON ${s}.jobs (owner) WHERE status IN ('queued', 'running');
CREATE INDEX IF NOT EXISTS jobs_finished ON ${s}.jobs (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_request ON ${s}.jobs (owner, request_id, created_at);
CREATE TABLE IF NOT EXISTS ${s}.job_events (
  job_id text NOT NULL REFERENCES ${s}.jobs (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (job_id, seq)
);
CREATE TABLE IF NOT EXISTS ${s}.job_files (
  job_id text NOT NULL REFERENCES ${s}.jobs (id) ON DELETE CASCADE,
  field text NOT NULL,
  seq integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (job_id, field, seq)
);
CREATE TABLE IF NOT EXISTS ${s}.webhook_deliveries (
  id text PRIMARY KEY,
  job_id text NOT NULL REFERENCES ${s}.jobs (id) ON DELETE CASCADE,
  event text NOT NULL,
  payload text NOT NULL,
  status text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS deliveries_job ON ${s}.webhook_deliveries (job_id, created_at);
CREATE INDEX IF NOT EXISTS deliveries_pending ON ${s}.webhook_deliveries (next_attempt_at) WHERE status = 'pending';
`;
}

/** Something to run queries on: the pool, or a client inside a transaction. */
export type Query = Pick<pg.PoolClient, "query">;

/**
 * Runs `fn` in a transaction on one connection of `pool`: committed when it resolves, rolled back when it throws.
 * A connection that failed or ran out of time is dropped instead of rolled back (the server rolls back the
 * transaction of a closed connection): a ROLLBACK on a silent connection would wait out another time limit, and
 * a connection whose query timed out must not go back to the pool, where the next query would queue behind it.
 *
 * A connection lost before the `COMMIT` was sent (see {@link lostConnection}: a pooled connection whose backend a
 * restart or `pg_terminate_backend` ended) runs the transaction again on another one, up to
 * {@link lostConnectionTries}: always when it was lost at `BEGIN` (nothing ran), and when it was lost in `fn` unless
 * `rerun` is false (`fn` read a stream it cannot read again). A connection lost at `COMMIT` is not: the transaction
 * may have been committed.
 * @example const job = await transaction(pool, async (q) => (await q.query("SELECT 1")).rows);
 */
export async function transaction<T>(pool: pg.Pool, fn: (q: Query) => Promise<T>, rerun = true): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let stage: "begin" | "fn" | "commit" = "begin";
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      stage = "fn";
      const result = await fn(client);
      stage = "commit";
      await client.query("COMMIT");
      return result;
    } catch (err) {
      if (unavailableReason(err) !== undefined) broken = err as Error;
      else {
        try {
          await client.query("ROLLBACK");
        } catch (e) {
          broken = e as Error;
        }
      }
      const again =
        attempt < lostConnectionTries(pool) && lostConnection(err) && (stage === "begin" || (stage === "fn" && rerun));
      if (!again) throw err;
    } finally {
      client.release(broken);
    }
  }
}

/**
 * Brings store `store`'s tables in schema `schema` (quoted) to this build's version, in one transaction under an
 * advisory lock on the schema's name, so broadcasters (and their job and output stores) starting together migrate
 * one at a time and once (see schema-versions.ts). Throws when the tables are newer than this build can work on.
 * @example await migrateTables(pool, names.s, "jobs", jobMigrations(names));
 */
export async function migrateTables(
  pool: pg.Pool,
  schema: string,
  store: string,
  migrations: readonly Migration[],
): Promise<MigrationResult> {
  return transaction(pool, async (q) => {
    // Not the store's query time limit: an index new in this version is built on the existing rows here.
    await q.query(`SET LOCAL statement_timeout = ${DDL_TIMEOUT_MS}`);
    const limited = (text: string, values?: unknown[]) => ({ text, values, query_timeout: DDL_TIMEOUT_MS });
    await q.query(limited("SELECT pg_advisory_xact_lock(hashtext($1))", [`avs-schema:${schema}`]));
    await q.query(
      limited(`CREATE SCHEMA IF NOT EXISTS ${schema};
        CREATE TABLE IF NOT EXISTS ${schema}.${VERSIONS_TABLE} (
          store text PRIMARY KEY,
          version integer NOT NULL,
          oldest_reader integer NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now()
        );`),
    );
    const { rows } = await q.query<{ version: number; oldest_reader: number }>(
      limited(`SELECT version, oldest_reader FROM ${schema}.${VERSIONS_TABLE} WHERE store = $1`, [store]),
    );
    const found = rows[0] && { version: rows[0].version, oldestReader: rows[0].oldest_reader };
    const plan = migrationPlan(store, `schema ${schema}`, found, migrations);
    for (const m of plan.pending) await q.query(limited(m.sql));
    if (plan.pending.length > 0) {
      await q.query(
        limited(
          `INSERT INTO ${schema}.${VERSIONS_TABLE} (store, version, oldest_reader) VALUES ($1, $2, $3)
            ON CONFLICT (store) DO UPDATE SET version = $2, oldest_reader = $3, updated_at = now()`,
          [store, plan.result.version, plan.result.oldestReader],
        ),
      );
    }
    return plan.result;
  });
}

/** Longest migrating the tables (waiting for another broadcaster's migration included) may take, ms. */
const DDL_TIMEOUT_MS = 120_000;

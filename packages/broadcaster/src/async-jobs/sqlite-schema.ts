/**
 * @module The SQLite job store's tables (times are epoch milliseconds, JSON is text), their versions and its
 * statements.
 */
import type Database from "better-sqlite3";
import { DELIVERY_COLUMNS, JOB_COLUMNS } from "./rows.js";
import { type Migration, type MigrationResult, migrationPlan, VERSIONS_TABLE } from "./schema-versions.js";
import { DELIVERY_LANES, deliverySender } from "./store.js";

/** Tables and indexes of version 1, created when missing. Times are epoch milliseconds. */
const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  pipeline TEXT NOT NULL,
  model_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  base_url TEXT NOT NULL,
  multipart INTEGER NOT NULL,
  units REAL NOT NULL,
  inputs TEXT NOT NULL,
  idempotency_key TEXT,
  body_hash TEXT,
  status TEXT NOT NULL,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  progress TEXT NOT NULL,
  result TEXT,
  error TEXT,
  webhook_url TEXT,
  webhook_secret TEXT,
  holder TEXT,
  lease_until INTEGER,
  runs INTEGER NOT NULL DEFAULT 0,
  event_seq INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_idempotency ON jobs (owner, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_waiting ON jobs (status, created_at) WHERE status IN ('queued', 'running');
CREATE INDEX IF NOT EXISTS jobs_holder ON jobs (holder) WHERE holder IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_active_owner ON jobs (owner) WHERE status IN ('queued', 'running');
CREATE INDEX IF NOT EXISTS jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_request ON jobs (owner, request_id, created_at);
CREATE TABLE IF NOT EXISTS job_events (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS job_files (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  field TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (job_id, field, seq)
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_status_code INTEGER,
  last_error TEXT,
  delivered_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_job ON webhook_deliveries (job_id, created_at);
`;

/** The SQLite job store's migrations, in order (see schema-versions.ts). */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  { version: 1, summary: "jobs, job_events, job_files and webhook_deliveries", sql: SQLITE_SCHEMA },
  {
    version: 2,
    summary: "jobs.takeovers: runs started after the one before stopped without ending",
    sql: "ALTER TABLE jobs ADD COLUMN takeovers INTEGER NOT NULL DEFAULT 0",
  },
  {
    version: 3,
    summary: "jobs.keep_ms and jobs.expires_at: each job kept for the retention of the broadcaster that made it",
    // keep_ms (the job-retention-ms of the broadcaster that made the job) holds across a restart with another
    // value and whichever process opens the file; it becomes expires_at when the job ends, so the sweep is a range
    // of an index. Both nullable: an older release's jobs have neither and keep the old rule (the sweeper's setting).
    sql: `ALTER TABLE jobs ADD COLUMN keep_ms INTEGER;
      ALTER TABLE jobs ADD COLUMN expires_at INTEGER;
      CREATE INDEX IF NOT EXISTS jobs_expires ON jobs (expires_at) WHERE expires_at IS NOT NULL;`,
  },
];

/**
 * Brings the job store's tables in `db` (the file `where`) to this build's version, in one transaction that takes
 * the file's write lock before it reads the version. Throws when they are newer than this build can work on.
 * @example migrateSqlite(db, "jobs.sqlite")
 */
export function migrateSqlite(
  db: Database.Database,
  where: string,
  migrations: readonly Migration[] = SQLITE_MIGRATIONS,
): MigrationResult {
  const run = db.transaction((): MigrationResult => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${VERSIONS_TABLE} (
      store TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      oldest_reader INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    )`);
    const row = db.prepare(`SELECT version, oldest_reader FROM ${VERSIONS_TABLE} WHERE store = 'jobs'`).get() as
      | { version: number; oldest_reader: number }
      | undefined;
    const found = row && { version: row.version, oldestReader: row.oldest_reader };
    const plan = migrationPlan("jobs", where, found, migrations);
    for (const m of plan.pending) db.exec(m.sql);
    if (plan.pending.length > 0) {
      db.prepare(
        `INSERT INTO ${VERSIONS_TABLE} (store, version, oldest_reader, updated_at) VALUES ('jobs', ?, ?, ?)
          ON CONFLICT (store) DO UPDATE SET version = excluded.version, oldest_reader = excluded.oldest_reader,
          updated_at = excluded.updated_at`,
      ).run(plan.result.version, plan.result.oldestReader, Date.now());
    }
    return plan.result;
  });
  return run.immediate();
}

/** Every statement of the store, prepared once when it opens. */
export const SQL = {
  byKey: `SELECT ${JOB_COLUMNS} FROM jobs WHERE owner = ? AND idempotency_key = ?`,
  activeOf: "SELECT count(*) AS n FROM jobs WHERE owner = ? AND status IN ('queued', 'running')",
  insertJob: `INSERT INTO jobs (id, owner, pipeline, model_id, request_id, base_url, multipart, units, inputs,
      idempotency_key, body_hash, status, progress, webhook_url, webhook_secret, created_at, keep_ms)
    VALUES (@id, @owner, @pipeline, @modelId, @requestId, @baseUrl, @multipart, @units, @inputs,
      @idempotencyKey, @bodyHash, 'queued', '{"fraction":0}', @webhookUrl, @webhookSecret, @now, @keepMs)
    RETURNING ${JOB_COLUMNS}`,
  insertFile: "INSERT INTO job_files (job_id, field, seq, data) VALUES (?, ?, ?, ?)",
  readFile: "SELECT data FROM job_files WHERE job_id = ? AND field = ? ORDER BY seq",
  deleteFiles: "DELETE FROM job_files WHERE job_id = ?",
  bumpSeq: "UPDATE jobs SET event_seq = event_seq + 1 WHERE id = ? RETURNING event_seq",
  insertEvent: "INSERT INTO job_events (job_id, seq, type, data) VALUES (?, ?, ?, ?)",
  events: "SELECT seq, type, data FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq",
  insertDelivery: `INSERT INTO webhook_deliveries (id, job_id, event, payload, status, next_attempt_at, created_at)
    VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
  deliveries: `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE job_id = ? ORDER BY created_at, rowid`,
  get: `SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`,
  byRequest: `SELECT ${JOB_COLUMNS} FROM jobs WHERE owner = ? AND request_id = ? AND pipeline = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`,
  cancelQueued: `UPDATE jobs SET status = 'cancelled', cancel_requested = 1, finished_at = @now,
      expires_at = @now + keep_ms
    WHERE id = @id AND status = 'queued' RETURNING ${JOB_COLUMNS}`,
  flagCancel: `UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND status = 'running' RETURNING ${JOB_COLUMNS}`,
  // Two statements in one transaction: RETURNING shows only the new row, and a claim must tell a takeover (a
  // running job whose lease ran out) from a job taken from the queue.
  nextClaimable: `SELECT id, status FROM jobs WHERE status = 'queued' OR (status = 'running' AND lease_until < @now)
    ORDER BY created_at LIMIT 1`,
  claim: `UPDATE jobs SET status = 'running', holder = @holder, lease_until = @lease, runs = runs + 1,
      takeovers = takeovers + (status = 'running'), started_at = @now, progress = '{"fraction":0}'
    WHERE id = @id AND (status = 'queued' OR (status = 'running' AND lease_until < @now))
    RETURNING ${JOB_COLUMNS}`,
  progress: `UPDATE jobs SET progress = @progress
    WHERE id = @id AND holder = @holder AND runs = @run AND status = 'running'`,
  finish: `UPDATE jobs SET status = @status, result = @result, error = @error,
      progress = COALESCE(@progress, progress), finished_at = @now, expires_at = @now + keep_ms,
      holder = NULL, lease_until = NULL
    WHERE id = @id AND holder = @holder AND runs = @run AND status = 'running' RETURNING ${JOB_COLUMNS}`,
  release: `UPDATE jobs SET status = 'queued', holder = NULL, lease_until = NULL
    WHERE id = @id AND holder = @holder AND runs = @run AND status = 'running' RETURNING ${JOB_COLUMNS}`,
  heartbeat: `UPDATE jobs SET lease_until = ?
    WHERE holder = ? AND status = 'running' AND id IN (SELECT value FROM json_each(?))
    RETURNING id, runs, cancel_requested`,
  // The first DELIVERY_LANES due deliveries of each sender, so one sender's backlog cannot fill the LIMIT.
  due: `SELECT * FROM (
      SELECT d.id, d.job_id, d.event, d.payload, d.attempts, d.next_attempt_at, j.webhook_url, j.webhook_secret,
        ${deliverySender("j")} AS sender,
        row_number() OVER (PARTITION BY ${deliverySender("j")} ORDER BY d.next_attempt_at) AS nth
      FROM webhook_deliveries d JOIN jobs j ON j.id = d.job_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= ?)
    WHERE nth <= ${DELIVERY_LANES} ORDER BY next_attempt_at LIMIT ?`,
  leaseDelivery: "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ? AND next_attempt_at = ?",
  recordDelivery: `UPDATE webhook_deliveries SET attempts = attempts + 1, status = @status,
      last_status_code = @code, last_error = @error, next_attempt_at = @next, delivered_at = @delivered
    WHERE id = @id`,
  // Jobs past their own retention; those without one (an older release's) by the sweeping broadcaster's.
  cleanup: "DELETE FROM jobs WHERE expires_at < @now OR (expires_at IS NULL AND finished_at < @before)",
} as const;

/**
 * @module The two writes between a job's submission and its start on PostgreSQL, each one statement (a CTE) so they
 * cost one round trip and one commit: creating the job (its row, its `queued` event, its queue entry and the
 * notification) and claiming it (the row under a lease, the `running` event, the first run's webhook delivery and
 * the notification). The event data is rendered before the statement from the row it will produce, so nothing has
 * to come back first. A claim is committed without waiting for the WAL flush (`synchronous_commit` off): a claim lost
 * to a database crash leaves the job queued, and the fenced writes of the run that thought it held it fail.
 */
import type pg from "pg";
import type { JobRecord } from "./model.js";
import type { PgNames, Query } from "./postgres-schema.js";
import { type JobRow, recordOf } from "./rows.js";
import type { Claim, CreateResult, NewJob } from "./store.js";
import { announce } from "./webhooks.js";

/**
 * Inserts a queued job (or finds the one its idempotency key names). Files are the caller's to add in the same
 * transaction. Without `enqueue` the job gets no queue entry: the caller claims it at once (`jobs-start here`), and
 * should that never happen the sweep gives it one once it has been queued for a lease.
 * @example const r = await insertJob(q, names, job);
 */
export async function insertJob(q: Query, names: PgNames, job: NewJob, enqueue = true): Promise<CreateResult> {
  const { s } = names;
  const now = Date.now();
  const record: JobRecord = {
    ...job,
    status: "queued",
    cancelRequested: false,
    progress: { fraction: 0 },
    runs: 0,
    createdAt: now,
  };
  const { rows } = await q.query<JobRow>(
    `WITH ins AS (
       INSERT INTO ${s}.jobs (id, owner, pipeline, model_id, request_id, base_url, multipart, units, inputs,
         idempotency_key, body_hash, status, progress, webhook_url, webhook_secret, event_seq, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', '{"fraction":0}', $12, $13, 1, $14)
       ON CONFLICT (owner, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING *
     ), ev AS (
       INSERT INTO ${s}.job_events (job_id, seq, type, data) SELECT id, 1, 'status', $15 FROM ins
     ), queue AS (
       SELECT ${names.q}.add_job('avs_job', json_build_object('id', id), job_key := id, max_attempts := 25) FROM ins
       WHERE $17::boolean
     ), note AS (
       SELECT pg_notify($16, 'e:' || id) FROM ins
     )
     SELECT ins.*, (SELECT count(*) FROM queue) AS queued, (SELECT count(*) FROM note) AS notified FROM ins`,
    [
      job.id,
      job.owner,
      job.pipeline,
      job.modelId,
      job.requestId,
      job.baseUrl,
      job.multipart,
      job.units,
      JSON.stringify(job.inputs),
      job.idempotencyKey ?? null,
      job.bodyHash ?? null,
      job.webhookUrl ?? null,
      job.webhookSecret ?? null,
      new Date(now),
      JSON.stringify(announce(record, now).job),
      names.channel,
      enqueue,
    ],
  );
  if (rows[0]) return { kind: "created", job: recordOf(rows[0]) };
  // The key exists (a concurrent insert waited for its transaction, then did nothing).
  const found = await q.query<JobRow>(`SELECT * FROM ${s}.jobs WHERE owner = $1 AND idempotency_key = $2`, [
    job.owner,
    job.idempotencyKey,
  ]);
  const existing = recordOf(found.rows[0]!);
  return { kind: existing.bodyHash === job.bodyHash ? "existing" : "conflict", job: existing };
}

/**
 * Claims job `jobId` for `holder` when it is queued or its holder's lease ran out; undefined when another holder
 * has it (or took it between the read and the claim: the claim is conditional on the run number read). `known`, the
 * job as this broadcaster just created it, spares the read.
 * @example const claim = await claimJob(pool, names, id, "host:123:ab", 15_000);
 */
export async function claimJob(
  pool: pg.Pool,
  names: PgNames,
  jobId: string,
  holder: string,
  leaseMs: number,
  known?: JobRecord,
): Promise<Claim | undefined> {
  const { s } = names;
  let before = known;
  if (!before) {
    const read = await pool.query<JobRow>(`SELECT * FROM ${s}.jobs WHERE id = $1`, [jobId]);
    before = read.rows[0] && recordOf(read.rows[0]);
  }
  if (!before || (before.status !== "queued" && before.status !== "running")) return undefined;
  const now = Date.now();
  const after: JobRecord = {
    ...before,
    status: "running",
    holder,
    runs: before.runs + 1,
    startedAt: now,
    progress: { fraction: 0 },
  };
  const { job, delivery } = announce(after, now, after.runs === 1);
  const { rows } = await pool.query<JobRow>(
    `WITH c AS (
       UPDATE ${s}.jobs SET status = 'running', holder = $2, lease_until = now() + $3 * interval '1 ms',
         runs = runs + 1, started_at = $5, progress = '{"fraction":0}', event_seq = event_seq + 1
       WHERE id = $1 AND runs = $4 AND (status = 'queued' OR (status = 'running' AND lease_until < now()))
       RETURNING *
     ), ev AS (
       INSERT INTO ${s}.job_events (job_id, seq, type, data) SELECT id, event_seq, 'status', $6 FROM c
     ), hook AS (
       INSERT INTO ${s}.webhook_deliveries (id, job_id, event, payload, status, next_attempt_at)
       SELECT $8::text, id, $9, $10, 'pending', now() FROM c WHERE $8::text IS NOT NULL RETURNING id
     ), send AS (
       SELECT ${names.q}.add_job('avs_webhook', json_build_object('id', id), job_key := 'webhook:' || id,
         max_attempts := 25) FROM hook
     ), note AS (
       SELECT pg_notify($7, 'e:' || id) FROM c
     ), lazy AS (
       SELECT set_config('synchronous_commit', 'off', true)
     )
     SELECT c.*, (SELECT count(*) FROM send) AS sent, (SELECT count(*) FROM note) AS notified,
       (SELECT count(*) FROM lazy) AS lazy
     FROM c`,
    [
      jobId,
      holder,
      leaseMs,
      before.runs,
      new Date(now),
      JSON.stringify(job),
      names.channel,
      delivery?.id ?? null,
      delivery?.event ?? null,
      delivery?.payload ?? null,
    ],
  );
  if (!rows[0]) return undefined;
  return { job: recordOf(rows[0]), holder, run: after.runs };
}

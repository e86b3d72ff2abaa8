/**
 * @module The writes between a job's submission and its start on PostgreSQL, each one statement (a CTE, prepared
 * once per connection) so they cost one round trip and one commit: creating the job (its row, its `queued` event and its
 * queue entry), claiming it (the row under a lease, the `running` event, the first run's
 * webhook delivery and the notification), or, for `jobs-start here`, both at once. The event data is rendered before
 * the statement from the row it will produce, so nothing has to come back first. A claim alone is committed without
 * waiting for the WAL flush (`synchronous_commit` off): a claim lost to a database crash leaves the job queued, and
 * the fenced writes of the run that thought it held it fail. A job created and claimed at once is durable at once.
 */
import type pg from "pg";
import type { JobRecord } from "./model.js";
import type { PgNames, Query } from "./postgres-schema.js";
import { JOB_COLUMNS, type JobRow, recordOf } from "./rows.js";
import { type Claim, type CreateOptions, type CreateResult, type NewJob, TooManyActiveJobsError } from "./store.js";
import { announce } from "./webhooks.js";

/**
 * The CTEs that queue the webhook delivery a status change owes (none when `$<id>` is null), from the rows of CTE
 * `from`: the delivery's row and its `avs_webhook` queue entry.
 */
function deliveryCtes(names: PgNames, from: string, id: number): string {
  return `hook AS (
       INSERT INTO ${names.s}.webhook_deliveries (id, job_id, event, payload, status, next_attempt_at)
       SELECT $${id}::text, id, $${id + 1}, $${id + 2}, 'pending', now() FROM ${from} WHERE $${id}::text IS NOT NULL
       RETURNING id
     ), send AS (
       SELECT ${names.q}.add_job('avs_webhook', json_build_object('id', id), job_key := 'webhook:' || id,
         max_attempts := 25) FROM hook
     )`;
}

/**
 * Inserts a job (or finds the one its idempotency key names). Files are the caller's to add in the same
 * transaction. Without `here` the job is queued and gets a queue entry. With `here` (\`jobs-start here\`) the same
 * statement also claims it: the row is written already running under `here`'s lease (run 1), with both its
 * `queued` and `running` events and the first run's webhook delivery, and without a queue entry; should its holder
 * die before it ends, the sweep re-queues it once the lease runs out, as any other. One round trip, one commit.
 * No notification: nothing can wait for the events of a job whose id is not out yet (it is, with the 202, after
 * the commit).
 * The result's `job` is the job as it was created (queued); `claim`, with `here`, is the run to start.
 * `options.keepMs` is recorded as the job's retention (`keep_ms`).
 * @example const r = await insertJob(q, names, job, { here: { holder: "host:123:ab", leaseMs: 15_000 } });
 */
export async function insertJob(
  q: Query,
  names: PgNames,
  job: NewJob,
  options: CreateOptions = {},
): Promise<CreateResult & { claim?: Claim }> {
  const { s } = names;
  const { here } = options;
  const now = Date.now();
  const { files: _files, ...fields } = job;
  const queued: JobRecord = {
    ...fields,
    status: "queued",
    cancelRequested: false,
    progress: { fraction: 0 },
    runs: 0,
    takeovers: 0,
    createdAt: now,
  };
  const running: JobRecord | undefined = here && {
    ...queued,
    status: "running",
    holder: here.holder,
    runs: 1,
    startedAt: now,
  };
  const started = running && announce(running, now);
  const { rows } = await q.query<JobRow>({
    // Named: each connection parses and plans it once.
    name: `avs-insert-job:${s}`,
    text: `WITH ins AS (
       INSERT INTO ${s}.jobs (id, owner, pipeline, model_id, request_id, base_url, multipart, units, inputs,
         idempotency_key, body_hash, status, progress, webhook_url, webhook_secret, event_seq, created_at,
         holder, lease_until, runs, started_at, keep_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
         CASE WHEN $16::text IS NULL THEN 'queued' ELSE 'running' END, '{"fraction":0}', $12, $13,
         CASE WHEN $16::text IS NULL THEN 1 ELSE 2 END, $14::timestamptz,
         $16::text, CASE WHEN $16::text IS NOT NULL THEN now() + $17::double precision * interval '1 ms' END,
         CASE WHEN $16::text IS NULL THEN 0 ELSE 1 END, CASE WHEN $16::text IS NOT NULL THEN $14::timestamptz END,
         $22::bigint)
       ON CONFLICT (owner, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING ${JOB_COLUMNS}
     ), ev AS (
       INSERT INTO ${s}.job_events (job_id, seq, type, data)
       SELECT id, 1, 'status', $15::jsonb FROM ins
       UNION ALL SELECT id, 2, 'status', $18::jsonb FROM ins WHERE $16::text IS NOT NULL
     ), queue AS (
       SELECT ${names.q}.add_job('avs_job', json_build_object('id', id), job_key := id, max_attempts := 25) FROM ins
       WHERE $16::text IS NULL
     ), ${deliveryCtes(names, "ins", 19)}
     SELECT ins.*, (SELECT count(*) FROM queue) AS queued, (SELECT count(*) FROM send) AS sent FROM ins`,
    values: [
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
      JSON.stringify(announce(queued, now).job),
      here?.holder ?? null,
      here?.leaseMs ?? null,
      started ? JSON.stringify(started.job) : null,
      started?.delivery?.id ?? null,
      started?.delivery?.event ?? null,
      started?.delivery?.payload ?? null,
      options.keepMs ?? null,
    ],
  });
  if (rows[0]) {
    const stored = recordOf(rows[0]);
    if (!here) return { kind: "created", job: stored };
    const { holder: _holder, startedAt: _startedAt, ...rest } = stored;
    return {
      kind: "created",
      job: { ...rest, status: "queued", runs: 0 },
      claim: { job: stored, holder: here.holder, run: 1, leasedAt: now },
    };
  }
  // The key exists (a concurrent insert waited for its transaction, then did nothing).
  return (await byKey(q, names, job))!;
}

/** The job `job`'s idempotency key already names: the same request (`existing`) or another (`conflict`). */
async function byKey(q: Query, { s }: PgNames, job: NewJob): Promise<CreateResult | undefined> {
  const found = await q.query<JobRow>(
    `SELECT ${JOB_COLUMNS} FROM ${s}.jobs WHERE owner = $1 AND idempotency_key = $2`,
    [job.owner, job.idempotencyKey],
  );
  const existing = found.rows[0] && recordOf(found.rows[0]);
  return existing && { kind: existing.bodyHash === job.bodyHash ? "existing" : "conflict", job: existing };
}

/**
 * Holds `owner`'s limit of `maxActive` jobs queued or running, inside the transaction that has just inserted one
 * more of them (the last step before its commit). It waits for the owner's creation lock, held to the end of the
 * transaction, so one owner's creations pass this point one at a time on every broadcaster sharing the store; then
 * it counts the owner's queued and running jobs, the new one included. Over the limit it throws
 * {@link TooManyActiveJobsError}, and the insert (row, events, queue entry, files) is rolled back. Counted before
 * the insert instead, a burst of submissions all saw room while each copied its upload, and all passed.
 * @example await holdLimit(q, names, job.owner, 100);
 */
export async function holdLimit(q: Query, names: PgNames, owner: string, maxActive: number): Promise<void> {
  const { s } = names;
  await q.query({
    name: `avs-owner-lock:${s}`,
    text: "SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))",
    values: [`avs-jobs:${s}`, owner],
  });
  const { rows } = await q.query<{ n: number }>({
    name: `avs-active-jobs:${s}`,
    text: `SELECT count(*)::int AS n FROM ${s}.jobs WHERE owner = $1 AND status IN ('queued', 'running')`,
    values: [owner],
  });
  const others = rows[0]!.n - 1;
  if (others >= maxActive) throw new TooManyActiveJobsError(others, maxActive);
}

/**
 * Claims job `jobId` for `holder` when it is queued or its holder's lease ran out; undefined when another holder
 * has it (or took it between the read and the claim: the claim is conditional on the run number read).
 * @example const claim = await claimJob(pool, names, id, "host:123:ab", 15_000);
 */
export async function claimJob(
  pool: pg.Pool,
  names: PgNames,
  jobId: string,
  holder: string,
  leaseMs: number,
): Promise<Claim | undefined> {
  const { s } = names;
  const read = await pool.query<JobRow>({
    name: `avs-read-job:${s}`,
    text: `SELECT ${JOB_COLUMNS} FROM ${s}.jobs WHERE id = $1`,
    values: [jobId],
  });
  const before = read.rows[0] && recordOf(read.rows[0]);
  if (!before || (before.status !== "queued" && before.status !== "running")) return undefined;
  const now = Date.now();
  const after: JobRecord = {
    ...before,
    status: "running",
    holder,
    runs: before.runs + 1,
    takeovers: before.takeovers + (before.status === "running" ? 1 : 0),
    startedAt: now,
    progress: { fraction: 0 },
  };
  const { job, delivery } = announce(after, now, after.runs === 1);
  const { rows } = await pool.query<JobRow>({
    name: `avs-claim-job:${s}`,
    text: `WITH c AS (
       UPDATE ${s}.jobs SET status = 'running', holder = $2, lease_until = now() + $3 * interval '1 ms',
         runs = runs + 1, takeovers = takeovers + CASE WHEN status = 'running' THEN 1 ELSE 0 END, started_at = $5,
         progress = '{"fraction":0}', event_seq = event_seq + 1
       WHERE id = $1 AND runs = $4 AND (status = 'queued' OR (status = 'running' AND lease_until < now()))
       RETURNING ${JOB_COLUMNS}, event_seq
     ), ev AS (
       INSERT INTO ${s}.job_events (job_id, seq, type, data) SELECT id, event_seq, 'status', $6 FROM c
     ), ${deliveryCtes(names, "c", 8)}, note AS (
       SELECT pg_notify($7, 'e:' || id) FROM c
     ), lazy AS (
       SELECT set_config('synchronous_commit', 'off', true)
     )
     SELECT c.*, (SELECT count(*) FROM send) AS sent, (SELECT count(*) FROM note) AS notified,
       (SELECT count(*) FROM lazy) AS lazy
     FROM c`,
    values: [
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
  });
  if (!rows[0]) return undefined;
  return { job: recordOf(rows[0]), holder, run: after.runs, leasedAt: now, takenOver: before.status === "running" };
}

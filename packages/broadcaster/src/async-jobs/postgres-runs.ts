/**
 * @module A job's run on PostgreSQL: the writes its holder makes (progress, the outcome, a hand-back), each fenced by
 * holder and run number so a broadcaster whose job was taken over writes nothing; the lease renewal; the sweep that
 * re-queues jobs whose holder stopped renewing; the queue entry that makes some broadcaster claim a job; and the
 * event (with the webhook delivery it owes and its notification) that each change of state appends.
 */
import type pg from "pg";
import type { JobOutcome, JobProgress, JobRecord } from "./model.js";
import { CLAIM_RETRY_MAX_MS } from "./postgres-claim-retry.js";
import { enqueueDelivery, requeueOverdueDeliveries } from "./postgres-deliveries.js";
import { ENDED_NOW, type PgNames, type Query, transaction } from "./postgres-schema.js";
import { JOB_COLUMNS, type JobRow, recordOf } from "./rows.js";
import { storable } from "./storable-text.js";
import type { Claim, HeldJob } from "./store.js";
import { announce } from "./webhooks.js";

/**
 * Adds (or re-adds) the queue entry that makes some broadcaster claim the job.
 * @example await addQueueEntry(q, names, job.id);
 */
export async function addQueueEntry(q: Query, names: PgNames, jobId: string): Promise<void> {
  await q.query(
    `SELECT ${names.q}.add_job('avs_job', json_build_object('id', $1::text), job_key := $1, max_attempts := 25)`,
    [jobId],
  );
}

/**
 * Appends the status or result event of `record`, queues the webhook delivery it owes (unless `webhook` is false),
 * and notifies the store's channel.
 */
export async function announceChange(
  q: Query,
  names: PgNames,
  record: JobRecord,
  type: "status" | "result",
  webhook = true,
): Promise<void> {
  const { s, channel } = names;
  const { job, delivery } = announce(record, Date.now(), webhook);
  await q.query(
    `WITH u AS (UPDATE ${s}.jobs SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq)
     INSERT INTO ${s}.job_events (job_id, seq, type, data) SELECT $1, event_seq, $2, $3 FROM u`,
    [record.id, type, JSON.stringify(job)],
  );
  if (delivery) {
    await q.query(
      `INSERT INTO ${s}.webhook_deliveries (id, job_id, event, payload, status, next_attempt_at)
       VALUES ($1, $2, $3, $4, 'pending', now())`,
      [delivery.id, record.id, delivery.event, delivery.payload],
    );
    await enqueueDelivery(q, names, delivery.id, null);
  }
  await q.query("SELECT pg_notify($1, $2)", [channel, `e:${record.id}`]);
}

/** Writes the run's progress and its event in one statement; false when the run is no longer the job's. */
export async function writeProgress(
  pool: pg.Pool,
  names: PgNames,
  claim: Claim,
  progress: JobProgress,
): Promise<boolean> {
  const { s, channel } = names;
  const { rows } = await pool.query(
    `WITH u AS (UPDATE ${s}.jobs SET progress = $4, event_seq = event_seq + 1
              WHERE id = $1 AND holder = $2 AND runs = $3 AND status = 'running' RETURNING event_seq),
        e AS (INSERT INTO ${s}.job_events (job_id, seq, type, data)
              SELECT $1, event_seq, 'progress', $4 FROM u RETURNING seq)
     SELECT pg_notify($5, 'e:' || $1) FROM e`,
    [claim.job.id, claim.holder, claim.run, JSON.stringify(progress), channel],
  );
  return rows.length === 1;
}

/** Ends the run with `outcome` (its inputs deleted, its result event announced); false when it is no longer the job's. */
export function finishRun(pool: pg.Pool, names: PgNames, claim: Claim, outcome: JobOutcome): Promise<boolean> {
  const { s } = names;
  return transaction(pool, async (q) => {
    const { rows } = await q.query<JobRow>(
      `UPDATE ${s}.jobs SET status = $4, result = $5, error = $6, progress = COALESCE($7, progress),
         ${ENDED_NOW}, holder = NULL, lease_until = NULL
       WHERE id = $1 AND holder = $2 AND runs = $3 AND status = 'running' RETURNING ${JOB_COLUMNS}`,
      [
        claim.job.id,
        claim.holder,
        claim.run,
        outcome.status,
        outcome.status === "succeeded" ? JSON.stringify(outcome.media) : null,
        outcome.status === "failed" ? JSON.stringify(outcome.error) : null,
        outcome.status === "succeeded" ? '{"fraction":1}' : null,
      ],
    );
    if (!rows[0]) return false;
    await q.query(`DELETE FROM ${s}.job_files WHERE job_id = $1`, [claim.job.id]);
    await announceChange(q, names, recordOf(rows[0]), "result");
    return true;
  });
}

/** Hands the run's job back to the queue (stopping); false when the run is no longer the job's. */
export function releaseRun(pool: pg.Pool, names: PgNames, claim: Claim): Promise<boolean> {
  return transaction(pool, async (q) => {
    const { rows } = await q.query<JobRow>(
      `UPDATE ${names.s}.jobs SET status = 'queued', holder = NULL, lease_until = NULL
       WHERE id = $1 AND holder = $2 AND runs = $3 AND status = 'running' RETURNING ${JOB_COLUMNS}`,
      [claim.job.id, claim.holder, claim.run],
    );
    if (!rows[0]) return false;
    await announceChange(q, names, recordOf(rows[0]), "status");
    await addQueueEntry(q, names, claim.job.id);
    return true;
  });
}

/**
 * Renews the leases of `holder`'s jobs that still run there (`running`, their ids); returns them (run numbers and
 * cancel flags). A job held in the store but not running there any more is left to its lease (see `Workers.running`).
 */
export async function renewLeases(
  pool: pg.Pool,
  names: PgNames,
  holder: string,
  leaseMs: number,
  running: readonly string[],
): Promise<HeldJob[]> {
  const { rows } = await pool.query<{ id: string; runs: number; cancel_requested: boolean }>(
    `UPDATE ${names.s}.jobs SET lease_until = now() + $2 * interval '1 ms'
     WHERE holder = $1 AND status = 'running' AND id = ANY($3::text[]) RETURNING id, runs, cancel_requested`,
    [holder, leaseMs, running],
  );
  return rows.map((r) => ({ id: r.id, run: r.runs, cancelRequested: r.cancel_requested }));
}

/**
 * Re-adds the queue entry of every job that would otherwise wait for nothing: running under a lease its holder
 * stopped renewing, or queued for longer than `leaseMs` without a live entry (graphile-worker's `jobs` view shows
 * none that is free and due within `CLAIM_RETRY_MAX_MS` — a failed claim's entry that graphile-worker itself put off
 * by e^attempts seconds is not —, or locked less than `leaseMs` ago: its holder died between taking the entry and
 * claiming the job). Also re-queues pending webhook deliveries overdue by more than `leaseMs` (their sender died mid-attempt).
 * A duplicate entry is harmless: its claim finds the job taken and does nothing. Returns how many were re-added.
 */
export async function requeueExpired(pool: pg.Pool, names: PgNames, leaseMs: number): Promise<number> {
  const { s, q } = names;
  const jobs = await pool.query(
    `SELECT ${q}.add_job('avs_job', json_build_object('id', j.id), job_key := j.id, max_attempts := 25)
     FROM ${s}.jobs j
     WHERE (j.status = 'running' AND j.lease_until < now())
        OR (j.status = 'queued' AND j.created_at < now() - $1 * interval '1 ms'
            AND NOT EXISTS (SELECT 1 FROM ${q}.jobs g WHERE g.key = j.id AND g.attempts < g.max_attempts
                            AND g.run_at <= now() + $2 * interval '1 ms'
                            AND (g.locked_at IS NULL OR g.locked_at > now() - $1 * interval '1 ms')))`,
    [leaseMs, CLAIM_RETRY_MAX_MS],
  );
  const deliveries = await requeueOverdueDeliveries(pool, names, leaseMs);
  return (jobs.rowCount ?? 0) + deliveries;
}

/**
 * Ends a job the store would not let any broadcaster claim: `failed` with a 500 whose message says why (its result
 * event, `job.failed` webhook and notification as for any end; its inputs deleted). Only a job still waiting for a
 * claim (queued, or running under a lease that ran out); false for any other.
 * @example await failUnclaimable(pool, names, id, "the job store refused to start the job 5 times in a row (…)");
 */
export function failUnclaimable(pool: pg.Pool, names: PgNames, jobId: string, msg: string): Promise<boolean> {
  const { s } = names;
  const error = storable({ status: 500, detail: { msg: `internal error: ${msg}` } });
  return transaction(pool, async (q) => {
    const { rows } = await q.query<JobRow>(
      `UPDATE ${s}.jobs SET status = 'failed', error = $2, ${ENDED_NOW}, holder = NULL, lease_until = NULL
       WHERE id = $1 AND (status = 'queued' OR (status = 'running' AND lease_until < now())) RETURNING ${JOB_COLUMNS}`,
      [jobId, JSON.stringify(error)],
    );
    if (!rows[0]) return false;
    await q.query(`DELETE FROM ${s}.job_files WHERE job_id = $1`, [jobId]);
    await announceChange(q, names, recordOf(rows[0]), "result");
    return true;
  });
}

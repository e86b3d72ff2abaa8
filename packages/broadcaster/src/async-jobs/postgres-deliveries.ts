/**
 * @module Webhook deliveries in the PostgreSQL store: each is an `avs_webhook` entry of graphile-worker's queue,
 * scheduled at its next attempt. A broadcaster leases the delivery while it sends it (`next_attempt_at` moves past
 * the attempt's end), so a delivery whose sender died mid-attempt is overdue and re-queued by the sweep.
 */
import type pg from "pg";
import type { PgNames, Query } from "./postgres-schema.js";
import { transaction } from "./postgres-schema.js";
import { type DueDeliveryRow, dueDeliveryOf } from "./rows.js";
import { type DeliveryAttempt, type DueDelivery, deliverySender } from "./store.js";

/**
 * Adds the queue entry that sends delivery `id` at `at` (null: now).
 * @example await enqueueDelivery(q, names, delivery.id, null);
 */
export async function enqueueDelivery(q: Query, names: PgNames, id: string, at: Date | null): Promise<void> {
  await q.query(
    `SELECT ${names.q}.add_job('avs_webhook', json_build_object('id', $1::text), run_at := $2,
       job_key := 'webhook:' || $1, max_attempts := 25)`,
    [id, at],
  );
}

/**
 * The delivery when it is pending, leased for `leaseMs`.
 * @example const due = await takeDelivery(pool, names, id, 17_000);
 */
export async function takeDelivery(
  pool: pg.Pool,
  names: PgNames,
  id: string,
  leaseMs: number,
): Promise<DueDelivery | undefined> {
  const { s } = names;
  const { rows } = await pool.query<DueDeliveryRow>(
    `WITH d AS (UPDATE ${s}.webhook_deliveries SET next_attempt_at = now() + $2 * interval '1 ms'
                WHERE id = $1 AND status = 'pending' RETURNING id, job_id, event, payload, attempts)
     SELECT d.id, d.job_id, d.event, d.payload, d.attempts, j.webhook_url, j.webhook_secret,
       ${deliverySender("j")} AS sender
     FROM d JOIN ${s}.jobs j ON j.id = d.job_id`,
    [id, leaseMs],
  );
  return rows[0] && dueDeliveryOf(rows[0]);
}

/**
 * Puts delivery `id` (taken, not attempted) back until `at`: its sender has all its lanes busy in this broadcaster.
 * @example await postponeDelivery(pool, names, due.id, new Date(Date.now() + 1000));
 */
export async function postponeDelivery(pool: pg.Pool, names: PgNames, id: string, at: Date): Promise<void> {
  await transaction(pool, async (q) => {
    await q.query(
      `UPDATE ${names.s}.webhook_deliveries SET next_attempt_at = $2 WHERE id = $1 AND status = 'pending'`,
      [id, at],
    );
    await enqueueDelivery(q, names, id, at);
  });
}

/**
 * Records an attempt, and queues the next one when `r.retryAt` asks for it.
 * @example await recordDelivery(pool, names, due.id, await deliverWebhook(due, policy));
 */
export async function recordDelivery(pool: pg.Pool, names: PgNames, id: string, r: DeliveryAttempt): Promise<void> {
  await transaction(pool, async (q) => {
    await q.query(
      `UPDATE ${names.s}.webhook_deliveries SET attempts = attempts + 1, status = $2, last_status_code = $3,
         last_error = $4, next_attempt_at = $5, delivered_at = CASE WHEN $6 THEN now() END
       WHERE id = $1`,
      [
        id,
        r.ok ? "delivered" : r.retryAt !== undefined ? "pending" : "failed",
        r.statusCode ?? null,
        r.ok ? null : (r.error ?? null),
        !r.ok && r.retryAt !== undefined ? new Date(r.retryAt) : null,
        r.ok,
      ],
    );
    if (!r.ok && r.retryAt !== undefined) await enqueueDelivery(q, names, id, new Date(r.retryAt));
  });
}

/**
 * Re-queues pending deliveries overdue by more than `graceMs`; returns how many.
 * @example await requeueOverdueDeliveries(pool, names, 15_000);
 */
export async function requeueOverdueDeliveries(pool: pg.Pool, names: PgNames, graceMs: number): Promise<number> {
  const { rowCount } = await pool.query(
    `SELECT ${names.q}.add_job('avs_webhook', json_build_object('id', id), job_key := 'webhook:' || id,
       max_attempts := 25)
     FROM ${names.s}.webhook_deliveries WHERE status = 'pending' AND next_attempt_at < now() - $1 * interval '1 ms'`,
    [graceMs],
  );
  return rowCount ?? 0;
}

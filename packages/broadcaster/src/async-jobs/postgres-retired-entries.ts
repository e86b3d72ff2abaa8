/**
 * @module The queue entries graphile-worker (0.17) retires and never deletes. Adding an entry whose `job_key` names
 * a locked one (the sweep re-queueing a dead broadcaster's job or delivery; a handler re-adding its own entry)
 * clears the locked row's key and spends its attempts, then inserts a fresh row. A live handler deletes its retired
 * row when it returns; a dead broadcaster's stays locked by its worker pool, is unlocked by graphile-worker after
 * 4 hours, and then stays for ever, a permanently failed row. Every entry this store adds carries a key, so a row
 * without one is a retired one. The sweep deletes them with graphile-worker's admin functions
 * (`forceUnlockWorkers`, then `completeJobs`, which deletes only unlocked rows).
 */
import type { WorkerUtils } from "graphile-worker";
import type { PgNames } from "./postgres-schema.js";

/** The retired rows that may go, and the worker pools that hold them. */
export interface RetiredEntries {
  ids: string[];
  pools: string[];
}

/**
 * Finds the retired `avs_job` and `avs_webhook` rows that no live handler can still be holding: retired more than
 * `graceMs` ago (a handler that re-adds its own entry returns within moments), whose job does not run under a
 * lease still renewed (its holder's handler holds its entry for the whole run; how long a row has been locked says
 * nothing) nor whose delivery is leased or scheduled, and locked by no pool or by a pool that holds no other row
 * (a pool that does is alive, or may be: unlocking it would free its live entries for a second handler).
 * @example const { ids, pools } = await findRetiredEntries(utils, names, 15_000);
 */
export async function findRetiredEntries(utils: WorkerUtils, names: PgNames, graceMs: number): Promise<RetiredEntries> {
  const { s, q } = names;
  const { rows } = await utils.withPgClient((client) =>
    client.query<{ id: string; locked_by: string | null }>(
      `WITH retired AS (
         SELECT p.id, p.locked_by FROM ${q}._private_jobs p JOIN ${q}._private_tasks t ON t.id = p.task_id
         WHERE p.key IS NULL AND p.attempts >= p.max_attempts AND t.identifier IN ('avs_job', 'avs_webhook')
           AND p.updated_at < now() - $1 * interval '1 ms'
           AND NOT (t.identifier = 'avs_job' AND EXISTS (
             SELECT 1 FROM ${s}.jobs j
             WHERE j.id = p.payload->>'id' AND j.status = 'running' AND j.lease_until > now()))
           AND NOT (t.identifier = 'avs_webhook' AND EXISTS (
             SELECT 1 FROM ${s}.webhook_deliveries d
             WHERE d.id = p.payload->>'id' AND d.status = 'pending' AND d.next_attempt_at > now()))
       )
       SELECT r.id::text, r.locked_by FROM retired r
       WHERE r.locked_by IS NULL OR NOT EXISTS (
         SELECT 1 FROM ${q}._private_jobs o WHERE o.locked_by = r.locked_by AND o.id NOT IN (SELECT id FROM retired))`,
      [graceMs],
    ),
  );
  const pools = new Set<string>();
  for (const r of rows) if (r.locked_by) pools.add(r.locked_by);
  return { ids: rows.map((r) => r.id), pools: [...pools] };
}

/**
 * Deletes the rows {@link findRetiredEntries} finds: unlocks their pools, then completes them. Should a pool thought
 * dead take an entry between the two (it was alive after all), that entry is unlocked and may be handled twice,
 * which a claim (fenced by the job's run number) and a delivery's lease make harmless. Returns the rows deleted.
 * @example const n = await dropRetiredEntries(utils, names, leaseMs);
 */
export async function dropRetiredEntries(
  utils: WorkerUtils,
  names: PgNames,
  graceMs: number,
): Promise<{ deleted: number; pools: string[] }> {
  const { ids, pools } = await findRetiredEntries(utils, names, graceMs);
  if (ids.length === 0) return { deleted: 0, pools };
  if (pools.length > 0) await utils.forceUnlockWorkers(pools);
  return { deleted: (await utils.completeJobs(ids)).length, pools };
}

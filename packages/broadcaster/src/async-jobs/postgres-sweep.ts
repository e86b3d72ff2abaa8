/**
 * @module The PostgreSQL job store's sweep of ended jobs. Each job keeps the retention of the broadcaster that made
 * it (`keep_ms`, turned into `expires_at` when it ends; see `ENDED_NOW`), so broadcasters sharing the store with
 * different `job-retention-ms` never delete each other's jobs early; only the jobs of older releases, which have no
 * `expires_at`, go by the sweeping broadcaster's setting.
 */
import type pg from "pg";
import { type PgNames, transaction } from "./postgres-schema.js";

/**
 * Deletes the jobs past their own `expires_at` (by the database's clock), and the ended jobs without one that
 * ended before `before` (epoch ms), with their events, files and deliveries, under a time limit of `limitMs`;
 * returns how many. Two index ranges (`jobs_expires`, `jobs_finished`), however many jobs are kept.
 * @example await deleteExpiredJobs(pool, names, Date.now() - 86_400_000, 50_000)
 */
export function deleteExpiredJobs(pool: pg.Pool, names: PgNames, before: number, limitMs: number): Promise<number> {
  return transaction(pool, async (q) => {
    await q.query(`SET LOCAL statement_timeout = ${limitMs}`);
    const { rowCount } = await q.query({
      text: `DELETE FROM ${names.s}.jobs WHERE expires_at < now() OR (expires_at IS NULL AND finished_at < $1)`,
      values: [new Date(before)],
      query_timeout: limitMs,
    } as pg.QueryConfig);
    return rowCount ?? 0;
  });
}

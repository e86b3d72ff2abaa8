/**
 * @module What a broadcaster on PostgreSQL does when its claim of a queued job fails. Left to graphile-worker, the
 * queue entry would come back after its own retry delay, e^attempts seconds (2.7, 7.4, 20, 55, 148 s …, 6 h at most),
 * while the sweep takes an entry it still holds for alive: four failed claims in a row made a job wait 86 s, and a
 * job the store refuses to claim every time sat queued for days, then for ever (the sweep re-added its entry once
 * graphile-worker gave up). Instead the handler re-adds the entry itself, due after a short delay that doubles up to
 * {@link CLAIM_RETRY_MAX_MS}, and counts the failures in its payload; a job whose claim the store refused (answered
 * with an error, not unreachable) {@link MAX_CLAIM_REFUSALS} times ends `failed`.
 */
import type pg from "pg";
import type { PgNames } from "./postgres-schema.js";

/** Delay before the first claim again, ms; it doubles with each failure. */
export const CLAIM_RETRY_BASE_MS = 250;
/** Longest delay before a claim again, ms: a job whose claims fail is tried at least this often. */
export const CLAIM_RETRY_MAX_MS = 5000;
/**
 * How long a broadcaster's queue runner that took an entry with every `jobs-concurrency` slot taken (jobs started
 * here under `jobs-start here` count too) waits for one to come free, ms; then the entry goes back to the queue, due
 * at once, for whichever broadcaster has room.
 */
export const FULL_WAIT_MS = 2000;
/**
 * Claims the store may refuse before the job ends failed: answered with an error that is neither its absence nor a
 * transaction rolled back (SQLSTATE class 40, a deadlock or serialization failure, is tried again without counting).
 */
export const MAX_CLAIM_REFUSALS = 5;

/** The payload of an `avs_job` queue entry: the job, and the claims of it that failed so far. */
export interface JobEntry {
  id: string;
  /** Claims that failed in a row, whatever the reason (the next delay doubles with each). */
  failures?: number;
  /** Of those, the claims the store refused. */
  refusals?: number;
}

/**
 * The delay before claiming again after `failures` failed claims (1 or more): 0.25, 0.5, 1, 2, 4, then 5 s.
 * @example claimRetryDelay(3) // 1000
 */
export function claimRetryDelay(failures: number): number {
  return Math.min(CLAIM_RETRY_MAX_MS, CLAIM_RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));
}

/**
 * Re-adds the job's queue entry, due `delayMs` from now on the database's clock, with its failure counts. Called by
 * the handler of the job's current entry, which it retires (graphile-worker's `job_key` replace mode).
 * @example await retryClaim(queuePool, names, { id, failures: 1, refusals: 0 }, 250);
 */
export async function retryClaim(q: pg.Pool, names: PgNames, entry: JobEntry, delayMs: number): Promise<void> {
  await q.query(
    `SELECT ${names.q}.add_job('avs_job', $2::json, job_key := $1, max_attempts := 25,
       run_at := now() + $3::double precision * interval '1 ms')`,
    [entry.id, JSON.stringify(entry), delayMs],
  );
}

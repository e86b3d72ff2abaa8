/**
 * @module Recording how a run of an asynchronous job ended, through a job store that may be out of reach for a
 * moment as the run ends.
 */
import { unavailableReason } from "./availability.js";
import { FINAL_STATUSES, type JobOutcome } from "./model.js";
import type { Claim, JobStore } from "./store.js";

/**
 * Records how the run ended. While the store cannot be reached the write is tried again (after 0.1 s, doubling up
 * to 1 s) for as long as the run holds the job (`holds`): its heartbeats renew the lease once the store answers, so
 * a store that was down for a moment when a long job ended does not make it run again from the start. It gives up
 * once the run no longer holds the job (the lease lost or run out, or the broadcaster handing it back), and throws
 * the store's error. A write that failed may have committed all the same (its answer was lost): when a later one
 * finds the run no longer holding the job, the job is read to tell whether this run ended it. Errors other than the
 * store's absence are thrown at once. Resolves with whether this run ended the job.
 * @example const ended = await recordEnd(store, claim, { status: "cancelled" }, { holds: () => true, onFirstFailure: log });
 */
export async function recordEnd(
  store: JobStore,
  claim: Claim,
  outcome: JobOutcome,
  run: { holds: () => boolean; onFirstFailure: (err: Error) => void },
): Promise<boolean> {
  let failed: unknown;
  for (let waitMs = 100; ; waitMs = Math.min(1000, waitMs * 2)) {
    try {
      const ended = await store.finish(claim, outcome);
      return ended || (failed !== undefined && (await endedBy(store, claim)));
    } catch (err) {
      if (unavailableReason(err) === undefined) throw err;
      failed = err;
    }
    if (!run.holds()) {
      if (await endedBy(store, claim).catch(() => false)) return true;
      throw failed;
    }
    if (waitMs === 100) run.onFirstFailure(failed as Error);
    await new Promise((r) => setTimeout(r, waitMs));
  }
}

/** Whether `claim`'s run ended the job (a write of its end committed though its answer was lost). */
async function endedBy(store: JobStore, claim: Claim): Promise<boolean> {
  const now = await store.get(claim.job.id);
  return now !== undefined && now.runs === claim.run && FINAL_STATUSES.has(now.status);
}

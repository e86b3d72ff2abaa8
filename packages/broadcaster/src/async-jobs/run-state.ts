/**
 * @module The state of one asynchronous job's run in the executor: where it is (see {@link Phase}), its lease as
 * this broadcaster knows it, and why it was stopped.
 */
import type { Claim } from "./store.js";

/** Why a run was stopped; a `shutdown` stop `early` came before the grace ran out (the job was not upstream). */
export class Stop extends Error {
  readonly kind: "cancelled" | "shutdown" | "lost" | "expired";
  readonly early: boolean;
  constructor(kind: Stop["kind"], early = false) {
    super(`job ${kind}`);
    this.kind = kind;
    this.early = early;
  }
}

/**
 * Where a run is: getting ready (its inputs read from the store), waiting for orchestrator capacity, with an
 * orchestrator (an attempt sent, or between attempts), or recording its end. A stopping broadcaster hands a job
 * back at once unless it is `upstream` or `ending`: one that has not reached an orchestrator loses nothing.
 */
export type Phase = "preparing" | "waiting" | "upstream" | "ending";

/** A job running here, as the executor tracks it. */
export interface Running {
  claim: Claim;
  controller: AbortController;
  claimedAt: number;
  /** When the write of the lease's last known renewal was sent (local clock): the lease lasts past this + leaseMs. */
  renewedAt: number;
  /** Stops the job when its lease runs out. */
  expiry?: NodeJS.Timeout;
  phase: Phase;
  done: Promise<void>;
}

/** How late past its lease a run's lease timer must fire to say this process was paused or blocked, ms. */
export const PAUSED_MS = 1000;

/**
 * The log line of a run stopped because its lease ran out unrenewed at `now`. Either the heartbeats could not reach
 * the store, or this process could not send them: paused (SIGSTOP, a frozen VM) or blocked, as its lease timer
 * firing late shows.
 * @example leaseExpiry(run, 30_000, Date.now()).msg // "lease ran out without a renewal (the job store could not …"
 */
export function leaseExpiry(
  run: Running,
  leaseMs: number,
  now: number,
): { msg: string; fields: Record<string, number> } {
  const lateMs = Math.max(0, now - (run.renewedAt + leaseMs));
  const why =
    lateMs >= PAUSED_MS
      ? `this process was paused or blocked for about ${Math.round(lateMs / 1000)} s past the lease`
      : "the job store could not be reached";
  return {
    msg: `lease ran out without a renewal (${why}); the job was stopped and runs again on whichever broadcaster takes it`,
    fields: { lease_ms: leaseMs, late_ms: lateMs },
  };
}

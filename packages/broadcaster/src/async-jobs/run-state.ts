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

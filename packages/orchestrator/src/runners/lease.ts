/**
 * @module A job's hold on one slot of one ready runner: taken from the runner's slots by the pool, given back once
 * by `release()`, however often it is called.
 */
import type { ManagedRunner } from "./managed-runner.js";

/** A job's hold on one slot of one ready runner; `release()` exactly once. */
export interface Lease {
  runner: ManagedRunner;
  release(): void;
}

/**
 * The lease of a slot `runner` has given: released once, however often `release` is called.
 * @example if (runner.slots.tryTake()) return leaseOf(runner);
 */
export function leaseOf(runner: ManagedRunner): Lease {
  let done = false;
  const release = () => {
    if (done) return;
    done = true;
    runner.slots.give();
    runner.lastUsed = Date.now();
  };
  return { runner, release };
}

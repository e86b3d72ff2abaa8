/**
 * @module What a dispatch waits for: how long a job without a pick waits before it selects again, and, after a
 * successful attempt, its progress watcher's last read (see `dispatch.ts`).
 */
import type { Orchestrator } from "../orchestrators/orchestrator.js";
import type { OrchestratorRegistry } from "../orchestrators/registry.js";

/**
 * The longest wait, after a successful attempt, for its watcher to finish reading (see `DispatchHooks.onAttempt` in
 * `dispatch.ts`). The orchestrator sends the stream's `end` as it answers, so a watcher that is connected finishes
 * at once; one still connecting needs one round trip.
 */
export const SETTLE_MS = 1000;

/**
 * How long a job that got no pick waits before it selects again: until the first hold-back ends, or until a full
 * orchestrator's `/info` may be read again (it is read now when due; its answer wakes the job sooner). Undefined when
 * nothing is held back or full: there is nothing to wait for.
 * @example const ms = waitFor(registry, pick, Date.now());
 */
export function waitFor(registry: OrchestratorRegistry, pick: { waitMs?: number; full?: Orchestrator[] }, now: number) {
  let ms = pick.waitMs;
  for (const o of pick.full ?? []) {
    const due = registry.probe(o, now);
    ms = ms === undefined ? due : Math.min(ms, due);
  }
  return ms;
}

/**
 * Resolves when `watched` settles, after {@link SETTLE_MS}, or when `signal` aborts, whichever comes first; never
 * rejects.
 * @example await settle(watched, clientSignal);
 */
export function settle(watched: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, SETTLE_MS);
    signal.addEventListener("abort", done, { once: true });
    if (signal.aborted) done();
    watched.then(done, done);
  });
}

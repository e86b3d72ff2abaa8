/** @module The progress writes of a job's run: throttled, in order, the latest value winning. */
import type { JobProgress } from "./model.js";
import { storable } from "./storable-text.js";
import type { Claim, JobStore } from "./store.js";

/** What a run pushes its progress to. */
export interface ProgressWriter {
  /** A step: written within `everyMs`, unless a later one replaces it first. */
  push(p: JobProgress): void;
  /** The job waits for an orchestrator slot: its stage says so (the fraction kept) until the next step. */
  waiting(): void;
  /** Writes what is pending now, and waits for every write. */
  flush(): Promise<void>;
}

/**
 * Writes the progress of `claim`'s run to `store` at most every `everyMs`; a write that fails is dropped (the next
 * one carries the latest value).
 * @example const progress = progressWriter(store, claim, 250); progress.push({ fraction: 0.5 }); await progress.flush();
 */
export function progressWriter(store: JobStore, claim: Claim, everyMs: number): ProgressWriter {
  let latest: JobProgress | undefined;
  let last = 0;
  let chain = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const write = () => {
    timer = undefined;
    const p = latest;
    latest = undefined;
    if (!p) return;
    last = Date.now();
    chain = chain.then(() =>
      store.progress(claim, p).then(
        () => {},
        () => {},
      ),
    );
  };
  /** The fraction last pushed: a wait for capacity keeps it. */
  let fraction = 0;
  const push = (p: JobProgress) => {
    // The stage is the orchestrator's text: see storable-text.ts.
    latest = storable(p);
    fraction = p.fraction;
    if (!timer) timer = setTimeout(write, Math.max(0, last + everyMs - Date.now()));
  };
  return {
    push,
    waiting: () => push({ fraction, stage: "waiting" }),
    flush: async () => {
      if (timer) clearTimeout(timer);
      write();
      await chain;
    },
  };
}

/**
 * @module Job control across the HTTP ↔ worker boundary. A job's abort flag is one Int32 in a `SharedArrayBuffer`:
 * the HTTP thread sets it when the client goes away, and the worker, busy in synchronous `session.run` calls,
 * reads it between steps with one `Atomics.load` — no message, no event loop turn needed.
 */
import { JobAbortedError } from "../errors.js";
import type { JobControl, Progress } from "../pipelines/contract.js";

/**
 * A new, unset abort flag (shared, so it can be posted to the worker without being copied).
 * @example const flag = createAbortFlag(); engine.run(job, { abort: flag })
 */
export function createAbortFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

/**
 * Sets the flag: every control reading it reports `aborted` from now on, in any thread.
 * @example signal.addEventListener("abort", () => abortJob(flag))
 */
export function abortJob(flag: Int32Array): void {
  Atomics.store(flag, 0, 1);
}

/**
 * The {@link JobControl} of one job: `aborted` reads the shared flag, `progress` hands reports to `report`.
 * @example
 * const control = new FlagJobControl(flag, (p) => port.postMessage({ type: "progress", id, ...p }));
 * for (let i = 0; i < steps; i++) { control.throwIfAborted(); step(i); control.progress({ stage: "denoise", step: i + 1, total: steps }); }
 */
export class FlagJobControl implements JobControl {
  readonly #flag: Int32Array;
  readonly #report: (p: Progress) => void;

  constructor(flag: Int32Array, report: (p: Progress) => void) {
    this.#flag = flag;
    this.#report = report;
  }

  get aborted(): boolean {
    return Atomics.load(this.#flag, 0) !== 0;
  }

  throwIfAborted(): void {
    if (Atomics.load(this.#flag, 0) !== 0) throw new JobAbortedError();
  }

  progress(p: Progress): void {
    this.#report(p);
  }
}

/**
 * A control that is never aborted and drops progress: for jobs run outside a server (verification, benchmarks).
 * @example await loaded.run(job, NO_JOB_CONTROL)
 */
export const NO_JOB_CONTROL: JobControl = Object.freeze({
  aborted: false,
  progress() {},
  throwIfAborted() {},
});

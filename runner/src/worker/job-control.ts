/**
 * @module Job control across the HTTP ↔ worker boundary. A job's flags are two Int32s in a `SharedArrayBuffer`: the
 * abort flag, which the HTTP thread sets when the client goes away and the worker — busy in synchronous
 * `session.run` calls — reads between steps with one `Atomics.load` (no message, no event loop turn needed); and the
 * watched flag, set while someone follows the job's progress, so the worker posts a step nobody sees only when it
 * ends a stage (the steps before it go with that post as a range: see the worker's `run`).
 */
import { JobAbortedError } from "../errors.js";
import type { JobControl, Progress } from "../pipelines/contract.js";

const ABORTED = 0;
const WATCHED = 1;

/**
 * A job's new, unset flags (shared, so they can be posted to the worker without being copied).
 * @example const flag = createAbortFlag(); engine.run(job, { abort: flag })
 */
export function createAbortFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8));
}

/**
 * Sets the abort flag: every control reading it reports `aborted` from now on, in any thread.
 * @example signal.addEventListener("abort", () => abortJob(flag))
 */
export function abortJob(flag: Int32Array): void {
  Atomics.store(flag, ABORTED, 1);
}

/**
 * Records whether anyone follows the job's progress now.
 * @example channel.onSubscribers((n) => setWatched(flag, n > 0))
 */
export function setWatched(flag: Int32Array, watched: boolean): void {
  Atomics.store(flag, WATCHED, watched ? 1 : 0);
}

/**
 * Whether a progress report is worth sending: someone follows the job, or it ends a stage (the state a late
 * subscriber is shown).
 * @example if (worthReporting(flag, p)) port.postMessage(report)
 */
export function worthReporting(flag: Int32Array, p: Progress): boolean {
  return p.step >= p.total || Atomics.load(flag, WATCHED) !== 0;
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
    return Atomics.load(this.#flag, ABORTED) !== 0;
  }

  throwIfAborted(): void {
    if (Atomics.load(this.#flag, ABORTED) !== 0) throw new JobAbortedError();
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

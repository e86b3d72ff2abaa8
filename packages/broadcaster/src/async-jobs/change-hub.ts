/**
 * @module One subscription to a job store's changes per process, fanned out: event streams wait on their job's
 * changes, and cancels reach the executor. A change of job `*` (the store's notifications were interrupted) wakes
 * every stream.
 */
import type { JobChange, JobStore } from "./store.js";

/**
 * Fans out a store's changes by job.
 * @example const hub = new ChangeHub(store, (id) => executor.cancel(id)); const off = hub.subscribe(id, wake);
 */
export class ChangeHub {
  readonly #byJob = new Map<string, Set<() => void>>();
  readonly #onCancel: (jobId: string) => void;
  readonly #unwatch: () => void;
  #closed = false;

  constructor(store: JobStore, onCancel: (jobId: string) => void) {
    this.#onCancel = onCancel;
    this.#unwatch = store.watch((c) => this.#change(c));
  }

  #change(c: JobChange): void {
    if (c.kind === "cancel") {
      if (c.jobId !== "*") this.#onCancel(c.jobId);
      return;
    }
    const targets = c.jobId === "*" ? [...this.#byJob.values()] : [this.#byJob.get(c.jobId)];
    for (const set of targets) for (const fn of set ?? []) fn();
  }

  /** Calls `fn` whenever the job may have new events; returns the unsubscribe. */
  subscribe(jobId: string, fn: () => void): () => void {
    const set = this.#byJob.get(jobId) ?? new Set();
    this.#byJob.set(jobId, set);
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0 && this.#byJob.get(jobId) === set) this.#byJob.delete(jobId);
    };
  }

  /** True once closed: streams end (their clients reconnect, to another broadcaster if this one is stopping). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Stops listening to the store and wakes every stream so it can end. */
  close(): void {
    this.#closed = true;
    this.#unwatch();
    const all = [...this.#byJob.values()];
    this.#byJob.clear();
    for (const set of all) for (const fn of set) fn();
  }
}

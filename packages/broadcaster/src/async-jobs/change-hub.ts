/**
 * @module One subscription to a job store's changes per process, fanned out: event streams wait on their job's
 * changes, and cancels reach the executor. A change of job `*` (the store's notifications were interrupted) wakes
 * every stream. The streams of one job share their reads of its events: after a change, the first stream to read
 * starts one read and the others that were as far take their events from it, so a change costs one store read per
 * job, not one per open stream.
 */
import type { JobEvent } from "./model.js";
import type { JobChange, JobStore } from "./store.js";

/** A job's subscribers, how many changes it has had while watched, and the read in flight. */
interface Watched {
  wakes: Set<() => void>;
  changes: number;
  read?: { changes: number; after: number; events: Promise<JobEvent[]> };
}

/**
 * Fans out a store's changes by job.
 * @example const hub = new ChangeHub(store, (id) => executor.cancel(id)); const off = hub.subscribe(id, wake);
 */
export class ChangeHub {
  readonly #byJob = new Map<string, Watched>();
  readonly #store: JobStore;
  readonly #onCancel: (jobId: string) => void;
  readonly #unwatch: () => void;
  #closed = false;

  constructor(store: JobStore, onCancel: (jobId: string) => void) {
    this.#store = store;
    this.#onCancel = onCancel;
    this.#unwatch = store.watch((c) => this.#change(c));
  }

  #change(c: JobChange): void {
    if (c.kind === "cancel") {
      if (c.jobId !== "*") this.#onCancel(c.jobId);
      return;
    }
    if (this.#closed) return;
    const targets = c.jobId === "*" ? [...this.#byJob.values()] : [this.#byJob.get(c.jobId)];
    for (const w of targets) {
      if (!w) continue;
      w.changes++;
      for (const fn of w.wakes) fn();
    }
  }

  /** Calls `fn` whenever the job may have new events; returns the unsubscribe. */
  subscribe(jobId: string, fn: () => void): () => void {
    let w = this.#byJob.get(jobId);
    if (!w) {
      w = { wakes: new Set(), changes: 0 };
      this.#byJob.set(jobId, w);
    }
    const watched = w;
    watched.wakes.add(fn);
    return () => {
      watched.wakes.delete(fn);
      if (watched.wakes.size === 0 && this.#byJob.get(jobId) === watched) this.#byJob.delete(jobId);
    };
  }

  /**
   * Job `jobId`'s events after `after`, as the store has them now: a read started since the job's last change, from
   * no further than `after`, is shared; otherwise a new one is made (and shared in turn).
   * @example const events = await hub.events(job.id, lastSeq);
   */
  async events(jobId: string, after: number): Promise<JobEvent[]> {
    const w = this.#byJob.get(jobId);
    if (!w) return this.#store.events(jobId, after);
    const read = w.read;
    if (read && read.changes === w.changes && read.after <= after) {
      return (await read.events).filter((e) => e.seq > after);
    }
    const mine = { changes: w.changes, after, events: this.#store.events(jobId, after) };
    w.read = mine;
    const clear = () => {
      if (w.read === mine) w.read = undefined;
    };
    mine.events.then(clear, clear);
    return mine.events;
  }

  /** True once closed: streams end (their clients reconnect, to another broadcaster if this one is stopping). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Wakes every stream so it can end. Cancels still reach the executor (a stopping broadcaster's jobs run on within
   * its shutdown grace) until {@link unwatch}.
   */
  close(): void {
    this.#closed = true;
    const all = [...this.#byJob.values()];
    this.#byJob.clear();
    for (const w of all) for (const fn of w.wakes) fn();
  }

  /** Stops listening to the store (after `close()`, once no job runs here). */
  unwatch(): void {
    this.close();
    this.#unwatch();
  }
}

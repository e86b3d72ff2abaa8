/**
 * @module A signal for one outgoing call: it aborts when the caller's signal does or when the time is up.
 *
 * Not `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: on Node 20 the composite signal holds the timeout
 * signal weakly, and once garbage collection has run the timeout never fires — a call to a peer that accepts the
 * connection and never answers then hangs until the peer closes it (reproduced: with `gc()` between the two, a
 * 300 ms timeout had not fired after 3 s). This keeps its own timer, which {@link Deadline.clear} ends.
 */

/** An abort signal with a time limit, and how to end its timer once the call is over. */
export interface Deadline {
  signal: AbortSignal;
  /** True when the signal aborted because the time ran out (not because the parent aborted). */
  readonly timedOut: boolean;
  /** Ends the timer and stops listening to the parent; call it when the call is done. */
  clear(): void;
}

/**
 * A signal that aborts after `ms` or when `parent` aborts, whichever comes first.
 * @example
 * const d = deadline(5000, stopped.signal);
 * try { await fetch(url, { signal: d.signal }); } finally { d.clear(); }
 */
export function deadline(ms: number, parent?: AbortSignal): Deadline {
  return new CallDeadline(ms, parent);
}

/**
 * No closure holds the call: the timer gets a module function and the deadline as its argument, and the parent's
 * listener is the deadline itself (`handleEvent`). An object literal with a `timedOut` getter, or closures over the
 * controller, kept the call's controller and whatever listened to its signal (the request, its body) alive after the
 * call until V8's next full collection; reached only from the deadline, they go in the next young-generation one.
 */
class CallDeadline implements Deadline {
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  readonly #ms: number;
  readonly #parent: AbortSignal | undefined;
  readonly #timer: NodeJS.Timeout;
  #timedOut = false;

  constructor(ms: number, parent: AbortSignal | undefined) {
    this.signal = this.#controller.signal;
    this.#ms = ms;
    this.#parent = parent;
    this.#timer = setTimeout(expire, ms, this);
    if (parent?.aborted) this.handleEvent();
    else parent?.addEventListener("abort", this, { once: true });
  }

  get timedOut(): boolean {
    return this.#timedOut;
  }

  /** The parent aborted. */
  handleEvent(): void {
    this.#controller.abort(this.#parent?.reason);
  }

  /** The time is up. */
  expire(): void {
    this.#timedOut = true;
    this.#controller.abort(new DOMException(`timed out after ${this.#ms} ms`, "TimeoutError"));
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#parent?.removeEventListener("abort", this);
  }
}

function expire(d: CallDeadline): void {
  d.expire();
}

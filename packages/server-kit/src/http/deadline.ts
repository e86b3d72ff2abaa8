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
  const controller = new AbortController();
  let timedOut = false;
  const onParentAbort = () => controller.abort(parent?.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`timed out after ${ms} ms`, "TimeoutError"));
  }, ms);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    clear() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}

/**
 * @module One call's deadline: a signal that fires when the caller aborts or `timeoutMs` runs out, and tells which.
 */

/** A started deadline. `dispose()` clears its timer and listeners; call it once the call is over. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** Epoch ms at which the timeout fires. */
  readonly endsAt: number;
  readonly timeoutMs: number;
  /** Why `signal` fired, if it did. */
  readonly reason: () => "timeout" | "abort" | undefined;
  /** The caller's abort reason (when `reason()` is "abort"). */
  readonly abortReason: () => unknown;
  dispose(): void;
}

/**
 * Starts a deadline of `timeoutMs` linked to the caller's `signal`. Written by hand rather than with
 * `AbortSignal.any`/`AbortSignal.timeout` so that it can tell a timeout from an abort and clear its timer.
 *
 * @example
 * const d = startDeadline(30_000, userSignal); try { await fetch(url, { signal: d.signal }); } finally { d.dispose(); }
 */
export function startDeadline(timeoutMs: number, signal?: AbortSignal | null): Deadline {
  const controller = new AbortController();
  let why: "timeout" | "abort" | undefined;
  const onAbort = () => {
    why ??= "abort";
    controller.abort(signal?.reason);
  };
  const timer = setTimeout(() => {
    why ??= "timeout";
    controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError"));
  }, timeoutMs);
  // A forgotten deadline must not keep a Node process alive; browsers return a number without unref.
  (timer as { unref?: () => void }).unref?.();
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    endsAt: Date.now() + timeoutMs,
    timeoutMs,
    reason: () => why,
    abortReason: () => signal?.reason,
    dispose() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

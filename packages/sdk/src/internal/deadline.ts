/**
 * @module One call's deadline: a signal that fires when the caller aborts or `timeoutMs` runs out, and tells which.
 */

/** A started deadline. `dispose()` clears its timer and listeners; call it once the call is over. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** Epoch ms at which the timeout fires (Infinity while the clock is stopped, see `clock`). */
  readonly endsAt: number;
  readonly timeoutMs: number;
  /** Why `signal` fired, if it did. */
  readonly reason: () => "timeout" | "abort" | undefined;
  /** The caller's abort reason (when `reason()` is "abort"). */
  readonly abortReason: () => unknown;
  /**
   * Whether the call is over: the signal fired, or the clock has passed `endsAt` while synchronous work on this
   * thread kept the timer from running (the signal is fired then). Asked before anything is handed to the caller.
   */
  readonly expired: () => boolean;
  /**
   * Settles as `work` does, or rejects with the signal's reason as soon as the signal fires — also when whatever
   * `work` waits on does not follow the signal (a `fetch` that ignores it, or one whose link to it was lost).
   */
  race<T>(work: Promise<T>): Promise<T>;
  /**
   * Keeps `request` (sent with this deadline's signal) reachable until `dispose()`. Node 20's `fetch` follows the
   * signal of a `Request` built from another one through a weak reference only (nodejs/undici#4068): once the
   * `Request` is garbage, a collection cuts the deadline off from the fetch, which then runs on to the end.
   */
  hold(request: Request): void;
  /**
   * Makes the deadline an idle limit, for a body its caller reads at its own pace: `clock(true)` gives the wait that
   * follows `timeoutMs` from now, `clock(false)` stops the clock while the caller holds what came. The caller's signal
   * is followed throughout.
   */
  clock(running: boolean): void;
  dispose(): void;
}

/**
 * Starts a deadline of `timeoutMs` linked to the caller's `signal`. Written by hand rather than with
 * `AbortSignal.any`/`AbortSignal.timeout` so that it can tell a timeout from an abort and clear its timer.
 * `endsAt` (epoch ms) continues a deadline that started earlier, e.g. with the call rather than with the request:
 * the timer runs for what is left of it, and a timeout still reports the whole `timeoutMs`.
 *
 * @example
 * const d = startDeadline(30_000, userSignal); try { await d.race(fetch(url, { signal: d.signal })); } finally { d.dispose(); }
 */
export function startDeadline(
  timeoutMs: number,
  signal?: AbortSignal | null,
  endsAt: number = Date.now() + timeoutMs,
): Deadline {
  const controller = new AbortController();
  let why: "timeout" | "abort" | undefined;
  const onAbort = () => {
    why ??= "abort";
    controller.abort(signal?.reason);
  };
  const onTimeout = () => {
    why ??= "timeout";
    controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError"));
  };
  // Not unref'd: while a call is pending its deadline keeps a Node process alive, else a process with nothing else to
  // wait for (a fetch that ignores the signal, an upload stream that never ends) would exit with the call unsettled.
  // `dispose()` clears it as soon as the call settles.
  let end = endsAt;
  let timer = setTimeout(onTimeout, end - Date.now());
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  const held: Request[] = [];
  return {
    signal: controller.signal,
    get endsAt() {
      return end;
    },
    timeoutMs,
    reason: () => why,
    abortReason: () => signal?.reason,
    expired() {
      if (why === undefined && Date.now() >= end) onTimeout();
      return why !== undefined;
    },
    race<T>(work: Promise<T>): Promise<T> {
      const fired = controller.signal;
      return new Promise<T>((resolve, reject) => {
        const onFire = () => reject(fired.reason);
        if (fired.aborted) onFire();
        else fired.addEventListener("abort", onFire, { once: true });
        work.finally(() => fired.removeEventListener("abort", onFire)).then(resolve, reject);
      });
    },
    hold(request) {
      held.push(request);
    },
    clock(running) {
      clearTimeout(timer);
      end = running ? Date.now() + timeoutMs : Infinity;
      if (running) timer = setTimeout(onTimeout, timeoutMs);
    },
    dispose() {
      held.length = 0;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

/**
 * @module When to retry and how long to wait: exponential backoff with jitter, or the server's `Retry-After`.
 */

/** Statuses that mean "not now" rather than "never": rate limited, or a gateway/upstream was unavailable. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** First backoff step and the cap of any step, in ms. */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 8000;

/**
 * Milliseconds to wait before retry number `retry` (0 for the first retry). A server's `Retry-After` wins; otherwise
 * the step doubles from {@link BACKOFF_BASE_MS} up to {@link BACKOFF_CAP_MS}, and a random half of it is dropped
 * ("equal jitter") so that clients which failed together do not come back together while the wait still grows.
 *
 * @example
 * backoffDelay(0, undefined, () => 0.5); // 375
 * backoffDelay(3, 2000);                 // 2000
 */
export function backoffDelay(retry: number, retryAfterMs: number | undefined, random: () => number = Math.random) {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retry);
  return Math.round(step / 2 + (random() * step) / 2);
}

/**
 * The wait before an event stream reconnects or a job is polled again: `ms`, but at least 250 ms and at most 5 min. A
 * server's `retry: 0` (or `Retry-After: 0`) would reconnect in a tight loop, and a wait over 2^31 − 1 ms overflows the
 * timer, which then fires at once (Node warns `TimeoutOverflowWarning`).
 *
 * @example
 * reconnectDelay(0); // 250
 */
export function reconnectDelay(ms: number): number {
  return Math.min(300_000, Math.max(250, ms));
}

const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/**
 * Whether repeating `request` cannot change what the caller ends up with: idempotent methods (RFC 9110 §9.2.2) and
 * requests that carry an `Idempotency-Key`. Generation calls add their own rule (an explicit seed).
 *
 * @example
 * isIdempotentRequest(new Request("http://x/outputs/a.png")); // true
 */
export function isIdempotentRequest(request: Request): boolean {
  return IDEMPOTENT_METHODS.has(request.method.toUpperCase()) || request.headers.has("idempotency-key");
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as `signal` fires.
 *
 * @example
 * await sleep(250, controller.signal);
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

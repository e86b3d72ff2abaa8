/**
 * @module How `models fetch` retries a request — the repository listing and each file alike: after a dropped
 * connection, a request cut by the limits (watchdog.ts), or a 5xx, 408 or 429 answer, up to `retries` more times,
 * waiting `retryDelayMs`, then twice that, and so on (1 s, 2 s, 4 s… by default). Other answers (a 404, a 401 or 403,
 * a listing of the wrong shape) are the server's word and fail at once.
 */

/** A failure worth another attempt (network, stall, too slow, 5xx/408/429, a response cut short). */
export class Retryable extends Error {
  override name = "Retryable";
}

/** How many more attempts a request gets, and the first wait before one. */
export interface RetryPolicy {
  /** Further attempts after a retryable failure (0: none). */
  retries: number;
  /** First wait before a retry; doubled each time. */
  retryDelayMs: number;
}

/** Five retries, the first after 1 s (then 2, 4, 8, 16 s): `--retries`' default. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 5, retryDelayMs: 1000 };

/**
 * Whether an HTTP status is worth another attempt: a server error, a timeout (408) or too many requests (429).
 *
 * @example retryableStatus(503); // true
 */
export function retryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/**
 * "1 attempt", "3 attempts": how many attempts a give-up message says were made.
 *
 * @example attemptsMade(1); // "1 attempt"
 */
export function attemptsMade(n: number): string {
  return `${n} attempt${n === 1 ? "" : "s"}`;
}

/**
 * Runs `attempt` until it succeeds, retrying a `Retryable` failure as `policy` says; any other error is thrown at once.
 * `retrying` hears each retry (1 for the first) before its wait; past the retries, `giveUp` makes the error thrown
 * from the last failure and the number of attempts made.
 *
 * @example
 * await withRetries({ retries: 5, retryDelayMs: 1000 }, () => download(), {
 *   retrying: (n, err) => console.log(`retry ${n}: ${err.message}`),
 *   giveUp: (err, attempts) => new Error(`${err.message}; gave up after ${attemptsMade(attempts)}`, { cause: err }),
 * });
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  on: { retrying(attempt: number, err: Retryable): void; giveUp(err: Retryable, attempts: number): Error },
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof Retryable)) throw err;
      if (n >= policy.retries) throw on.giveUp(err, n + 1);
      on.retrying(n + 1, err);
      await new Promise((r) => setTimeout(r, policy.retryDelayMs * 2 ** n));
    }
  }
}

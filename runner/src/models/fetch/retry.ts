/**
 * @module How `models fetch` retries a request — the repository listing and each file alike: after a dropped
 * connection, a request cut by the limits (watchdog.ts), or a 5xx, 408 or 429 answer, up to `retries` more times,
 * waiting `retryDelayMs`, then twice that, and so on (1 s, 2 s, 4 s… by default), or longer when a 429 or 503 answer's
 * `Retry-After` asks for longer (retry-after.ts). Other answers (a 404, a 401 or 403, a listing of the wrong shape)
 * are the server's word and fail at once.
 */

/**
 * The longest `Retry-After` a fetch waits for: 300 s. The Hugging Face Hub counts its rate limits over 5-minute
 * windows (https://huggingface.co/docs/hub/rate-limits), so a rate-limited hub never needs a client to wait longer
 * than that; a server that asks for more (maintenance, a daily quota) is better answered by failing now with its
 * words than by a command that sits silent for an hour. With the default 5 retries a fetch waits at most 25 minutes.
 */
export const MAX_RETRY_AFTER_MS = 300_000;

/** A failure worth another attempt (network, stall, too slow, 5xx/408/429, a response cut short). */
export class Retryable extends Error {
  override name = "Retryable";
  /** The wait the answer's `Retry-After` asked for, in ms (see `retryAfterOf`); undefined when it asked for none. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options?: ErrorOptions & { retryAfterMs?: number | undefined }) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** How long a retry waits: the larger of the backoff and what the server asked for, which is kept to be reported. */
export interface RetryWait {
  waitMs: number;
  /** The answer's `Retry-After`, in ms, when it gave a valid one. */
  retryAfterMs: number | undefined;
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
 * A retry waits the backoff or the failure's `retryAfterMs`, whichever is longer. `retrying` hears each retry (1 for
 * the first) and its wait before the wait; past the retries, or at once when the server asks for a wait longer than
 * `MAX_RETRY_AFTER_MS` (the reason then says so), `giveUp` makes the error thrown from the last failure and the
 * number of attempts made.
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
  on: {
    retrying(attempt: number, err: Retryable, wait: RetryWait): void;
    giveUp(err: Retryable, attempts: number): Error;
  },
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof Retryable)) throw err;
      const asked = err.retryAfterMs;
      if (asked !== undefined && asked > MAX_RETRY_AFTER_MS) throw on.giveUp(askedTooLong(err, asked), n + 1);
      if (n >= policy.retries) throw on.giveUp(err, n + 1);
      const wait = { waitMs: Math.max(policy.retryDelayMs * 2 ** n, asked ?? 0), retryAfterMs: asked };
      on.retrying(n + 1, err, wait);
      await new Promise((r) => setTimeout(r, wait.waitMs));
    }
  }
}

/** `err` with the reason no retry is made: its server asked to wait longer than a fetch waits. */
function askedTooLong(err: Retryable, askedMs: number): Retryable {
  const asked = Math.ceil(askedMs / 1000);
  return new Retryable(
    `${err.message}; it asked to wait ${asked} s (Retry-After), more than the ${MAX_RETRY_AFTER_MS / 1000} s a fetch waits for a retry, so try again later`,
    { cause: err.cause ?? err },
  );
}

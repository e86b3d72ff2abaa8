/**
 * @module API keys and per-key rate limits. Keys come from the options and/or a file (one key a line, `#`
 * comments) that is re-read when it changes; with no key configured the job routes are open.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { BEARER_TOKEN_RULE, bearerAuth, HttpError, isBearerToken } from "@ai-video-subnet/server-kit";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";

/** A key as it is kept and looked up: its SHA-256, so a lookup's time says nothing about the keys' characters. */
function digest(key: string): string {
  return createHash("sha256").update(key).digest("base64");
}

/** Hears the lines of the keys file that hold no key a request could carry (1-based), at each load that has some. */
export type UnusableKeyLines = (message: string, fields: { path: string; lines: number[] }) => void;

/**
 * The configured keys (kept as digests); the file is checked for changes at most once a second. A line of the file
 * that is not a bearer token by server-kit's rule (the one requests are read by) could never match: it is left out,
 * and `unusable` hears its line number (never the key).
 * @example const keys = new ApiKeys(["k1"], "keys.txt", (msg, f) => log.warn(msg, f)); keys.has("k1") // true
 */
export class ApiKeys {
  readonly #fixed: Set<string>;
  readonly #file: string | undefined;
  readonly #unusable: UnusableKeyLines | undefined;
  #fromFile = new Set<string>();
  #stamp = "";
  #checkedAt = 0;

  constructor(keys: string[], file?: string, unusable?: UnusableKeyLines) {
    this.#fixed = new Set(keys.filter(Boolean).map(digest));
    this.#file = file;
    this.#unusable = unusable;
    this.#reload(true);
  }

  #reload(force = false): void {
    if (!this.#file) return;
    const now = Date.now();
    if (!force && now - this.#checkedAt < 1000) return;
    this.#checkedAt = now;
    const s = statSync(this.#file, { throwIfNoEntry: false });
    const stamp = s ? `${s.mtimeMs}:${s.size}` : "missing";
    if (stamp === this.#stamp) return;
    this.#stamp = stamp;
    const keys = new Set<string>();
    const unusable: number[] = [];
    const lines = s ? readFileSync(this.#file, "utf8").split("\n") : [];
    lines.forEach((line, i) => {
      const key = line.replace(/#.*/, "").trim();
      if (key && isBearerToken(key)) keys.add(digest(key));
      else if (key) unusable.push(i + 1);
    });
    this.#fromFile = keys;
    if (unusable.length > 0) {
      this.#unusable?.(
        `api-keys-file: a key may hold ${BEARER_TOKEN_RULE} (an Authorization: Bearer header carries no other); ` +
          "these lines hold something else and are ignored",
        { path: this.#file, lines: unusable },
      );
    }
  }

  /** Whether any key is configured (then every job needs one). */
  get enabled(): boolean {
    this.#reload();
    return this.#fixed.size > 0 || this.#fromFile.size > 0 || this.#file !== undefined;
  }

  /** Whether `key` is a configured key. */
  has(key: string): boolean {
    this.#reload();
    const d = digest(key);
    return this.#fixed.has(d) || this.#fromFile.has(d);
  }
}

const KEY = "avs.apiKey";

/**
 * Middleware: 401 unless the request carries `Authorization: Bearer <a configured key>` (when keys are configured).
 * The key is remembered for the rate limit.
 * @example route("genUpscale", handler, requireApiKey(keys))
 */
export function requireApiKey(keys: ApiKeys): MiddlewareHandler {
  const check = bearerAuth({
    verify: (key, c) => {
      if (!keys.has(key)) return false;
      c.set(KEY as never, key as never);
      return true;
    },
    missing: "an API key is required: send Authorization: Bearer <key>",
    invalid: "invalid API key",
  });
  return async (c, next) => (keys.enabled ? check(c, next) : next());
}

/**
 * The API key the request was authorised with (undefined when the gateway has no keys).
 * @example const owner = apiKeyOf(c) ?? "";
 */
export function apiKeyOf(c: Context): string | undefined {
  return c.get(KEY as never) as string | undefined;
}

/**
 * A token bucket per client: `perMinute` requests a minute, with bursts up to that many.
 * @example const limiter = new RateLimiter(60); limiter.take("key", Date.now()) // 0 (allowed) or ms to wait
 */
export class RateLimiter {
  readonly perMinute: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(perMinute: number) {
    this.perMinute = perMinute;
  }

  /** Takes a token for `client`: 0 when allowed, else the ms until one is available. */
  take(client: string, now: number): number {
    const rate = this.perMinute / 60_000;
    const b = this.#buckets.get(client) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * rate);
    b.at = now;
    this.#buckets.set(client, b);
    if (this.#buckets.size > 100_000) this.#prune(now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / rate);
  }

  #prune(now: number): void {
    for (const [k, b] of this.#buckets) if (now - b.at > 60_000) this.#buckets.delete(k);
  }
}

function clientOf(c: Context): string {
  const key = c.get(KEY as never) as string | undefined;
  if (key) return `key:${key}`;
  try {
    return `addr:${getConnInfo(c).remote.address ?? "unknown"}`;
  } catch {
    return "addr:unknown";
  }
}

/**
 * Middleware: 429 with `Retry-After` when the client's key (or address, without keys) exceeds its rate.
 * @example route("genUpscale", handler, requireApiKey(keys), rateLimit(new RateLimiter(60)))
 */
export function rateLimit(limiter: RateLimiter): MiddlewareHandler {
  return async (c, next) => {
    const waitMs = limiter.take(clientOf(c), Date.now());
    if (waitMs > 0) {
      throw new HttpError(429, `rate limit of ${limiter.perMinute} requests per minute exceeded`, {
        headers: { "Retry-After": String(Math.max(1, Math.ceil(waitMs / 1000))) },
      });
    }
    await next();
  };
}

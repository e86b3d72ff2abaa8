/**
 * @module Bearer-token auth with its refusals in the project's error shape: a 401 `{"detail":{"msg"}}` with
 * `WWW-Authenticate: Bearer`, for a missing, malformed or wrong token alike (Livepeer's runner answers a malformed
 * header with the same 401 as a wrong token). The header is read as Hono's `hono/bearer-auth` reads it (scheme
 * `Bearer` in any case, one or more spaces, an RFC 6750 token), but a configured token is compared synchronously:
 * SHA-256 digests of both sides (fixed length, so the comparison time does not depend on where they differ) with
 * `crypto.timingSafeEqual`, instead of two WebCrypto digests per request, which cost more than the rest of a small
 * job's hop (measured in the orchestrator's bench).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { HttpError } from "./errors.js";

/**
 * RFC 6750 `b64token`: the only characters a bearer token can carry (Hono refuses any other); the settings parser's
 * `token` kind checks configured tokens with it.
 */
export const TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

/** The rule {@link isBearerToken} checks, worded for a message that refuses a value. */
export const BEARER_TOKEN_RULE = "only letters, digits and -._~+/ (then = padding), as RFC 6750 requires";

/**
 * Whether `value` can be sent as `Authorization: Bearer <value>` and match: RFC 6750's `b64token`, the one rule
 * {@link bearerAuth} reads a request's token by. A key or secret that fails it can never match any request.
 * @example isBearerToken("k1_x/y+z==") // true
 * @example isBearerToken("key with space") // false
 */
export function isBearerToken(value: string): boolean {
  return TOKEN.test(value);
}

/** What {@link bearerAuth} checks against and how it words its refusals. */
export interface BearerAuthOptions {
  /** The one accepted token; empty or absent (with no `verify`) lets every request through. */
  token?: string;
  /** Checks a token instead of `token` (e.g. a set of API keys); `c` is the request's context. */
  verify?: (token: string, c: Context) => boolean | Promise<boolean>;
  /** The message when no `Authorization` header was sent (default "Invalid bearer token"). */
  missing?: string;
  /** The message when the header is malformed or the token is wrong (default "Invalid bearer token"). */
  invalid?: string;
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * The token of an `Authorization` header value: `Bearer <token>` (scheme in any case, then one or more spaces), or
 * undefined when the header is not of that form or the token holds characters RFC 6750 does not allow.
 * @example bearerToken("bearer  s3cret") // "s3cret"
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header || header.length < 8 || header[6] !== " " || header.slice(0, 6).toLowerCase() !== "bearer") {
    return undefined;
  }
  const token = header.slice(7).trimStart();
  return TOKEN.test(token) ? token : undefined;
}

/**
 * Requires `Authorization: Bearer <token>`. A configured token outside RFC 6750's token characters throws at once:
 * no request could ever carry it.
 * @example route("genUpscale", handler, bearerAuth({ token: config.authToken }))
 * @example bearerAuth({ verify: (t) => keys.has(t), missing: "an API key is required", invalid: "invalid API key" })
 */
export function bearerAuth(options: BearerAuthOptions): MiddlewareHandler {
  const { token, verify } = options;
  if (!verify && !token) return async (_c, next) => next();
  if (token && !TOKEN.test(token)) {
    throw new Error("a bearer token may hold only letters, digits and -._~+/ (then = padding), as RFC 6750 requires");
  }
  const missing = options.missing ?? "Invalid bearer token";
  const invalid = options.invalid ?? "Invalid bearer token";
  const expected = token ? digest(token) : undefined;
  const refuse = (c: Context, cause?: unknown): never => {
    const msg = c.req.header("authorization") === undefined ? missing : invalid;
    throw new HttpError(401, msg, { cause, headers: { "WWW-Authenticate": "Bearer" } });
  };
  return async (c, next) => {
    const given = bearerToken(c.req.header("authorization"));
    if (given === undefined) refuse(c);
    let ok: boolean;
    if (verify) {
      try {
        ok = await verify(given!, c);
      } catch (err) {
        refuse(c, err);
      }
    } else ok = timingSafeEqual(digest(given!), expected!) && given === token;
    if (!ok!) refuse(c);
    await next();
  };
}

/**
 * @module Bearer-token auth (Hono's `hono/bearer-auth`) with its refusals in the project's error shape: a 401
 * `{"detail":{"msg"}}` with `WWW-Authenticate: Bearer`, for a missing, malformed or wrong token alike (Livepeer's
 * runner answers a malformed header with the same 401 as a wrong token).
 */
import type { Context, MiddlewareHandler } from "hono";
import { bearerAuth as honoBearerAuth } from "hono/bearer-auth";
import { HttpError } from "./errors.js";

/** RFC 6750 `b64token`: the only characters a bearer token can carry (Hono refuses any other). */
const TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

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
  const check: MiddlewareHandler = verify ? honoBearerAuth({ verifyToken: verify }) : honoBearerAuth({ token: token! });
  return async (c, next) => {
    let passed = false;
    try {
      await check(c, async () => {
        passed = true;
        await next();
      });
    } catch (err) {
      // Only Hono's own refusal is rewritten; errors from the routes behind it pass through as they are.
      if (passed) throw err;
      const msg = c.req.header("authorization") === undefined ? missing : invalid;
      throw new HttpError(401, msg, { cause: err, headers: { "WWW-Authenticate": "Bearer" } });
    }
  };
}

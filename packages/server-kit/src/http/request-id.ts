/**
 * @module The request id of every request, under the header `X-Request-Id`. A caller's id is kept when it is 1-128
 * visible ASCII characters (what the specs accept), else one is created; it is echoed on every answer, errors
 * included, and read with {@link getRequestId} (for logs and the next hop).
 */
import { randomUUID } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { hasRequestIdHeader } from "./json-answer.js";

/** The header that carries the id, on requests and on answers. */
export const REQUEST_ID_HEADER = "X-Request-Id";

/** 1-128 visible ASCII characters, but not `.` or `..`, which a URL path (`/progress/<id>`) cannot hold. */
const VALID = /^(?!\.\.?$)[\x21-\x7e]{1,128}$/;

/**
 * Middleware that sets the request id of every request (`c.get("requestId")`) and the `X-Request-Id` answer
 * header. A malformed id from the caller is replaced, not rejected (routes whose spec declares the header reject it
 * with a 422 in the validator).
 * @example app.use(requestId()); app.get("/", (c) => c.text(getRequestId(c)))
 */
export function requestId(): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header(REQUEST_ID_HEADER);
    c.set("requestId" as never, (given !== undefined && VALID.test(given) ? given : randomUUID()) as never);
    await next();
    // Set on the answer once it exists (every answer: a handler's, an error's, a Response of its own), not on
    // headers prepared before it, so an answer made by `jsonAnswer` (which carries it) costs no Headers object.
    const res = c.res;
    if (hasRequestIdHeader(res) || res.headers.has(REQUEST_ID_HEADER)) return;
    try {
      res.headers.set(REQUEST_ID_HEADER, getRequestId(c));
    } catch {
      // immutable headers (a fetched Response passed through): nothing to add to
    }
  };
}

/**
 * The request id of this request ("" outside {@link requestId}).
 * @example fetch(url, { headers: { "x-request-id": getRequestId(c) } })
 */
export function getRequestId(c: Context): string {
  return (c.get("requestId" as never) as string | undefined) ?? "";
}

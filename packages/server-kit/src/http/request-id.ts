/**
 * @module The request id of every request: Hono's `hono/request-id` under the header `X-Request-Id`. A caller's id
 * is kept when it is 1-128 visible ASCII characters (what the specs accept), else one is created; it is echoed on
 * every answer, errors included, and read with {@link getRequestId} (for logs and the next hop).
 */
import { randomUUID } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { requestId as honoRequestId } from "hono/request-id";

/** The header that carries the id, on requests and on answers. */
export const REQUEST_ID_HEADER = "X-Request-Id";

const VALID = /^[\x21-\x7e]{1,128}$/;

/**
 * Middleware that sets the request id of every request (`c.get("requestId")`) and the `X-Request-Id` answer
 * header. A malformed id from the caller is replaced, not rejected (routes whose spec declares the header reject it
 * with a 422 in the validator).
 * @example app.use(requestId()); app.get("/", (c) => c.text(getRequestId(c)))
 */
export function requestId(): MiddlewareHandler {
  // Hono keeps a caller's id only when it is made of word characters, `-` and `=`; the generator is asked for every
  // other one, so it keeps the rest of what the specs allow.
  const assign = honoRequestId({
    headerName: REQUEST_ID_HEADER,
    limitLength: 128,
    generator: (c) => {
      const given = c.req.header(REQUEST_ID_HEADER);
      return given && VALID.test(given) ? given : randomUUID();
    },
  });
  return async (c, next) => {
    await assign(c, async () => {
      await next();
      // A handler that answers with a Response of its own drops the header set before it ran.
      if (!c.res.headers.has(REQUEST_ID_HEADER)) {
        try {
          c.res.headers.set(REQUEST_ID_HEADER, getRequestId(c));
        } catch {
          // immutable headers (a fetched Response passed through): nothing to add to
        }
      }
    });
  };
}

/**
 * The request id of this request ("" outside {@link requestId}).
 * @example fetch(url, { headers: { "x-request-id": getRequestId(c) } })
 */
export function getRequestId(c: Context): string {
  return (c.get("requestId" as never) as string | undefined) ?? "";
}

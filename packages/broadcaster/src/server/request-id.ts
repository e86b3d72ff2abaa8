/** @module The `X-Request-Id` of a job: accepted from the caller when it is well-formed, else created, and echoed. */
import { randomUUID } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";

const KEY = "avs.requestId";
const VALID = /^[\x21-\x7e]{1,128}$/;

/**
 * Middleware that sets the request id of every request and the `X-Request-Id` response header.
 * A malformed id from the caller is replaced (not rejected) on routes that do not validate the header.
 * @example app.use(requestId())
 */
export function requestId(): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header("x-request-id");
    const id = given && VALID.test(given) ? given : randomUUID();
    c.set(KEY as never, id as never);
    c.header("X-Request-Id", id);
    await next();
    c.res.headers.set("X-Request-Id", id);
  };
}

/**
 * The request id of this request.
 * @example fetch(url, { headers: { "x-request-id": getRequestId(c) } })
 */
export function getRequestId(c: Context): string {
  return (c.get(KEY as never) as string | undefined) ?? "";
}

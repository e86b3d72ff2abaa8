/** @module The request id of every job: taken from `X-Request-Id` (1-128 visible ASCII) or created, and echoed. */
import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";

const VALID = /^[\x21-\x7e]{1,128}$/;

/**
 * Sets `c.get("requestId")` and the `X-Request-Id` response header.
 * @example app.use(requestId()); app.get("/", (c) => c.text(c.get("requestId")))
 */
export function requestId(): MiddlewareHandler<{ Variables: { requestId: string } }> {
  return async (c, next) => {
    const given = c.req.header("x-request-id");
    const id = given && VALID.test(given) ? given : randomUUID();
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
  };
}

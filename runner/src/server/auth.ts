/** @module Bearer-token auth of the generate routes, as Livepeer's runner does it (401 + `WWW-Authenticate: Bearer`). */
import { timingSafeEqual } from "node:crypto";
import { HttpError } from "@ai-video-subnet/specs";
import type { MiddlewareHandler } from "hono";

/**
 * Requires `Authorization: Bearer <token>` when `token` is non-empty; passes everything when it is empty.
 * @example route("genUpscale", handler, bearerAuth(config.authToken))
 */
export function bearerAuth(token: string): MiddlewareHandler {
  const expected = Buffer.from(token);
  return async (c, next) => {
    if (token) {
      const header = c.req.header("authorization") ?? "";
      const match = /^Bearer\s+(.+)$/i.exec(header.trim());
      const given = Buffer.from(match?.[1] ?? "");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new HttpError(401, "Invalid bearer token", { headers: { "WWW-Authenticate": "Bearer" } });
      }
    }
    await next();
  };
}

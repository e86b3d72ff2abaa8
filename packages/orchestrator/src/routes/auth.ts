/** @module Bearer auth of job routes: only broadcasters holding the shared secret may send jobs. */
import { createHash, timingSafeEqual } from "node:crypto";
import { HttpError } from "@ai-video-subnet/specs";
import type { MiddlewareHandler } from "hono";

/**
 * Requires `Authorization: Bearer <secret>`; passes everything when `secret` is empty.
 * Compared in constant time (over hashes, so lengths leak nothing either).
 * @example app.post("/upscale", bearerAuth(process.env.SECRET), handler)
 */
export function bearerAuth(secret: string | undefined): MiddlewareHandler {
  if (!secret) return async (_c, next) => next();
  const want = createHash("sha256").update(secret).digest();
  return async (c, next) => {
    const header = c.req.header("authorization");
    const headers = { "WWW-Authenticate": "Bearer" };
    if (!header) throw new HttpError(401, "missing bearer token: send Authorization: Bearer <secret>", { headers });
    const m = /^Bearer\s+(.+)$/i.exec(header);
    const got = createHash("sha256")
      .update(m?.[1]?.trim() ?? "")
      .digest();
    if (!m || !timingSafeEqual(want, got)) throw new HttpError(401, "Invalid bearer token", { headers });
    await next();
  };
}

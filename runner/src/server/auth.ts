/** @module Bearer-token auth of the generate routes, as Livepeer's runner does it (401 + `WWW-Authenticate: Bearer`). */
import { bearerAuth as kitBearerAuth } from "@ai-video-subnet/server-kit";
import type { MiddlewareHandler } from "hono";

/**
 * Requires `Authorization: Bearer <token>` when `token` is non-empty; passes everything when it is empty. Every
 * refusal (missing, malformed or wrong token) is Livepeer's 401 "Invalid bearer token".
 * @example route("genUpscale", handler, bearerAuth(config.authToken))
 */
export function bearerAuth(token: string): MiddlewareHandler {
  return kitBearerAuth({ token });
}

/**
 * @module The Content-Type and Content-Encoding check of an operation with a body: 415 for a type the operation does
 * not read or an encoded body.
 */
import type { MiddlewareHandler } from "hono";
import { HttpError } from "../http/errors.js";
import { show } from "./messages.js";

/**
 * Whether a request's media type (lower case, parameters cut off) is read as the operation's. A JSON body is read
 * as FastAPI reads it, which Livepeer's runner is built on: with no Content-Type, or any `application/…+json`.
 * @example acceptsMediaType("application/json", "application/vnd.api+json") // true
 * @example acceptsMediaType("application/json", "text/plain") // false
 */
export function acceptsMediaType(mediaType: string, got: string): boolean {
  if (got === mediaType) return true;
  return mediaType === "application/json" && (got === "" || (got.startsWith("application/") && got.endsWith("+json")));
}

export function contentTypeCheck(mediaType: string): MiddlewareHandler {
  return async (c, next) => {
    const got = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (!acceptsMediaType(mediaType, got)) {
      throw new HttpError(415, `Content-Type must be ${mediaType}, got ${got ? show(got) : "none"}`);
    }
    const encoding = (c.req.header("content-encoding") ?? "").trim().toLowerCase();
    if (encoding !== "" && encoding !== "identity") {
      throw new HttpError(
        415,
        `Content-Encoding ${show(encoding)} is not supported; send the body unencoded (identity)`,
      );
    }
    await next();
  };
}

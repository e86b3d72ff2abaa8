/**
 * @module Request bodies without needless copies. A declared Content-Length is checked against the size limit
 * without touching the body; Node's HTTP parser then never delivers more bytes than declared, so on
 * `@hono/node-server` the body can be read straight from the socket instead of through a WHATWG Request and
 * stream built for every request — the bulk of the per-request CPU of a small job. A chunked body (no
 * Content-Length) is counted as it is read, by Hono's `bodyLimit`, which wraps the request.
 */
import { Readable } from "node:stream";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HttpError } from "../http/errors.js";

/** The Node request under `@hono/node-server`, if this is one. */
function nodeRequest(c: Context): Readable | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof Readable ? incoming : undefined;
}

/** True when the body has a declared length (and is therefore not wrapped by the counting limit). */
function declaredLength(c: Context): boolean {
  return c.req.header("content-length") !== undefined && c.req.header("transfer-encoding") === undefined;
}

/**
 * 413 for a body over `limit` bytes: at once when its Content-Length says so, else while it is read.
 * @example app.post("/upscale", sizeLimit(50 * 1024 * 1024, "request body is larger than 50 MiB"), handler)
 */
export function sizeLimit(limit: number, message: string): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new HttpError(413, message);
  };
  const counted = bodyLimit({ maxSize: limit, onError: tooLarge });
  return async (c, next) => {
    if (!declaredLength(c)) return counted(c, next);
    if (Number(c.req.header("content-length")) > limit) tooLarge();
    await next();
  };
}

/**
 * The request body as a Node stream: the socket itself under `@hono/node-server` when the length was declared
 * (see {@link sizeLimit}), else the (possibly counted) WHATWG body converted.
 * @example await pipeline(bodyStream(c), busboy({ headers }))
 */
export function bodyStream(c: Context): Readable {
  const incoming = nodeRequest(c);
  if (incoming && declaredLength(c) && !incoming.readableDidRead) return incoming;
  const body = c.req.raw.body;
  return body ? Readable.fromWeb(body as never) : Readable.from([]);
}

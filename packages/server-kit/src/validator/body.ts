/**
 * @module Request bodies without needless copies. A declared Content-Length is checked against the size limit
 * without touching the body; Node's HTTP parser then never delivers more bytes than declared, so on
 * `@hono/node-server` the body can be read straight from the socket instead of through a WHATWG Request and
 * stream built for every request — the bulk of the per-request CPU of a small job. A chunked body (no
 * Content-Length) is counted as it is read: by the multipart reader that streams it (`streamed` routes: see
 * {@link countedLimit}), else by Hono's `bodyLimit`, which reads the whole body (up to the limit) into memory before
 * the route sees any of it.
 */
import { Readable, type Writable } from "node:stream";
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

/** A chunked body's limit, left to the reader that streams it (see {@link countedLimit}). */
export interface CountedLimit {
  /** Bytes allowed. */
  bytes: number;
  /** The 413 to refuse a body with once it goes past them. */
  error(): HttpError;
}

const COUNTED_KEY = "avs.countedLimit";

/**
 * 413 for a body over `limit` bytes: at once when its Content-Length says so, else while it is read. With `streamed`
 * (a route whose body is read by a reader that streams it and counts it, see {@link countedLimit}), a chunked body is
 * left to that reader; otherwise Hono's `bodyLimit` reads it whole first.
 * @example app.post("/upscale", sizeLimit(50 * 1024 * 1024, "request body is larger than 50 MiB"), handler)
 */
export function sizeLimit(limit: number, message: string, streamed = false): MiddlewareHandler {
  const error = () => new HttpError(413, message);
  const tooLarge = (): never => {
    throw error();
  };
  const counted = bodyLimit({ maxSize: limit, onError: tooLarge });
  const left: CountedLimit = { bytes: limit, error };
  return async (c, next) => {
    if (!declaredLength(c)) {
      if (!streamed) return counted(c, next);
      c.set(COUNTED_KEY as never, left as never);
      return next();
    }
    if (Number(c.req.header("content-length")) > limit) tooLarge();
    await next();
  };
}

/**
 * The limit a reader must count this request's body against as it streams it (a chunked body on a `streamed` route
 * of {@link sizeLimit}), or undefined when the body was checked already.
 * @example const limit = countedLimit(c); if (limit && (seen += chunk.length) > limit.bytes) throw limit.error();
 */
export function countedLimit(c: Context): CountedLimit | undefined {
  return c.get(COUNTED_KEY as never) as CountedLimit | undefined;
}

/**
 * The request body as a Node stream: the socket itself under `@hono/node-server` when the length was declared or the
 * reader counts it (see {@link sizeLimit}), else the (possibly counted) WHATWG body converted.
 * @example await pipeline(bodyStream(c), busboy({ headers }))
 */
export function bodyStream(c: Context): Readable {
  const incoming = nodeRequest(c);
  if (incoming && (declaredLength(c) || countedLimit(c)) && !incoming.readableDidRead) return incoming;
  const body = c.req.raw.body;
  return body ? Readable.fromWeb(body as never) : Readable.from([]);
}

/**
 * `source` piped into `into`, which is returned, for a reader that may stop before the end of a request body (an early
 * refusal, a malformed body): destroying `into` unpipes and pauses `source` without destroying it, so the server can
 * still answer on the socket. An error of `source`, or its closing before its end (a client that hangs up), destroys
 * `into` with that error.
 * @example await pipeline(detachable(bodyStream(c), counter), parser) // a parser error leaves the socket open
 */
export function detachable<T extends Writable>(source: Readable, into: T): T {
  // Kept once `into` is gone (destroying it again does nothing): an error of the source then has a listener.
  source.on("error", (err) => into.destroy(err));
  source.on("close", () => {
    if (!source.readableEnded) into.destroy(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
  });
  // A pipe is undone when its destination closes, and a source with no destination left is paused.
  source.pipe(into);
  return into;
}

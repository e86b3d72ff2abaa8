/**
 * @module A 200 JSON answer built for the hot path of a hop: its headers a plain object (the request id among them)
 * and its body text or bytes already serialised, so `@hono/node-server` writes it with one `writeHead` and one `end`
 * — no `Headers` object is built, sorted and copied into Node's, as for an answer made with `c.json` after
 * `c.header` calls. The `requestId` middleware knows these answers carry the id and leaves them alone.
 */
import type { Context } from "hono";

/** Answers made by {@link jsonAnswer}: they carry the request id already. */
const carriesRequestId = new WeakSet<Response>();

/**
 * True when `res` was made by {@link jsonAnswer} (it carries `X-Request-Id` in its own headers).
 * @example if (!hasRequestIdHeader(c.res)) c.res.headers.set("X-Request-Id", id);
 */
export function hasRequestIdHeader(res: Response): boolean {
  return carriesRequestId.has(res);
}

/**
 * A 200 `application/json` answer of serialised `json`, with `X-Request-Id` and the given `headers` (lower-case
 * names). `json` must be valid JSON: it is sent as it is.
 * @example return jsonAnswer(c, JSON.stringify({ images }), { "x-media-delivery": "url" });
 */
export function jsonAnswer(c: Context, json: string | Uint8Array, headers?: Record<string, string>): Response {
  const res = new Response(json as BodyInit, {
    status: 200,
    headers: {
      "content-type": "application/json",
      "x-request-id": (c.get("requestId" as never) as string | undefined) ?? "",
      ...headers,
    },
  });
  carriesRequestId.add(res);
  return res;
}

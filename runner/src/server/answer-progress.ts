/**
 * @module Answers whose job goes on after the response started (image-to-video sends the first frames while the
 * worker decodes the next): the pipeline marks its `Response` with the work still running, and the route keeps the
 * request's progress channel open until that work settles. A module of its own, without imports, because the
 * pipeline definitions that mark answers are loaded by the inference worker too.
 */

/**
 * Answers whose job goes on after the response started: see {@link progressUntil}. Keyed by the `Response` itself,
 * so the route never reads a response's body or headers (which would make @hono/node-server build a full `Response`
 * for every answer instead of writing its lightweight one directly).
 */
const ongoing = new WeakMap<Response, Promise<unknown>>();

/**
 * Keeps the request's progress channel open until `work` settles, for an answer that starts before its job ends
 * (image-to-video sends the first frames while the worker decodes the next): the channel's `end` then follows the
 * job's last progress report instead of the response's first byte. Returns `response`.
 * @example return progressUntil(framesResponse(feed, answer), generation)
 */
export function progressUntil(response: Response, work: Promise<unknown>): Response {
  ongoing.set(response, work);
  return response;
}

/** The work `response` was marked with by {@link progressUntil}, if any. */
export function ongoingWork(response: Response): Promise<unknown> | undefined {
  return ongoing.get(response);
}

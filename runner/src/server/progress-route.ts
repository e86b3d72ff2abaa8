/**
 * @module `GET /progress/{request_id}`: waits for the job with that request id (404 when none starts in time), then
 * streams its events as server-sent events (`id:`, `event:`, `data:` lines, WHATWG HTML § 9.2), starting with its
 * last state — or, when the request names the last event it saw (`Last-Event-ID`, as an EventSource does when it
 * reconnects; 0 for the whole job), with every kept event after it — and closing after `end`, which every
 * subscriber gets, even one that names it or a later id. A comment line every
 * 15 s keeps proxies from timing out a quiet job.
 */
import { HttpError, type TypedRouteMounter, validated } from "@ai-video-subnet/server-kit";
import type { MiddlewareHandler } from "hono";
import type { operations } from "../generated/runner.js";
import type { JobProgress, ProgressEvent, ProgressHub } from "./progress-hub.js";

const KEEP_ALIVE_MS = 15_000;

/**
 * One event in the text/event-stream format.
 * @example formatEvent({ id: 1, event: "end", data: { status: 200 } }) // 'id: 1\nevent: end\ndata: {"status":200}\n\n'
 */
export function formatEvent(e: ProgressEvent): string {
  return `id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

/**
 * The streaming response of one job's progress, from its last state or from after event `after`; it ends after
 * `end`, or when `signal` aborts (subscriber gone).
 * @example return progressResponse(await hub.find(id), c.req.raw.signal)
 */
export function progressResponse(job: JobProgress, signal: AbortSignal, after?: number): Response {
  const encoder = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let unsubscribe = () => {};
      const keepAlive = setInterval(() => controller.enqueue(encoder.encode(": keep-alive\n\n")), KEEP_ALIVE_MS);
      keepAlive.unref();
      stop = () => {
        if (closed) return;
        closed = true;
        clearInterval(keepAlive);
        unsubscribe();
        signal.removeEventListener("abort", close);
      };
      const close = () => {
        if (closed) return;
        stop();
        controller.close();
      };
      // Progress events the subscriber says it saw are not sent again; the end always is (see `since`).
      const seen = after ?? 0;
      const write = (e: ProgressEvent) => {
        if (closed) return;
        if (e.id > seen || e.event === "end") controller.enqueue(encoder.encode(formatEvent(e)));
        if (e.event === "end") close();
      };
      for (const e of after === undefined ? job.snapshot() : job.since(after)) write(e);
      if (closed) return;
      if (job.ended) return close();
      unsubscribe = job.subscribe(write);
      signal.addEventListener("abort", close, { once: true });
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache", "x-accel-buffering": "no" },
  });
}

/**
 * Mounts `GET /progress/{request_id}` behind `before` (auth, as on the generate route).
 * @example mountProgress(route, hub, [bearerAuth(config.authToken)])
 */
export function mountProgress(
  route: TypedRouteMounter<operations>,
  hub: ProgressHub,
  before: MiddlewareHandler[],
): void {
  route(
    "getProgress",
    async (_body, c) => {
      const id = c.req.param("request_id") ?? "";
      const job = await hub.find(id, c.req.raw.signal);
      if (!job) {
        throw new HttpError(
          404,
          `no job with request id ${JSON.stringify(id)} started within ${hub.waitMs / 1000} s, and none ended in the last ${hub.keepMs / 1000} s`,
        );
      }
      const after = validated(c).params["Last-Event-ID"] as number | undefined;
      return progressResponse(job, c.req.raw.signal, after);
    },
    ...before,
  );
}

/**
 * @module `GET /jobs/{id}/events`: a job's events as Server-Sent Events (WHATWG HTML, "Server-sent events"). Each
 * event's `id:` is its sequence number, so a reconnect with `Last-Event-ID` resumes exactly after it. The stream
 * closes after the `result` event; while nothing happens a comment line every 15 s keeps proxies from closing it.
 */

import type { Logger } from "@ai-video-subnet/server-kit";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { ChangeHub } from "./change-hub.js";
import { FINAL_STATUSES, type JobEvent } from "./model.js";
import type { JobStore } from "./store.js";

/** Quiet time after which a comment line is sent (and the store read again, in case a wake-up was lost). */
export const KEEP_ALIVE_MS = 15_000;

/** What a stream reads from. */
export interface EventStreamContext {
  store: JobStore;
  hub: ChangeHub;
  logger: Logger;
  keepAliveMs?: number;
}

/**
 * Streams job `jobId`'s events after `after` (the client's `Last-Event-ID`, 0 for all).
 * @example return jobEventStream(c, ctx, job.id, Number(c.req.header("last-event-id") ?? 0));
 */
export function jobEventStream(c: Context, ctx: EventStreamContext, jobId: string, after: number): Response {
  c.header("X-Accel-Buffering", "no");
  return streamSSE(
    c,
    async (stream) => {
      let last = after;
      let dirty = true;
      let wake: (() => void) | undefined;
      const unsubscribe = ctx.hub.subscribe(jobId, () => {
        dirty = true;
        wake?.();
      });
      stream.onAbort(() => wake?.());
      const send = async (events: JobEvent[]): Promise<boolean> => {
        for (const e of events) {
          await stream.writeSSE({ id: String(e.seq), event: e.type, data: JSON.stringify(e.data) });
          last = e.seq;
          if (e.type === "result") return true;
        }
        return false;
      };
      try {
        await stream.write("retry: 1000\n\n");
        while (!stream.aborted && !ctx.hub.closed) {
          if (dirty) {
            dirty = false;
            const events = await ctx.hub.events(jobId, last);
            if (await send(events)) return;
            if (events.length === 0) {
              // Resumed after the end (or the job is gone): read once more, since the result may just have landed.
              const job = await ctx.store.get(jobId);
              if (!job || FINAL_STATUSES.has(job.status)) {
                await send(await ctx.store.events(jobId, last));
                return;
              }
            }
          }
          const quiet = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), ctx.keepAliveMs ?? KEEP_ALIVE_MS);
            wake = () => {
              clearTimeout(timer);
              resolve(false);
            };
            if (dirty || stream.aborted || ctx.hub.closed) wake();
          });
          wake = undefined;
          if (quiet && !stream.aborted) {
            await stream.write(": keep-alive\n\n");
            dirty = true;
          }
        }
      } finally {
        unsubscribe();
      }
    },
    async (err) => {
      ctx.logger.warn("job event stream failed", { job_id: jobId, error: err.message });
    },
  );
}

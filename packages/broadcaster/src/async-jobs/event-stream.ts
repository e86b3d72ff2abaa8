/**
 * @module `GET /jobs/{id}/events`: a job's events as Server-Sent Events (WHATWG HTML, "Server-sent events"). Each
 * event's `id:` is its sequence number, so a reconnect with `Last-Event-ID` resumes exactly after it (one at or past
 * the `result` gets the `result` again). The stream closes after the `result` event; while nothing happens a comment
 * line every 15 s keeps proxies from closing it.
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
  /** The streams open on this broadcaster, per owner (default: not counted). */
  streams?: OpenStreams;
  keepAliveMs?: number;
}

/**
 * The event streams open on this broadcaster per job owner (an API key's digest, or `""` for every caller of a gateway
 * without keys), up to `max` each. A stream is counted from its request to its end, whoever ends it.
 * @example
 * const streams = new OpenStreams(100);
 * const close = streams.open(owner); // a function, or the count when the owner is at the limit
 */
export class OpenStreams {
  readonly #open = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Counts one more stream of `owner` and returns what uncounts it (once), or the open count when it is at `max`. */
  open(owner: string): (() => void) | number {
    const now = this.#open.get(owner) ?? 0;
    if (now >= this.max) return now;
    this.#open.set(owner, now + 1);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      const left = (this.#open.get(owner) ?? 1) - 1;
      if (left > 0) this.#open.set(owner, left);
      else this.#open.delete(owner);
    };
  }
}

/**
 * Streams job `jobId`'s events after `after` (the client's `Last-Event-ID`, 0 for all); `onEnd` runs once the stream
 * has ended, however it ended.
 * @example return jobEventStream(c, ctx, job.id, Number(c.req.header("last-event-id") ?? 0));
 */
export function jobEventStream(
  c: Context,
  ctx: EventStreamContext,
  jobId: string,
  after: number,
  onEnd?: () => void,
): Response {
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
                if (await send(await ctx.store.events(jobId, last))) return;
                // Resumed at or after the result (an id this job never sent included): the result again, so the
                // client learns how the job ended rather than reconnecting to an empty stream.
                const result = job && (await ctx.store.events(jobId, 0)).findLast((e) => e.type === "result");
                if (result) await send([result]);
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
        onEnd?.();
      }
    },
    async (err) => {
      ctx.logger.warn("job event stream failed", { job_id: jobId, error: err.message });
    },
  );
}

/**
 * @module `GET /progress/{request_id}`: relays the runner's progress events of the job this orchestrator runs under a
 * request id. The job routes tell a {@link ProgressTracker} which runner runs which request id and how each job
 * ended; a subscriber waits for its job to start (up to `waitMs`), follows the runner's own stream, and gets an `end`
 * made from the orchestrator's answer when the runner has no progress route (a Livepeer runner) or its stream broke.
 */
import type { RunnerClient } from "@ai-video-subnet/runner-client";
import { HttpError, type Logger, type RequestValidator, typedRoutes } from "@ai-video-subnet/server-kit";
import type { Context, Hono, MiddlewareHandler } from "hono";
import { streamSSE } from "hono/streaming";
import type { operations } from "../generated/orchestrator.js";

/** How one job ended, as the `end` event says it. */
export interface JobEnd {
  status: number;
  msg?: string;
}

/** One job the tracker knows: the runner it runs on, and how it ended once it did. */
interface TrackedJob {
  client: RunnerClient | undefined;
  ended: JobEnd | undefined;
  onEnd: Set<() => void>;
}

/**
 * Which runner runs which request id, and how recent jobs ended (kept `keepMs` after their end).
 * @example tracker.started("job-1", lease.runner.client); …; tracker.ended("job-1", { status: 200 });
 */
export class ProgressTracker {
  readonly waitMs: number;
  readonly keepMs: number;
  readonly #jobs = new Map<string, TrackedJob>();
  readonly #waiting = new Map<string, Set<() => void>>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(options: { waitMs?: number; keepMs?: number } = {}) {
    this.waitMs = options.waitMs ?? 30_000;
    this.keepMs = options.keepMs ?? 60_000;
  }

  /** A job with this request id went to `client`'s runner (again on a retry: subscribers follow the new runner). */
  started(requestId: string, client: RunnerClient | undefined): void {
    const job = this.#jobs.get(requestId);
    if (job && !job.ended) job.client = client;
    else this.#jobs.set(requestId, { client, ended: undefined, onEnd: new Set() });
    for (const wake of this.#waiting.get(requestId) ?? []) wake();
  }

  /** The job answered its caller: subscribers get `end`, and its state stays visible `keepMs`. */
  ended(requestId: string, end: JobEnd): void {
    const job = this.#jobs.get(requestId);
    if (!job || job.ended) return;
    job.ended = end;
    for (const wake of job.onEnd) wake();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#jobs.get(requestId) === job) this.#jobs.delete(requestId);
    }, this.keepMs);
    timer.unref();
    this.#timers.add(timer);
  }

  /** The job under `requestId`, waiting up to `waitMs` for it to start; undefined when none did (or `signal` aborted). */
  async find(requestId: string, signal: AbortSignal): Promise<TrackedJob | undefined> {
    const known = this.#jobs.get(requestId);
    if (known) return known;
    let waiters = this.#waiting.get(requestId);
    if (!waiters) {
      waiters = new Set();
      this.#waiting.set(requestId, waiters);
    }
    let wake = () => {};
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.waitMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
      waiters.add(wake);
      signal.addEventListener("abort", wake, { once: true });
    });
    signal.removeEventListener("abort", wake);
    waiters.delete(wake);
    if (waiters.size === 0) this.#waiting.delete(requestId);
    return this.#jobs.get(requestId);
  }

  /** Resolves when `job` has ended (or `signal` aborted). */
  async whenEnded(job: TrackedJob, signal: AbortSignal): Promise<void> {
    if (job.ended || signal.aborted) return;
    let wake = () => {};
    await new Promise<void>((resolve) => {
      wake = resolve;
      job.onEnd.add(wake);
      signal.addEventListener("abort", wake, { once: true });
    });
    job.onEnd.delete(wake);
    signal.removeEventListener("abort", wake);
  }

  /** Forgets every job and stops its timers (on stop). */
  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#jobs.clear();
  }
}

/** How long the runner's stream may still deliver its own `end` after the job answered (it ends at the same time). */
const END_GRACE_MS = 1000;

/**
 * Mounts `GET /progress/{request_id}` on `app`, behind `auth`.
 * @example mountProgressRoute(app, validator, { tracker, log }, bearerAuth({ token: secret }))
 */
export function mountProgressRoute(
  app: Hono,
  validator: RequestValidator,
  ctx: { tracker: ProgressTracker; log: Logger },
  auth: MiddlewareHandler,
): void {
  const route = typedRoutes<operations>(app, validator);
  route("getProgress", ((_: unknown, c: Context) => relay(c, ctx)) as never, auth);
}

async function relay(c: Context, ctx: { tracker: ProgressTracker; log: Logger }): Promise<Response> {
  const { tracker } = ctx;
  const requestId = c.req.param("request_id") as string;
  const job = await tracker.find(requestId, c.req.raw.signal);
  if (!job) {
    throw new HttpError(
      404,
      `no job with request id ${JSON.stringify(requestId)} started within ${tracker.waitMs / 1000} s, and none ended in the last ${tracker.keepMs / 1000} s`,
    );
  }
  c.header("X-Accel-Buffering", "no");
  return streamSSE(
    c,
    async (stream) => {
      const following = new AbortController();
      stream.onAbort(() => following.abort());
      let lastId = 0;
      // Once the job answered, the runner's stream has its `end` too; a runner that never saw the job (a 4xx before
      // it started) would otherwise keep the subscriber waiting for its own timeout.
      void tracker.whenEnded(job, following.signal).then(() => {
        if (!following.signal.aborted) setTimeout(() => following.abort(), END_GRACE_MS).unref();
      });
      try {
        try {
          for await (const e of job.client?.progress(requestId, { signal: following.signal }) ?? []) {
            const { type, id, ...data } = e;
            await stream.writeSSE({ id: String(id), event: type, data: JSON.stringify(data) });
            lastId = id;
            if (type === "end") return;
          }
        } catch {
          // No progress route (a Livepeer runner), an unknown id there, or a runner gone: the orchestrator's own end.
        }
        await tracker.whenEnded(job, c.req.raw.signal);
        if (job.ended && !stream.aborted) {
          await stream.writeSSE({ id: String(lastId + 1), event: "end", data: JSON.stringify(job.ended) });
        }
      } finally {
        following.abort();
      }
    },
    async (err) => {
      ctx.log.warn("progress relay failed", { request_id: requestId, error: err.message });
    },
  );
}

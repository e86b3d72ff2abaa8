/**
 * @module `GET /progress/{request_id}`: relays the runner's progress events of the job this orchestrator runs under a
 * request id. The job routes tell a {@link ProgressTracker} which runner runs which request id and how each job
 * ended; a subscriber waits for its job to start (up to `waitMs`), follows the runner's own stream, and gets an `end`
 * made from the orchestrator's answer when the runner has no progress route (a Livepeer runner) or its stream broke.
 * A job of several stages on several runners (the image-to-video → FILM chain) is relayed stage after stage: each
 * runner's events, with the stage's `pipeline` added and ids continued across stages, and one `end` for the job.
 * A stage that starts after the subscriber came is followed from its first event (`Last-Event-ID: 0` to the runner),
 * so a subscriber that came first sees every step even when its runner stream connects after the job began; so is
 * the runner that takes a job over when its first runner fails mid-job, and every stage for a subscriber that names
 * the last event it saw (`Last-Event-ID`), which then gets only the events after it.
 */
import type { RunnerClient } from "@ai-video-subnet/runner-client";
import { HttpError, type Logger, type RequestValidator, typedRoutes, validated } from "@ai-video-subnet/server-kit";
import type { Context, Hono, MiddlewareHandler } from "hono";
import { streamSSE } from "hono/streaming";
import type { operations } from "../generated/orchestrator.js";
import { CLIENT_CLOSED_REQUEST } from "./metrics.js";

/** How one job ended, as the `end` event says it. */
export interface JobEnd {
  status: number;
  msg?: string;
}

/** One stage of a job: the runner it runs on, and the pipeline of a chain's stage. */
interface TrackedStage {
  client: RunnerClient | undefined;
  pipeline?: string;
}

/** One job the tracker knows: its stages so far (one for a plain job), and how it ended once it did. */
interface TrackedJob {
  stages: TrackedStage[];
  /** How many stages the job has (1 unless it is a chain). */
  count: number;
  ended: JobEnd | undefined;
  onEnd: Set<() => void>;
  onStage: Set<() => void>;
}

/** A stage of a chain job: its pipeline, its place and how many stages the chain has. */
export interface ChainStage {
  pipeline: string;
  index: number;
  count: number;
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

  /**
   * A job with this request id went to `client`'s runner (again on a retry: subscribers follow the new runner), or
   * one stage of a chain job did (`stage`): subscribers follow the chain's stages in order.
   */
  started(requestId: string, client: RunnerClient | undefined, stage?: ChainStage): void {
    let job = this.#jobs.get(requestId);
    if (!job || job.ended) {
      job = { stages: [], count: 1, ended: undefined, onEnd: new Set(), onStage: new Set() };
      this.#jobs.set(requestId, job);
    }
    const index = stage?.index ?? 0;
    job.count = stage?.count ?? 1;
    job.stages[index] = stage ? { client, pipeline: stage.pipeline } : { client };
    for (const wake of job.onStage) wake();
    for (const wake of this.#waiting.get(requestId) ?? []) wake();
  }

  /** Stage `index` of `job`, waiting until it starts; undefined when the job ended first (or `signal` aborted). */
  async stage(job: TrackedJob, index: number, signal: AbortSignal): Promise<TrackedStage | undefined> {
    await this.#until(job, () => job.stages[index] !== undefined, signal);
    return job.stages[index];
  }

  /**
   * The runner that took stage `index` of `job` over from `old`'s (a retry after `old`'s runner failed), waiting until
   * one does; undefined when the job ended instead (or `signal` aborted).
   */
  async replaced(
    job: TrackedJob,
    index: number,
    old: TrackedStage,
    signal: AbortSignal,
  ): Promise<TrackedStage | undefined> {
    await this.#until(job, () => job.stages[index] !== old, signal);
    return job.stages[index] !== old ? job.stages[index] : undefined;
  }

  /** Resolves when `done()` holds, `job` ended or `signal` aborted; checked again whenever a stage starts. */
  async #until(job: TrackedJob, done: () => boolean, signal: AbortSignal): Promise<void> {
    let wake = () => {};
    while (!done() && !job.ended && !signal.aborted) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        job.onStage.add(wake);
        job.onEnd.add(wake);
        signal.addEventListener("abort", wake, { once: true });
      });
      job.onStage.delete(wake);
      job.onEnd.delete(wake);
      signal.removeEventListener("abort", wake);
    }
  }

  /**
   * How many subscribers wait for a job under `requestId` that has not started yet (for an embedder or a test that
   * must know they are there before it sends the job: one that connects after the job started joins it mid-way).
   * @example await eventually(() => orch.progress.waiting("job-1") === 1); // then POST the job
   */
  waiting(requestId: string): number {
    return this.#waiting.get(requestId)?.size ?? 0;
  }

  /** How many stages of the job under `requestId` have started by now (0 when none is known). */
  startedStages(requestId: string): number {
    return this.#jobs.get(requestId)?.stages.filter(Boolean).length ?? 0;
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
  // The last event a reconnecting subscriber saw: every stage is then followed from its first event and the events
  // up to it are left out (the ids are the same on every follow: each stage's ids run on from the previous stage's).
  const resume = validated(c).params["Last-Event-ID"] as number | undefined;
  // Stages that start after the subscriber came are followed from their first event, stages already running from
  // their last state: the runner's stream may connect after the runner began the job (it is sent at the same time).
  const joinedAt = resume === undefined ? tracker.startedStages(requestId) : 0;
  const seen = resume ?? 0;
  const job = await tracker.find(requestId, c.req.raw.signal);
  // A subscriber that left while waiting gets nothing (logged as 499, not as a wait that ran out).
  if (!job && c.req.raw.signal.aborted) return c.body(null, CLIENT_CLOSED_REQUEST as never);
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
        // Stage after stage (one for a plain job): each runner's events, ids continued from the previous stage's.
        for (let index = 0; index < job.count; index++) {
          let stage = await tracker.stage(job, index, following.signal);
          if (!stage) break;
          const last = index === job.count - 1;
          let from = index >= joinedAt ? { lastEventId: 0 } : {};
          let passed = false;
          for (;;) {
            const offset = lastId;
            const { pipeline } = stage;
            try {
              for await (const e of stage.client?.progress(requestId, { signal: following.signal, ...from }) ?? []) {
                const { type, id, ...data } = e;
                // A chain's earlier stage that succeeded hands over to the next; the job's `end` comes from the last.
                if (type === "end" && !last && e.status === 200) {
                  passed = true;
                  break;
                }
                // The job's `end` is `{"status"}` (and `msg`) as for a plain job: the stage's pipeline goes on steps.
                const payload = pipeline && type === "progress" ? { pipeline, ...data } : data;
                lastId = offset + id;
                // The end goes to every subscriber, even one that names it or a later id (as the runner does).
                if (lastId > seen || type === "end") {
                  await stream.writeSSE({ id: String(lastId), event: type, data: JSON.stringify(payload) });
                }
                if (type === "end") return;
              }
            } catch {
              // No progress route (a Livepeer runner), an unknown id there, or a runner gone.
            }
            if (passed || following.signal.aborted) break;
            // A runner that failed mid-job hands the stage to another (followed from its start, ids running on), or
            // the job ends: the orchestrator's own end.
            const retry = await tracker.replaced(job, index, stage, following.signal);
            if (!retry) break;
            stage = retry;
            from = { lastEventId: 0 };
          }
          if (!passed) break;
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

/**
 * @module The stall watchdog of a runner call (`runner-stall-timeout`): a runner stuck inside `session.run` still
 * answers `/health`, so only its silence shows it. While the call runs, the orchestrator follows the runner's own
 * `GET /progress/{request_id}` from the job's first event (which also makes the runner post every step); once the
 * runner has reported a step, a silence of the timeout cuts the call and says so. A runner that reports nothing for
 * the job — a Livepeer runner has no progress route (404), a pipeline may report its only step at its end — is never
 * cut by it (its job is held by `job-timeout`), nor is a job before its first step; a progress stream that breaks
 * (the runner died: the call fails by itself) or ends disarms it. The stream is opened only once the call has run
 * {@link WATCH_AFTER_MS} (or the timeout, if shorter): a short job, most image jobs, costs the runner and this hop no
 * second request. A runner shows a late follower its job's last reported state at once.
 */
import type { RunnerClient } from "@ai-video-subnet/runner-client";
import { HttpError, type Logger } from "@ai-video-subnet/server-kit";
import type { Lease } from "../runners/runner-pool.js";
import type { OrchestratorMetrics } from "./metrics.js";

/**
 * One job's runner call under the stall watchdog ({@link watchStall}): a stall is counted
 * (`avs_orchestrator_runner_stalls_total`), logged (`runner stalled`) and restarts the runner.
 * @example await watchedCall(ctx, lease, requestId, job, (signal) => forward(lease, body, signal))
 */
export function watchedCall<T>(
  ctx: { metrics: OrchestratorMetrics; log: Logger; stallTimeoutMs?: number },
  lease: Lease,
  requestId: string,
  job: StoppableJob,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { runner } = lease;
  const { pipeline, modelId } = runner.entry;
  const name = `${pipeline} model ${JSON.stringify(modelId)}`;
  return watchStall(
    runner.client,
    requestId,
    ctx.stallTimeoutMs ?? 0,
    job,
    // A runner reached by URL found down cuts the call (see ManagedRunner.call); a hang-up or a stall cuts it too.
    (signal) => runner.call(signal, call),
    ({ silentMs, last }) => {
      ctx.metrics.stalls.inc({ pipeline, model_id: modelId });
      ctx.log.warn("runner stalled", {
        request_id: requestId,
        runner: runner.name,
        silent_ms: silentMs,
        last_step: `${last.stage} ${last.step}/${last.total}`,
      });
      // Stuck inside a step, it cannot be trusted with the next job (an external runner is only checked again).
      void runner.restart(`stalled: no progress for ${silentMs / 1000} s during a job`).catch(() => {});
    },
    { name, restarted: !runner.external },
  );
}

/**
 * How long a runner call runs before the watchdog follows its progress, ms (at most the timeout itself). Opening
 * the stream costs a request on both sides; a job this short is not worth it, and a stall is counted in minutes.
 */
export const WATCH_AFTER_MS = 2000;

/** What the watchdog saw when it cut a call: the silence and the last step the runner reported. */
export interface Stall {
  silentMs: number;
  last: { stage: string; step: number; total: number };
}

/** The job a runner call belongs to: its signal, and how to stop it (see job-signal.ts). */
export interface StoppableJob {
  readonly signal: AbortSignal;
  abort(reason: unknown): void;
}

/**
 * Runs `call` under the job's signal; when the runner, having reported progress for `requestId`, then reports none
 * for `stallMs`, the job is stopped (the call with it), `onStall` is told at once (restart the runner there), and
 * the call's rejection becomes the 500 {@link stallError}. `stallMs` 0 (off) or no client: `call` alone. Nothing but
 * one timer is made per call until the watch starts (an AbortController and its listener per call cost a 64×64
 * upscale 5–8 % of the orchestrator's CPU).
 * @example
 * await watchStall(client, "job-1", 120_000, job, (signal) => client.forward(path, body, { signal }), restart, {
 *   name: 'upscale model "a/b"', restarted: true });
 */
async function watchStall<T>(
  client: RunnerClient | undefined,
  requestId: string,
  stallMs: number,
  job: StoppableJob,
  call: (signal: AbortSignal) => Promise<T>,
  onStall: (stall: Stall) => void,
  what: { name: string; restarted: boolean },
): Promise<T> {
  if (!client || stallMs <= 0) return call(job.signal);
  let following: AbortController | undefined;
  let stall: Stall | undefined;
  let reason: DOMException | undefined;
  let timer: NodeJS.Timeout | undefined;
  const follow = async () => {
    if (job.signal.aborted) return;
    const watching = new AbortController();
    following = watching;
    try {
      for await (const e of client.progress(requestId, { signal: watching.signal, lastEventId: 0 })) {
        if (e.type === "end") break;
        const last = { stage: e.stage, step: e.step, total: e.total };
        clearTimeout(timer);
        timer = setTimeout(() => {
          stall = { silentMs: stallMs, last };
          watching.abort();
          reason = new DOMException(`the runner reported no progress for ${stallMs} ms`, "TimeoutError");
          job.abort(reason);
          onStall(stall);
        }, stallMs);
      }
    } catch {
      // No progress route (a Livepeer runner), no such job there, or the runner gone: nothing to watch.
    }
    if (!stall) clearTimeout(timer);
  };
  const start = setTimeout(follow, Math.min(WATCH_AFTER_MS, stallMs));
  try {
    return await call(job.signal);
  } catch (err) {
    // Only when the job was stopped by this watch (a hang-up or job-timeout before it keeps its own error).
    throw stall && job.signal.reason === reason ? stallError(stall, stallMs, what, err) : err;
  } finally {
    clearTimeout(start);
    following?.abort();
    clearTimeout(timer);
  }
}

/**
 * The client's answer to a stalled call: a 500 as every failure of the runner's own (Livepeer's spec has no 504 for
 * the job routes), which a broadcaster retries on another orchestrator.
 */
function stallError(stall: Stall, stallMs: number, what: { name: string; restarted: boolean }, cause: unknown) {
  const { stage, step, total } = stall.last;
  const then = what.restarted ? "the runner is being restarted" : "the runner is external, its operator restarts it";
  return new HttpError(
    500,
    `the runner of ${what.name} stalled: no progress for ${stallMs / 1000} s (runner-stall-timeout) after ${stage} step ${step} of ${total}; the job was stopped and ${then}`,
    { cause },
  );
}

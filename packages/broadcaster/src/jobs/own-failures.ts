/**
 * @module This gateway's own failures, told apart from the orchestrator's: a local resource ran out (file
 * descriptors, disk, memory) or the output store failed. An asynchronous job has patience with them: its client is
 * not waiting, so the step that failed is tried again for the job's `localRetryMs` instead of failing work that an
 * orchestrator may already have done. A synchronous job fails at once with a 503, its client retrying.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { localResourceCode } from "@ai-video-subnet/server-kit";

/** What a client is told of a job that failed for want of a local resource: no path, no code. */
export const SHORT_OF_RESOURCES =
  "the gateway is short of local resources (files, disk or memory) right now; retry later";

/** True for a failure of this machine's resources (file descriptors, disk, memory): see `localResourceCode`. */
export const isLocalFailure = (err: unknown): boolean => localResourceCode(err) !== undefined;

/**
 * Runs `step`, and again after a failure that `own` says is this gateway's while `retryMs` allows: 0.5 s after the
 * first, then twice as long each time, at most 8 s. Past `retryMs`, or for another failure, the error is thrown; an
 * abort of `signal` ends the wait with its AbortError.
 * @example const res = await retryOwnFailures(() => send(o, job), 60_000, signal, isLocalFailure);
 */
export async function retryOwnFailures<T>(
  step: () => Promise<T>,
  retryMs: number,
  signal: AbortSignal,
  own: (err: unknown) => boolean,
): Promise<T> {
  const until = Date.now() + retryMs;
  for (let wait = 500; ; wait = Math.min(2 * wait, 8000)) {
    try {
      return await step();
    } catch (err) {
      if (!own(err) || Date.now() + wait > until) throw err;
      await sleep(wait, undefined, { signal });
    }
  }
}

/**
 * @module How a run of an asynchronous job ends: the outcome of its dispatch, or the failure of a job that was taken
 * over too often to be run again.
 */
import type { DispatchResult } from "../jobs/dispatch.js";
import type { JobOutcome, JobRecord } from "./model.js";

/**
 * The job's outcome from dispatch's: the stored media, the orchestrator's 4xx (its `detail` kept), or the 503, 502
 * or 500 the synchronous route would have answered.
 * @example outcomeOf({ kind: "unavailable", msg: "no orchestrators …", retryAfterSeconds: 1 }).status // "failed"
 */
export function outcomeOf(result: DispatchResult): JobOutcome {
  if (result.kind === "ok") {
    return { status: "succeeded", media: result.media.map((m) => ({ name: m.name, seed: m.seed, nsfw: m.nsfw })) };
  }
  if (result.kind === "client_error") {
    const detail = (result.body as { detail: { msg: string } }).detail;
    return { status: "failed", error: { status: result.status, detail } };
  }
  const status = result.kind === "failed" ? 500 : result.badAnswers ? 502 : 503;
  return { status: "failed", error: { status, detail: { msg: result.msg } } };
}

/**
 * The failure of a job whose runs stopped without ending it more than `max` times (`jobs-max-takeovers`), or
 * undefined when it may run. A job whose broadcaster dies is taken over once its lease runs out; one that kills the
 * broadcaster running it (its memory, a crash) would otherwise take down each broadcaster of the fleet in turn, for
 * ever, and run on a GPU each time.
 * @example tooManyTakeovers({ …job, takeovers: 4 }, 3)?.error.status // 500
 */
export function tooManyTakeovers(
  job: Pick<JobRecord, "takeovers">,
  max: number | undefined,
): Extract<JobOutcome, { status: "failed" }> | undefined {
  if (max === undefined || job.takeovers <= max) return undefined;
  const stops = job.takeovers;
  return {
    status: "failed",
    error: {
      status: 500,
      detail: {
        msg:
          `the job stopped without ending ${stops} time${stops === 1 ? "" : "s"}: each time, the broadcaster running it stopped renewing its ` +
          `lease (it was killed or crashed, or cut off from the job store); it was run again ${max} ` +
          `time${max === 1 ? "" : "s"}, the most jobs-max-takeovers allows, so it is not run again`,
      },
    },
  };
}

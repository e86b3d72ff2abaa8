/**
 * @module Livepeer's asynchronous image-to-video flow. go-livepeer's gateway answers `POST /image-to-video` with
 * `Prefer: respond-async` with a 202 holding only a `request_id`; then `POST /image-to-video/result` with
 * `{"request_id"}` answers 202 `{"status": "processing"}` until the job ends, and 200 `{"status": "complete", "result"}`
 * with the synchronous route's answer or `{"error": {"message", "status"?}}` (the status is our gateway's extension,
 * 499 when cancelled). Our broadcaster serves the route too (specs/gateway.yaml, `getImageToVideoResult`).
 */
import { AbortError } from "../errors.js";
import type { components } from "../generated/gateway.js";
import type { Job, JobEvent, JobTransport } from "../jobs.js";
import type { CallOptions } from "../options.js";
import { backoffDelay, sleep } from "./backoff.js";
import { FINAL } from "./job-events.js";
import { jobRequest } from "./job-request.js";

const PATH = "/image-to-video/result";

/**
 * Reads the job `base` stands for once: as running while the gateway says `processing`, else as it ended.
 *
 * @example
 * const now = await livepeerResult(t, handle.job, { signal });
 */
export async function livepeerResult(t: JobTransport, base: Job, call?: CallOptions): Promise<Job> {
  const answer = (await jobRequest(t, "POST", PATH, call, {
    request_id: base.request_id,
  })) as components["schemas"]["ImageToVideoResultResponse"];
  if (answer.status !== "complete") return { ...base, status: "running" };
  const ended = { ...base, finished_at: new Date().toISOString(), progress: { fraction: 1 } };
  const error = answer.result?.error;
  if (!error) return { ...ended, status: "succeeded", result: answer.result as Job["result"] };
  const status = error.status ?? 500;
  return {
    ...ended,
    status: status === 499 ? "cancelled" : "failed",
    error: { status, detail: { msg: error.message } },
  };
}

/**
 * The job's events as far as polling tells them: a `status` event (running) at the first `processing`, then the
 * `result`. Polls with backoff (0.25-0.5 s, doubling to 2-4 s) until the result, or until `signal` fires.
 *
 * @example
 * for await (const e of livepeerEvents(t, handle.job, signal, (job) => (latest = job))) console.log(e.type);
 */
export async function* livepeerEvents(
  t: JobTransport,
  base: Job,
  signal: AbortSignal | undefined,
  seen: (job: Job) => void,
): AsyncGenerator<JobEvent> {
  for (let polls = 0; ; polls++) {
    const job = await livepeerResult(t, base, { signal });
    seen(job);
    if (FINAL.has(job.status)) {
      yield { type: "result", id: undefined, job };
      return;
    }
    if (polls === 0) yield { type: "status", id: undefined, job };
    try {
      await sleep(backoffDelay(Math.min(polls, 3), undefined), signal);
    } catch {
      throw new AbortError({ method: "POST", path: PATH }, { cause: signal?.reason });
    }
  }
}

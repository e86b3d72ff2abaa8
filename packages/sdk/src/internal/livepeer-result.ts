/**
 * @module Livepeer's asynchronous image-to-video flow. go-livepeer's gateway answers `POST /image-to-video` with
 * `Prefer: respond-async` with a 202 holding only a `request_id`; then `POST /image-to-video/result` with
 * `{"request_id"}` answers 202 `{"status": "processing"}` until the job ends, and 200 `{"status": "complete", "result"}`
 * with the synchronous route's answer or `{"error": {"message", "status"?}}` (the status is our gateway's extension,
 * 499 when cancelled). Our broadcaster serves the route too (specs/gateway.yaml, `getImageToVideoResult`).
 */
import { AbortError, ApiError, apiError, ConnectionError, type SdkError } from "../errors.js";
import type { components } from "../generated/gateway.js";
import type { Job, JobEvent, JobTransport } from "../jobs.js";
import type { CallOptions } from "../options.js";
import { backoffDelay, RETRYABLE_STATUSES, reconnectDelay, sleep } from "./backoff.js";
import { FINAL, STREAM_ATTEMPTS } from "./job-events.js";
import { jobRequest } from "./job-request.js";
import { isResult, RESULT_SHAPE } from "./transport.js";

const PATH = "/image-to-video/result";
type Answer = components["schemas"]["ImageToVideoResultResponse"];

/**
 * Reads the job `base` stands for once: as running while the gateway says `processing`, else as it ended. A
 * `complete` answer without an error must hold a result as the synchronous call's, and any other status is
 * unknown (go-livepeer's `ImageToVideoStatus` has these two only): either is a `MalformedResponseError`, at once,
 * as polling on would never end.
 *
 * @example
 * const now = await livepeerResult(t, handle.job, { signal });
 */
export async function livepeerResult(t: JobTransport, base: Job, call?: CallOptions): Promise<Job> {
  const answer = (await jobRequest(t, "POST", PATH, call, { request_id: base.request_id }, (a: Answer) =>
    a.status === "complete"
      ? !a.result?.error && !isResult(a.result)
        ? `a complete answer whose result is ${RESULT_SHAPE}`
        : undefined
      : a.status !== "processing"
        ? `status "processing" or "complete", not ${JSON.stringify(a.status)}`
        : undefined,
  )) as Answer;
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
 * `result`. Polls with backoff (0.25-0.5 s, doubling to 2-4 s) until the result, or until `signal` fires. A poll that
 * fails to connect or answers 429, 502, 503 or 504 is a failed attempt, polled again after its `Retry-After`, else
 * with backoff, as an event stream's failed connection is; the {@link STREAM_ATTEMPTS}th in a row rejects with its
 * error. Each poll is bounded by the client's `timeoutMs`.
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
  let failures = 0;
  let running = false;
  for (let polls = 0; ; polls++) {
    let wait: number | undefined;
    try {
      // No retries inside a poll: this loop counts the failed ones, with the event stream's tolerance.
      const job = await livepeerResult(t, base, { signal, retries: 0 });
      failures = 0;
      seen(job);
      if (FINAL.has(job.status)) {
        yield { type: "result", id: undefined, job };
        return;
      }
      if (!running) yield { type: "status", id: undefined, job };
      running = true;
    } catch (err) {
      const transient =
        err instanceof ConnectionError || (err instanceof ApiError && RETRYABLE_STATUSES.has(err.status));
      if (!transient) throw err;
      if (++failures >= STREAM_ATTEMPTS) throw counted(err, failures);
      wait = (err as ApiError).retryAfterMs;
    }
    try {
      await sleep(
        reconnectDelay(wait ?? backoffDelay(failures ? failures - 1 : Math.min(polls, 3), undefined)),
        signal,
      );
    } catch {
      throw new AbortError({ method: "POST", path: PATH }, { cause: signal?.reason });
    }
  }
}

/** `err` again, saying `attempts` failed polls in a row. */
function counted(err: ConnectionError | ApiError, attempts: number): SdkError {
  return err instanceof ApiError
    ? apiError({ ...err, attempts, cause: err.cause })
    : new ConnectionError(err, { cause: err.cause, attempts });
}

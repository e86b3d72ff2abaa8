/**
 * @module A job's events (`GET /jobs/{id}/events`): Server-Sent Events read from a `fetch` body, so the API key
 * travels as a header in browsers too, resumed with `Last-Event-ID` when the connection drops.
 */
import {
  AbortError,
  apiError,
  type CallTarget,
  ConnectionError,
  MalformedResponseError,
  parseRetryAfter,
  SdkError,
} from "../errors.js";
import type { Job, JobEvent, JobProgress, JobStatus, JobTransport } from "../jobs.js";
import { backoffDelay, RETRYABLE_STATUSES, reconnectDelay, sleep } from "./backoff.js";
import { jobRequest, parseBody } from "./job-request.js";
import { readServerSentEvents, within } from "./sse.js";
import { capped, isResult, RESULT_SHAPE, tooLarge } from "./transport.js";

/** How many failed attempts in a row end an event stream (or the polling of Livepeer's flow). */
export const STREAM_ATTEMPTS = 8;
/** The statuses a job ends in. */
export const FINAL: ReadonlySet<JobStatus> = new Set(["succeeded", "failed", "cancelled"]);

/**
 * What `job` should have been, when it is not what a gateway may answer: a succeeded job's `result` is a result as a
 * synchronous call's answer is ({@link isResult}), and a job given as the `result` (`ended`) has ended.
 *
 * @example
 * jobProblem({ ...job, status: "succeeded", result: {} }); // "a succeeded job whose result is a JSON object with …"
 */
export function jobProblem(job: Job | null, ended?: boolean): string | undefined {
  if (ended && !FINAL.has(job?.status as JobStatus)) return "a job that ended (succeeded, failed or cancelled)";
  if (job?.status === "succeeded" && !isResult(job.result)) return `a succeeded job whose result is ${RESULT_SHAPE}`;
}

/**
 * The events of job `id` from the first (or after `lastEventId`) to its result, reconnecting with `Last-Event-ID`
 * when the stream drops or ends early; `seen` is told each state of the job that comes by.
 *
 * @example
 * for await (const e of jobEvents(t, id, { signal }, (job) => (latest = job))) console.log(e.type);
 */
export async function* jobEvents(
  t: JobTransport,
  id: string,
  options: { signal?: AbortSignal; lastEventId?: string },
  seen: (job: Job) => void,
): AsyncGenerator<JobEvent> {
  const { signal } = options;
  const path = `/jobs/${id}`;
  const target: CallTarget = { method: "GET", path: `${path}/events` };
  const aborted = () => new AbortError(target, { cause: signal?.reason });
  let lastId = options.lastEventId;
  let failures = 0;
  // The stream's reconnection time: kept from its last retry field, over connections (WHATWG's EventSource does).
  let reconnectMs: number | undefined;
  for (;;) {
    if (signal?.aborted) throw aborted();
    const headers = new Headers(t.headers);
    headers.set("Accept", "text/event-stream");
    if (lastId !== undefined) headers.set("Last-Event-ID", lastId);
    let response: Response | undefined;
    let retryMs: number | undefined;
    const connection = connect(t, `${t.baseUrl}${path}/events`, headers, signal);
    try {
      try {
        response = await connection.response;
      } catch (err) {
        if (signal?.aborted) throw aborted();
        if (++failures >= STREAM_ATTEMPTS) throw new ConnectionError(target, { cause: err, attempts: failures });
      }
      if (response && !response.ok) {
        const read = new Response(response.body && capped(response.body)).text();
        const text = await within(read, t.eventStreamIdleMs).catch(() => "");
        // This answer is a failed attempt too: the count includes it, retried or not.
        if (++failures >= STREAM_ATTEMPTS || !RETRYABLE_STATUSES.has(response.status)) {
          throw apiError({
            ...target,
            status: response.status,
            headers: response.headers,
            body: parseBody(text),
            attempts: failures,
          });
        }
        retryMs = parseRetryAfter(response.headers.get("retry-after"));
      } else if (response && !/^text\/event-stream\b/i.test(response.headers.get("content-type") ?? "")) {
        // Not an event stream (a proxy's page, a cached JSON): a failed attempt, else it would be asked again forever.
        await response.body?.cancel().catch(() => {});
        if (++failures >= STREAM_ATTEMPTS) {
          throw new MalformedResponseError(target, "text/event-stream", response, undefined, { attempts: failures });
        }
        retryMs = parseRetryAfter(response.headers.get("retry-after"));
      } else if (response?.body) {
        let received = 0;
        const answer = response;
        const limit = {
          length: t.maxResponseBytes,
          error: () => tooLarge(target, answer, t.maxResponseBytes, failures + 1),
        };
        try {
          for await (const e of readServerSentEvents(response.body, t.eventStreamIdleMs, limit, (ms) => {
            reconnectMs = ms;
          })) {
            received += 1;
            failures = 0;
            lastId = e.id ?? lastId;
            const event = toJobEvent(e.event, e.id, e.data);
            if (!event) continue;
            // Else `wait()` resolved with a result of no images, or rejected with "job undefined failed".
            const expected = event.type === "result" && jobProblem(event.job, true);
            if (expected) throw new MalformedResponseError(target, expected, answer, e.data);
            if (event.type !== "progress") seen(event.job);
            yield event;
            if (event.type === "result") return;
          }
          if (received === 0) {
            // Ended with nothing after `lastEventId`: the job may have ended before it (a gateway that stopped
            // before sending the result, or one sharing the job with another): then its state is the result.
            const job = (await jobRequest(t, "GET", path, { signal }, undefined, jobProblem)) as Job;
            seen(job);
            if (FINAL.has(job.status)) {
              yield { type: "result", id: lastId, job };
              return;
            }
          }
        } catch (err) {
          if (signal?.aborted) throw aborted();
          if (err instanceof SdkError) throw err;
          // Dropped, or silent for longer than `eventStreamIdleMs` (stalled): one more failed attempt.
          if (++failures >= STREAM_ATTEMPTS) throw new ConnectionError(target, { cause: err, attempts: failures });
        }
      }
    } finally {
      connection.close();
    }
    // Dropped, or ended before the result (the gateway stopped): reconnect after the answer's Retry-After, else the
    // stream's reconnection time, lengthened by backoff after a failed attempt (as WHATWG allows), else backoff.
    const backoff = failures || reconnectMs === undefined ? backoffDelay(Math.max(0, failures - 1), undefined) : 0;
    try {
      await sleep(reconnectDelay(retryMs ?? Math.max(reconnectMs ?? 0, backoff)), signal);
    } catch {
      throw aborted();
    }
  }
}

/**
 * One connection of an event stream. Its request has a signal of its own, fired by the caller's `signal` too, so that
 * a stalled attempt can be ended alone; `response` rejects once `eventStreamIdleMs` pass without the answer's headers
 * (a server that takes the connection and says nothing is as stalled as a silent stream). `close()` ends the request
 * if it still runs, leaving no socket open, and unlinks `signal`.
 */
function connect(t: JobTransport, url: string, headers: Headers, signal: AbortSignal | undefined) {
  const attempt = new AbortController();
  const stop = () => attempt.abort();
  signal?.addEventListener("abort", stop);
  const request = new Request(url, { headers, signal: attempt.signal });
  return {
    response: within(t.fetch(request), t.eventStreamIdleMs),
    close() {
      signal?.removeEventListener("abort", stop);
      // `request` is held until here: Node 20's fetch follows its signal through a weak reference only
      // (nodejs/undici#4068), so once collected, aborting would no longer reach the connection.
      if (!request.signal.aborted) attempt.abort();
    },
  };
}

function toJobEvent(type: string, id: string | undefined, data: string): JobEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (type === "progress") return { type, id, progress: value as JobProgress };
  if (type === "status" || type === "result") return { type, id, job: value as Job };
  return undefined;
}

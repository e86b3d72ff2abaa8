/**
 * @module Asynchronous jobs: `client.submit(pipeline, options)` sends a generate request with
 * `Prefer: respond-async` and returns a {@link JobHandle} at once; the handle reads the job, iterates its events
 * (Server-Sent Events read from a `fetch` body, so the API key travels as a header in browsers too, resumed with
 * `Last-Event-ID` when the connection drops), waits for the result, and cancels. Types come from the gateway spec.
 */
import { apiError, type CallTarget, InvalidInputError, MalformedResponseError, SdkError } from "./errors.js";
import type { components } from "./generated/gateway.js";
import { FINAL, jobEvents, jobProblem } from "./internal/job-events.js";
import { jobRequest } from "./internal/job-request.js";
import { livepeerEvents, livepeerResult } from "./internal/livepeer-result.js";
import { type FetchLike, isHttpUrl } from "./internal/transport.js";
import {
  type CallOptions,
  checkSettings,
  type PipelineName,
  type PipelineOptions,
  type PipelineResult,
  type Pipelines,
} from "./options.js";

/** An asynchronous job as the gateway reports it (`GET /jobs/{id}`). */
export type Job = components["schemas"]["Job"];
/** `queued`, `running`, `succeeded`, `failed` or `cancelled`. */
export type JobStatus = components["schemas"]["JobStatus"];
/** How far a job is: `fraction` (0 to 1) and, when the runner reports steps, `stage`, `step` and `total`. */
export type JobProgress = components["schemas"]["JobProgress"];

/** Each pipeline's name by its client method name (`textToImage` → `"text-to-image"`). */
type PipelineOfMethod = { [P in PipelineName as Pipelines[P]["clientMethod"]]: P };

/**
 * The pipelines a job can run, by client method name, with their options and results — every pipeline of the
 * gateway spec (from its generated table), as the client's methods are.
 */
export type JobPipelines = {
  [M in keyof PipelineOfMethod]: {
    options: PipelineOptions<PipelineOfMethod[M]>;
    result: PipelineResult<PipelineOfMethod[M]>;
  };
};
/** A pipeline by its client method name: `textToImage`, `imageToImage`, `imageToVideo`, `upscale`, … */
export type JobPipeline = keyof JobPipelines;

/** Settings of {@link Client.submit}: the call options, plus an idempotency key and a webhook. */
export interface SubmitOptions extends CallOptions {
  /**
   * Sent as `Idempotency-Key`: submitting again with the same key and options returns the same job (so a failed
   * submit may be retried safely; the SDK then retries it). The same key with other options is a `ValidationError`.
   */
  idempotencyKey?: string;
  /**
   * A URL the gateway POSTs the job's events to (`job.running`, `job.succeeded`, `job.failed`, `job.cancelled`),
   * signed as the Standard Webhooks spec says with `secret` (`whsec_…`); without one the gateway makes a secret and
   * returns it once, as {@link JobHandle.webhookSecret}. Our gateway sends events to public addresses only unless its
   * operator allows more (a private or loopback `url` is a 422).
   */
  webhook?: { url: string; secret?: string };
}

/** An event of a job: its status changed (`status`, `result` when it ended), or it made progress. */
export type JobEvent =
  | { type: "status"; id: string | undefined; job: Job }
  | { type: "progress"; id: string | undefined; progress: JobProgress }
  | { type: "result"; id: string | undefined; job: Job };

/** Settings of {@link JobHandle.wait}. */
export interface WaitOptions {
  /** Stops waiting (the promise rejects with an `AbortError`); the job itself goes on — use `cancel()` for that. */
  signal?: AbortSignal;
  /** Called with each progress report: 0 when the job starts, per step when the runner reports them, 1 at the end. */
  onProgress?: (progress: JobProgress, job: Job) => void;
}

/** A job of the gateway. See {@link Client.submit}. */
export interface JobHandle<P extends JobPipeline = JobPipeline> {
  readonly id: string;
  /** The job as last seen (from the submit answer, `refresh()` or an event). */
  readonly job: Job;
  /** The webhook secret the gateway made for this job (only on the handle `submit` returned, when it made one). */
  readonly webhookSecret: string | undefined;
  /** Reads the job now (`GET /jobs/{id}`). */
  refresh(call?: CallOptions): Promise<Job>;
  /** The job's events from the first (or after `lastEventId`) to its result; reconnects by itself when dropped. */
  events(options?: { signal?: AbortSignal; lastEventId?: string }): AsyncGenerator<JobEvent>;
  /**
   * Waits for the job's end: resolves with the result (what the synchronous method returns), rejects with the error
   * the synchronous method would have thrown (a `ServiceUnavailableError`, `BadRequestError`, …), or with a
   * {@link JobCancelledError}.
   */
  wait(options?: WaitOptions): Promise<JobPipelines[P]["result"]>;
  /** Cancels the job (`POST /jobs/{id}/cancel`): at once when queued, at the runner's next step when running. */
  cancel(call?: CallOptions): Promise<Job>;
}

/**
 * The job ended cancelled (`wait()` rejects with this).
 *
 * @example
 * catch (err) { if (err instanceof JobCancelledError) console.log(`job ${err.job.id} was cancelled`); }
 */
export class JobCancelledError extends SdkError {
  override name = "JobCancelledError";
  readonly job: Job;
  constructor(job: Job) {
    super({ method: "POST", path: `/${job.pipeline}` }, `job ${job.id} was cancelled`);
    this.job = job;
  }
}

/** What the job methods use of the client. */
export interface JobTransport {
  baseUrl: string;
  /** The client's headers (its API key). */
  headers: Headers;
  fetch: FetchLike;
  timeoutMs: number;
  retries: number;
  /**
   * Longest silence on an event stream (no headers after connecting, no event, no keep-alive comment, no end of an
   * error answer's body) before it is dropped and resumed.
   */
  eventStreamIdleMs: number;
  /** The most bytes of an answer to read, and the longest event of an event stream (the client's setting). */
  maxResponseBytes: number;
  /**
   * Sends the generate request of `pipeline` with `extra` headers (the client's encoding, retries and errors); resolves
   * on a 2xx.
   */
  post(
    pipeline: JobPipeline,
    input: object,
    call: CallOptions,
    extra: Record<string, string>,
  ): Promise<{ data: unknown; response: Response }>;
}

/**
 * The `submit` and `job` methods of a client.
 *
 * @example
 * const { submit, job } = jobMethods(transport);
 */
export function jobMethods(t: JobTransport) {
  return {
    async submit<P extends JobPipeline>(
      pipeline: P,
      options: JobPipelines[P]["options"],
      submit?: SubmitOptions,
    ): Promise<JobHandle<P>> {
      const { idempotencyKey, webhook, ...call } = checkSettings(`/${kebab(pipeline)}`, submit);
      const extra: Record<string, string> = { Prefer: "respond-async" };
      if (idempotencyKey !== undefined) {
        // Headers would send null or a number as its text: two calls with `null` made one job.
        if (typeof idempotencyKey !== "string" || !idempotencyKey) {
          throw new InvalidInputError(
            { method: "POST", path: `/${kebab(pipeline)}` },
            `idempotencyKey must be a non-empty string, got ${idempotencyKey === null ? "null" : JSON.stringify(idempotencyKey)}`,
          );
        }
        extra["Idempotency-Key"] = idempotencyKey;
      }
      if (webhook !== undefined) {
        // Without a URL there is nothing to deliver to: a job would run without the webhook its caller expects.
        if (!isHttpUrl(webhook?.url)) {
          throw new InvalidInputError(
            { method: "POST", path: `/${kebab(pipeline)}` },
            `webhook.url must be an absolute http: or https: URL, got ${JSON.stringify(webhook?.url)}`,
          );
        }
        extra["Webhook-Url"] = webhook.url;
        if (webhook.secret !== undefined) extra["Webhook-Secret"] = webhook.secret;
      }
      const { data, response } = await t.post(pipeline, options, call, extra);
      if (response.status === 202) {
        const job = data as Job;
        if (typeof job.id === "string" && job.id) return jobHandle<P>(t, job.id, job, job.webhook?.secret);
        // Livepeer's gateway answers an image-to-video job with only a request_id, to poll its result route with.
        const requestId = job.request_id;
        if (pipeline === "imageToVideo" && typeof requestId === "string" && requestId) {
          const queued = localJob(pipeline, options, { id: requestId, status: "queued", request_id: requestId });
          return jobHandle<P>(t, requestId, queued, undefined, true);
        }
        throw new MalformedResponseError(
          { method: "POST", path: `/${kebab(pipeline)}` },
          "a 202 with a job id (or, for imageToVideo, Livepeer's request_id)",
          response,
          JSON.stringify(data),
        );
      }
      // A gateway without asynchronous jobs ignores the preference and answers with the result.
      const done = localJob(pipeline, options, {
        id: "",
        status: "succeeded",
        request_id: response.headers.get("x-request-id") ?? "",
        progress: { fraction: 1 },
        result: data as Job["result"],
      });
      return jobHandle<P>(t, "", { ...done, finished_at: done.created_at }, undefined);
    },
    job<P extends JobPipeline = JobPipeline>(id: string): JobHandle<P> {
      if (!/^job_[A-Za-z0-9_-]{22}$/.test(id)) {
        const problem = `not a job id: ${JSON.stringify(id)} (job ids look like job_ and 22 characters)`;
        throw new InvalidInputError({ method: "GET", path: "/jobs/{id}" }, problem);
      }
      return jobHandle<P>(t, id, undefined, undefined);
    },
  };
}

/** A job this SDK describes itself, for a gateway that answered without one of its own. */
function localJob(
  pipeline: JobPipeline,
  options: object,
  job: Pick<Job, "id" | "status" | "request_id"> & Partial<Job>,
): Job {
  return {
    pipeline: kebab(pipeline) as Job["pipeline"],
    model_id: String((options as { modelId?: string }).modelId ?? ""),
    created_at: new Date().toISOString(),
    progress: { fraction: 0 },
    cancel_requested: false,
    ...job,
  };
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The result of a job that ended, or the error the synchronous call would have thrown. */
function outcome<P extends JobPipeline>(job: Job): JobPipelines[P]["result"] {
  if (job.status === "succeeded") return job.result as JobPipelines[P]["result"];
  if (job.status === "cancelled") throw new JobCancelledError(job);
  const error = job.error ?? { status: 500, detail: { msg: `job ${job.id} failed` } };
  throw apiError({
    method: "POST",
    path: `/${job.pipeline}`,
    status: error.status,
    headers: new Headers({ "x-request-id": job.request_id }),
    body: { detail: error.detail },
  });
}

function jobHandle<P extends JobPipeline>(
  t: JobTransport,
  id: string,
  initial: Job | undefined,
  webhookSecret: string | undefined,
  livepeer = false,
): JobHandle<P> {
  let latest = initial;
  const path = `/jobs/${id}`;
  const target: CallTarget = { method: "GET", path: `${path}/events` };
  const seen = (job: Job) => {
    latest = job;
  };

  async function* events(given?: { signal?: AbortSignal; lastEventId?: string }): AsyncGenerator<JobEvent> {
    const options = checkSettings(target.path, given);
    if (livepeer) yield* livepeerEvents(t, latest!, options.signal, seen);
    else if (id !== "") yield* jobEvents(t, id, options, seen);
    else if (latest) yield { type: "result", id: undefined, job: latest };
  }

  return {
    id,
    get job(): Job {
      if (!latest) throw new SdkError({ method: "GET", path }, "the job has not been read yet: call refresh() first");
      return latest;
    },
    webhookSecret,
    async refresh(call) {
      if (id === "") return latest!;
      latest = livepeer
        ? await livepeerResult(t, latest!, call)
        : ((await jobRequest(t, "GET", path, call, undefined, jobProblem)) as Job);
      return latest;
    },
    events,
    async wait(given) {
      const options = checkSettings(target.path, given);
      if (latest && FINAL.has(latest.status)) return outcome<P>(latest);
      for await (const event of events({ signal: options.signal })) {
        const job = event.type === "progress" ? latest! : event.job;
        options.onProgress?.(event.type === "progress" ? event.progress : event.job.progress, job);
        if (event.type === "result") return outcome<P>(event.job);
      }
      throw new SdkError(target, "the event stream ended without the job's result");
    },
    async cancel(call) {
      if (livepeer) {
        throw new SdkError(
          { method: "POST", path: "/image-to-video/result" },
          `Livepeer's asynchronous image-to-video flow has no cancel; request ${id} runs to its end`,
        );
      }
      if (id === "")
        throw new SdkError(
          { method: "POST", path: "/jobs/cancel" },
          "the gateway answered synchronously; the job already succeeded",
        );
      latest = (await jobRequest(t, "POST", `${path}/cancel`, call, undefined, jobProblem)) as Job;
      return latest;
    },
  };
}

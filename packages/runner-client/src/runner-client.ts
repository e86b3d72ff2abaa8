/**
 * @module RunnerClient: the typed client of the runner API (specs/runner.yaml) over openapi-fetch — the four
 * job routes, a generic `run` for any job route of the spec, health, hardware, version and `waitUntilReady`.
 */
import createClient, { type Client } from "openapi-fetch";
import { RunnerAnswerError, RunnerConnectionError, RunnerError, RunnerNotReadyError, toDetail } from "./errors.js";
import { hasFile, toFormData } from "./form-data.js";
import type { components, paths } from "./generated/runner.js";
import { type FollowProgressOptions, followProgress, type ProgressEvent } from "./progress.js";

/** The Node-only transport, loaded on first use so the main entry imports nothing from `node:`. */
let nodeTransport: Promise<typeof import("./node.js")> | undefined;
const loadNodeTransport = () => {
  nodeTransport ??= import("./node.js");
  return nodeTransport;
};

/** Node, Deno and Bun (which all provide `node:http`) report a Node version; browsers do not. */
const hasNodeHttp = () =>
  typeof process === "object" && typeof (process as { versions?: { node?: string } }).versions?.node === "string";

type Schemas = components["schemas"];

/** Paths of the runner spec that run a job (a POST with a body). */
export type JobPath = {
  [P in keyof paths]: paths[P] extends { post: { requestBody: unknown } } ? P : never;
}[keyof paths];

/** The request body of a job route. */
export type JobBody<P extends JobPath> = paths[P]["post"] extends { requestBody: { content: infer C } }
  ? C[keyof C]
  : never;

/** The 200 body of a job route. */
export type JobResult<P extends JobPath> = paths[P]["post"] extends {
  responses: { 200: { content: { "application/json": infer R } } };
}
  ? R
  : never;

/** Options of one call. */
export interface CallOptions {
  /** Sent as `X-Request-Id`, so the runner's logs carry the caller's id. */
  requestId?: string;
  /** Ends the call early; the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Milliseconds before the call gives up with a {@link RunnerConnectionError} (`timedOut: true`). */
  timeoutMs?: number;
  /** Extra headers. */
  headers?: Record<string, string>;
  /**
   * Most bytes of the answer read (job calls over `node:http`): past it the call stops reading, closes the connection
   * and rejects with a {@link RunnerAnswerError}. Default: the client's `maxAnswerBytes`.
   */
  maxAnswerBytes?: number;
}

/** Options of a {@link RunnerClient}. */
export interface RunnerClientOptions {
  /** The runner's base URL, e.g. `http://127.0.0.1:8000`. */
  baseUrl: string;
  /** Bearer token (the runner's `AUTH_TOKEN`), sent on every call when set. */
  token?: string;
  /** Default timeout of job calls in ms (default: none — jobs may take minutes). */
  timeoutMs?: number;
  /** Most bytes of a job answer read over `node:http` (default: no limit); see {@link CallOptions.maxAnswerBytes}. */
  maxAnswerBytes?: number;
  /** Timeout of status calls (`health`, `hardware*`, `version`) in ms (default 5000). */
  statusTimeoutMs?: number;
  /**
   * A `fetch` to use for every call. Without one, job calls go over `node:http` with keep-alive sockets (cheaper
   * per call) and status calls over the global `fetch`.
   */
  fetch?: typeof globalThis.fetch;
}

/**
 * A typed client of one runner. Errors are thrown as {@link RunnerError} (the runner answered with an error
 * status; carries `status` and `detail`) or {@link RunnerConnectionError} (no answer).
 * @example
 * const runner = new RunnerClient({ baseUrl: "http://127.0.0.1:8000", token: "secret" });
 * await runner.waitUntilReady(60_000);
 * const { images } = await runner.upscale({ prompt: "", image: new Blob([png]) }, { requestId: "job-1" });
 */
export class RunnerClient {
  readonly baseUrl: string;
  readonly #client: Client<paths>;
  readonly #token: string | undefined;
  readonly #timeoutMs: number | undefined;
  readonly #maxAnswerBytes: number | undefined;
  readonly #statusTimeoutMs: number;
  /** Job calls go over `node:http` (no custom `fetch` was given, and the runtime has it). */
  readonly #nodeHttp: boolean;
  readonly #fetch: typeof globalThis.fetch | undefined;

  constructor(options: RunnerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#token = options.token || undefined;
    this.#timeoutMs = options.timeoutMs;
    this.#maxAnswerBytes = options.maxAnswerBytes;
    this.#statusTimeoutMs = options.statusTimeoutMs ?? 5000;
    this.#nodeHttp = !options.fetch && hasNodeHttp();
    this.#fetch = options.fetch;
    this.#client = createClient<paths>({
      baseUrl: this.baseUrl,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /** `POST /text-to-image` (JSON). */
  textToImage(body: Schemas["TextToImageParams"], options?: CallOptions): Promise<Schemas["ImageResponse"]> {
    return this.run("/text-to-image", body, options);
  }

  /** `POST /image-to-image` (multipart). */
  imageToImage(body: Schemas["Body_genImageToImage"], options?: CallOptions): Promise<Schemas["ImageResponse"]> {
    return this.run("/image-to-image", body, options);
  }

  /** `POST /image-to-video` (multipart); frames come back as PNG data URLs, one list per video. */
  imageToVideo(body: Schemas["Body_genImageToVideo"], options?: CallOptions): Promise<Schemas["VideoResponse"]> {
    return this.run("/image-to-video", body, options);
  }

  /** `POST /upscale` (multipart). */
  upscale(body: Schemas["Body_genUpscale"], options?: CallOptions): Promise<Schemas["ImageResponse"]> {
    return this.run("/upscale", body, options);
  }

  /**
   * Any job route of the runner spec: a body with a file goes as multipart/form-data, otherwise as JSON.
   * @example await runner.run("/upscale", { prompt: "", image })
   */
  async run<P extends JobPath>(path: P, body: JobBody<P>, options: CallOptions = {}): Promise<JobResult<P>> {
    const multipart = hasFile(body as object);
    if (this.#nodeHttp) return this.#post(path, body as object, multipart, options) as Promise<JobResult<P>>;
    return this.#call("POST", path, options, this.#timeoutMs, {
      body: body as never,
      ...(multipart ? { bodySerializer: (b: object) => toFormData(b) } : {}),
    }) as Promise<JobResult<P>>;
  }

  /**
   * `GET /progress/{requestId}` (our extension): the job's `progress` events, then its `end`. A runner without the
   * route (Livepeer's) or an unknown id throws a {@link RunnerError} with status 404; `signal` ends it quietly.
   * `lastEventId` starts after that event instead of at the job's last state (0: the job from its start).
   * @example for await (const e of runner.progress("job-1", { signal })) if (e.type === "progress") show(e.fraction);
   */
  progress(
    requestId: string,
    options: Pick<FollowProgressOptions, "signal" | "lastEventId"> = {},
  ): AsyncGenerator<ProgressEvent, void, undefined> {
    return followProgress(this.baseUrl, requestId, {
      ...(this.#token ? { token: this.#token } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.lastEventId !== undefined ? { lastEventId: options.lastEventId } : {}),
      ...(this.#fetch ? { fetch: this.#fetch } : {}),
    });
  }

  /**
   * `GET /health`: `LOADING`, `OK`, `ERROR` or `IDLE`. A runner answers `LOADING` with a 503 (ours; Livepeer's runner
   * does not listen before its model is loaded), which is a state, not an error.
   */
  health(options?: CallOptions): Promise<Schemas["HealthCheck"]> {
    return this.#call("GET", "/health", options, this.#statusTimeoutMs, {}, 503) as Promise<Schemas["HealthCheck"]>;
  }

  /** `GET /hardware/info`: pipeline, model and the GPUs the runner sees. */
  hardwareInfo(options?: CallOptions): Promise<Schemas["HardwareInformation"]> {
    return this.#call("GET", "/hardware/info", options, this.#statusTimeoutMs) as Promise<
      Schemas["HardwareInformation"]
    >;
  }

  /** `GET /hardware/stats`: current GPU utilisation. */
  hardwareStats(options?: CallOptions): Promise<Schemas["HardwareStats"]> {
    return this.#call("GET", "/hardware/stats", options, this.#statusTimeoutMs) as Promise<Schemas["HardwareStats"]>;
  }

  /** `GET /version`. */
  version(options?: CallOptions): Promise<Schemas["Version"]> {
    return this.#call("GET", "/version", options, this.#statusTimeoutMs) as Promise<Schemas["Version"]>;
  }

  /**
   * Polls `/health` until it says `OK`. Rejects with {@link RunnerNotReadyError} when the runner reports `ERROR`
   * or is not ready within `timeoutMs`; connection errors while it starts are retried.
   * @example await runner.waitUntilReady(120_000, { intervalMs: 250 })
   */
  async waitUntilReady(timeoutMs: number, options: { intervalMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    const interval = options.intervalMs ?? 200;
    const deadline = Date.now() + timeoutMs;
    let last: string | undefined;
    let lastError: unknown;
    for (;;) {
      options.signal?.throwIfAborted();
      try {
        const remaining = Math.max(1, deadline - Date.now());
        last = (await this.health({ timeoutMs: Math.min(remaining, this.#statusTimeoutMs) })).status;
        if (last === "OK") return;
        if (last === "ERROR") {
          throw new RunnerNotReadyError(`runner at ${this.baseUrl} reports ERROR: its model failed to load`, last);
        }
      } catch (err) {
        if (err instanceof RunnerNotReadyError) throw err;
        lastError = err;
      }
      if (Date.now() + interval > deadline) {
        const seen = last ? `last status ${last}` : `no answer${lastError ? ` (${(lastError as Error).message})` : ""}`;
        throw new RunnerNotReadyError(
          `runner at ${this.baseUrl} was not ready within ${timeoutMs} ms: ${seen}`,
          last,
          lastError,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }

  /**
   * Sends a job body that is already encoded — e.g. the multipart bytes a caller sent, forwarded as they came — and
   * returns the runner's 2xx answer as its bytes, unparsed, for a hop that takes them apart itself. Errors are those
   * of {@link run}. Node (`node:http`) only.
   * @example const json = await runner.forward("/upscale", { contentType, body: chunks }, { requestId });
   */
  async forward(
    path: JobPath,
    payload: { contentType: string; body: import("./node.js").RequestBody; length?: number },
    options: CallOptions = {},
  ): Promise<Buffer> {
    if (!this.#nodeHttp) throw new Error("RunnerClient.forward needs node:http (no custom fetch)");
    const headers = this.#headers(options);
    headers["content-type"] = payload.contentType;
    if (payload.length !== undefined && !Buffer.isBuffer(payload.body) && !Array.isArray(payload.body)) {
      headers["content-length"] = String(payload.length);
    }
    return (await this.#send(path, headers, payload.body, options)).body;
  }

  /** A job call over `node:http`: the same errors as through `fetch`. */
  async #post(path: string, body: object, multipart: boolean, options: CallOptions): Promise<unknown> {
    const { encodeMultipart } = await loadNodeTransport();
    const headers = this.#headers(options);
    let payload: import("./node.js").RequestBody;
    if (multipart) {
      const encoded = await encodeMultipart(body as Record<string, unknown>);
      headers["content-type"] = encoded.contentType;
      payload = encoded.body;
    } else {
      headers["content-type"] = "application/json";
      payload = Buffer.from(JSON.stringify(body));
    }
    const answer = await this.#send(path, headers, payload, options);
    if (answer.body.length === 0) return undefined;
    try {
      return JSON.parse(answer.body.toString("utf8"));
    } catch (err) {
      throw new RunnerAnswerError({ method: "POST", path, reason: "it is not JSON", cause: err });
    }
  }

  /** Headers of a job call over `node:http`: the caller's, the token, the request id. */
  #headers(options: CallOptions): Record<string, string> {
    const headers: Record<string, string> = { ...options.headers, accept: "application/json" };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    if (options.requestId) headers["x-request-id"] = options.requestId;
    return headers;
  }

  /** One POST over `node:http`, its 2xx answer whole; a non-2xx answer is thrown as a {@link RunnerError}. */
  async #send(
    path: string,
    headers: Record<string, string>,
    body: import("./node.js").RequestBody,
    options: CallOptions,
  ): Promise<import("./node.js").HttpAnswer> {
    const { send, toHeaders, AnswerTooLargeError } = await loadNodeTransport();
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const maxAnswerBytes = options.maxAnswerBytes ?? this.#maxAnswerBytes;
    let answer: import("./node.js").HttpAnswer;
    try {
      answer = await send(new URL(this.baseUrl + path), {
        method: "POST",
        headers,
        body,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(maxAnswerBytes !== undefined ? { maxAnswerBytes } : {}),
      });
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason ?? err;
      if (err instanceof AnswerTooLargeError)
        throw new RunnerAnswerError({ method: "POST", path, reason: err.message });
      const timedOut = (err as { timedOut?: unknown }).timedOut === true;
      throw new RunnerConnectionError({ method: "POST", path, cause: err, timedOut });
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    const text = answer.body.toString("utf8");
    throw new RunnerError({
      method: "POST",
      path,
      status: answer.status,
      detail: toDetail(text === "" ? undefined : parseOrText(text), answer.statusText || "runner error"),
      headers: toHeaders(answer.headers),
    });
  }

  /** Headers (token, request id) and the abort signal (caller's signal and timeout) of one call. */
  #prepare(options: CallOptions, defaultTimeout: number | undefined) {
    const headers: Record<string, string> = { ...options.headers };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    if (options.requestId) headers["x-request-id"] = options.requestId;
    const timeoutMs = options.timeoutMs ?? defaultTimeout;
    const timeout = timeoutMs !== undefined ? AbortSignal.timeout(timeoutMs) : undefined;
    const signals = [options.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    return { headers, timeout, signal };
  }

  async #call(
    method: "GET" | "POST",
    path: string,
    options: CallOptions = {},
    defaultTimeout: number | undefined,
    init: Record<string, unknown> = {},
    /** An error status whose body is an answer when it is a `{status}` object (`/health`'s 503). */
    stateStatus?: number,
  ): Promise<unknown> {
    const { headers, timeout, signal } = this.#prepare(options, defaultTimeout);
    let result: { data?: unknown; error?: unknown; response: Response };
    try {
      const request = { ...init, headers, ...(signal ? { signal } : {}) };
      result = await (method === "GET"
        ? this.#client.GET(path as never, request as never)
        : this.#client.POST(path as never, request as never));
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason ?? err;
      throw new RunnerConnectionError({ method, path, cause: err, timedOut: timeout?.aborted ?? false });
    }
    const { response } = result;
    if (response.ok) return result.data;
    if (response.status === stateStatus && typeof (result.error as { status?: unknown })?.status === "string") {
      return result.error;
    }
    throw new RunnerError({
      method,
      path,
      status: response.status,
      detail: toDetail(result.error, response.statusText || "runner error"),
      headers: response.headers,
    });
  }
}

/** An error body as JSON when it is JSON, else as its text. */
function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * @module `createClient`: the typed client of a gateway (specs/gateway.yaml) — one method per pipeline of the
 * generated `PIPELINES` table (all through one call path), `download` for results, and `raw`, the openapi-fetch
 * client over the generated `paths`, for everything else.
 */
import type { Client as OpenApiClient } from "openapi-fetch";
import {
  apiError,
  type CallTarget,
  ConnectionError,
  InvalidInputError,
  MalformedResponseError,
  SdkError,
} from "./errors.js";
import type { paths } from "./generated/gateway.js";
import { PIPELINES, type PipelineEntry } from "./generated/gateway-pipelines.js";
import { isIdempotentRequest } from "./internal/backoff.js";
import { badCharacter, toHeaders } from "./internal/headers.js";
import { parseBody } from "./internal/job-request.js";
import { toFormData, toWireFields } from "./internal/multipart.js";
import { createOpenApiClient } from "./internal/openapi-fetch.js";
import {
  beforeSend,
  callHeaders,
  type FetchLike,
  isHttpUrl,
  isResult,
  jsonAnswer,
  RESULT_SHAPE,
  send,
  targetOf,
} from "./internal/transport.js";
import { type JobHandle, type JobPipeline, type JobPipelines, jobMethods, type SubmitOptions } from "./jobs.js";
import {
  type CallOptions,
  checkSettings,
  type DownloadOptions,
  type HeadersLike,
  type Media,
  mediaUrl,
  type PipelineMethods,
} from "./options.js";

/** Settings of a client. */
export interface ClientOptions {
  /** The gateway's URL, e.g. `https://gateway.example.com` (a path prefix is kept). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` to the gateway (never to other hosts). */
  apiKey?: string;
  /**
   * Limit of one call — every attempt, the waits between them and reading the answer. Default 600 000 (10 min). A
   * streamed `download` is bounded until its headers, then in each wait for a chunk, not as a whole.
   */
  timeoutMs?: number;
  /** Retries of idempotent calls on 429, 502, 503, 504 and connection errors. Default 2. */
  retries?: number;
  /**
   * Longest silence on a job's event stream — no event and no keep-alive comment, which the gateway sends every 15 s,
   * and, from connecting, no response headers — before `events()` and `wait()` drop the connection and resume it with
   * `Last-Event-ID` (a failed attempt, as a dropped connection is). Default 45 000: three keep-alive intervals.
   */
  eventStreamIdleMs?: number;
  /**
   * The most bytes of a success answer the client reads into memory — a generation's result, a job record, one event
   * of a job's event stream (its lines' characters), a `download` — before it gives up with a `MalformedResponseError` and closes the connection: checked against the
   * Content-Length first, else counted as the body arrives. Default 268 435 456 (256 MiB): a gateway may answer media
   * inline as base64 `data:` URLs, and a 50 MiB video is about 67 MiB of base64, so this leaves room for a few of them
   * (or a long video's download) while a broken proxy or hostile server cannot fill the process's memory. `raw` and a
   * `download` with `{ stream: true }` are not bounded: they hand the body on unread.
   */
  maxResponseBytes?: number;
  /** The `fetch` to send with (proxies, instrumentation, tests). Default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Headers sent with every call to the gateway. */
  headers?: HeadersLike;
}

/** The openapi-fetch client over the gateway's generated `paths`; it returns errors as data instead of throwing. */
export type RawClient = OpenApiClient<paths>;

/**
 * A gateway client. See {@link createClient}. Besides `download` and `raw`, it has one method per pipeline of the
 * gateway spec, named after the route: `textToImage` (`POST /text-to-image`), `imageToImage`, `imageToVideo` (an
 * mp4, returned as `images[0]`), `upscale`, and any pipeline the spec adds.
 */
export interface Client extends PipelineMethods {
  /**
   * The bytes of a result (a {@link Media} or its URL: `http:`, `https:`, `data:`, or a path on the gateway), read
   * into memory up to the client's `maxResponseBytes`. Anything else (`null`, an object without a `url`, a `file:`
   * URL) rejects with an `InvalidInputError` before any request.
   *
   * @example
   * await writeFile("lighthouse.png", await client.download(images[0]!));
   */
  download(media: Media | string, call?: DownloadOptions & { stream?: false }): Promise<Uint8Array>;
  /**
   * With `{ stream: true }`: the body as a web `ReadableStream<Uint8Array>`, once the headers arrived — for a video
   * too large to hold in memory, saved to disk or passed on to a browser as it comes. The request is the same (URL
   * checks, credentials, retries until the headers arrive, an `ApiError` for an error status); `maxResponseBytes` does
   * not apply, since you consume the stream. `timeoutMs` bounds the call until the headers arrive, then each wait for
   * the next chunk (the stream fails with a `TimeoutError` after that long without a byte, however long the whole
   * body takes; while you hold a chunk, no clock runs); `signal` aborts it (`AbortError`) until its end. A connection
   * that breaks mid-body fails the stream with a `ConnectionError`. Cancel the stream (or break out of a `for await`)
   * if you stop reading: that closes the connection.
   *
   * @example
   * import { createWriteStream } from "node:fs";
   * import { Readable } from "node:stream";
   * import { pipeline } from "node:stream/promises";
   * const video = await client.download(images[0]!, { stream: true });
   * await pipeline(Readable.fromWeb(video), createWriteStream("clip-x4.mp4"));
   */
  download(media: Media | string, call: DownloadOptions & { stream: true }): Promise<ReadableStream<Uint8Array>>;
  /** With a `stream` known only at run time: the bytes or the stream, as it says. */
  download(media: Media | string, call?: DownloadOptions): Promise<Uint8Array | ReadableStream<Uint8Array>>;
  /**
   * Submits a job of `pipeline` (a method name: `"textToImage"`, `"imageToImage"`, `"imageToVideo"`, `"upscale"`, …) with
   * `Prefer: respond-async` and returns its {@link JobHandle} at once: `wait({ onProgress })`, `events()`, `cancel()`.
   */
  submit<P extends JobPipeline>(
    pipeline: P,
    options: JobPipelines[P]["options"],
    submit?: SubmitOptions,
  ): Promise<JobHandle<P>>;
  /** The handle of an existing job by its id (e.g. after a restart, or from a webhook). */
  job<P extends JobPipeline = JobPipeline>(id: string): JobHandle<P>;
  /** The typed openapi-fetch client, sharing this client's auth, timeout and retries. */
  readonly raw: RawClient;
}

const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_RETRIES = 2;
/** Three of the gateway's keep-alive intervals (15 s, packages/broadcaster's `KEEP_ALIVE_MS`). */
const DEFAULT_EVENT_STREAM_IDLE_MS = 45_000;
/** 256 MiB: room for inline media as base64 `data:` URLs (a 50 MiB video is about 67 MiB of it); see `ClientOptions`. */
const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/**
 * Creates a client of the gateway at `baseUrl`.
 *
 * Retries: a call is retried (up to `retries` times, with exponential backoff and jitter, or after the server's
 * `Retry-After`) on 429, 502, 503, 504 and connection errors when repeating it cannot change what you get back:
 * a generation with an explicit `seed`, any `GET`/`HEAD`/`PUT`/`DELETE` (downloads), a request with an
 * `Idempotency-Key` header — or any call where you pass `retries` in its call options.
 *
 * @example
 * const client = createClient({ baseUrl: "http://127.0.0.1:8937", apiKey: process.env.AVS_API_KEY });
 * const { images } = await client.textToImage({ modelId: "stabilityai/sd-turbo", prompt: "a lighthouse at dawn" });
 * const png = await client.download(images[0]!);
 */
export function createClient(options: ClientOptions): Client {
  const baseUrl = options?.baseUrl?.replace(/\/+$/, "") ?? "";
  // A user name or password in it: `Request` refuses such a URL (every call failed, its message quoting the password).
  const parsed = isHttpUrl(baseUrl) ? new URL(baseUrl) : undefined;
  if (parsed && (parsed.username || parsed.password)) {
    throw new TypeError("createClient: baseUrl must not hold user:password@; send the API key as apiKey");
  }
  if (!isHttpUrl(baseUrl) || /[?#]/.test(baseUrl)) {
    throw new TypeError(
      `createClient: baseUrl must be an absolute URL such as http://127.0.0.1:8937, got "${baseUrl}"; allowed: http: or https:, optionally with a path prefix, without ?query or #fragment`,
    );
  }
  checkSettings("createClient", options);
  // Else every call failed as a ConnectionError ("fetchImpl is not a function"), after its retries.
  if (options.fetch != null && typeof options.fetch !== "function") {
    throw new TypeError(`createClient: fetch must be a function taking a Request, got ${typeof options.fetch}`);
  }
  const origin = new URL(baseUrl).origin;
  const fetchImpl: FetchLike = options.fetch ?? ((request) => globalThis.fetch(request));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = options.retries ?? DEFAULT_RETRIES;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const headers = toHeaders(options.headers, (problem) => new TypeError(`createClient: ${problem}`));
  if (options.apiKey) setApiKey(headers, options.apiKey);

  const raw = createOpenApiClient<paths>({
    baseUrl,
    headers,
    fetch: (request) => send(fetchImpl, request, { timeoutMs, retries, replaySafe: isIdempotentRequest(request) }),
  });

  async function generate(pipeline: PipelineEntry, input: object, call?: CallOptions): Promise<unknown> {
    return (await post(pipeline, input, call)).data;
  }

  /**
   * Sends a generate request; resolves with its 2xx body and response. With `extra` headers (`submit`'s), a 202 is a
   * job, for the caller to check; without them (a pipeline method), the answer must be a result: a
   * `Prefer: respond-async` header is refused before sending, and a 202 is a `MalformedResponseError`. Input that
   * cannot be sent is refused with an `InvalidInputError` before any request.
   */
  async function post(
    pipeline: PipelineEntry,
    input: object,
    options?: CallOptions,
    extra?: Record<string, string>,
  ): Promise<{ data: unknown; response: Response }> {
    const call = checkSettings(pipeline.path, options);
    const target: CallTarget = { method: "POST", path: pipeline.path };
    const callTimeoutMs = call.timeoutMs ?? timeoutMs;
    const requestHeaders = callHeaders(target, call, undefined, extra);
    // A job's 202 is no result: the call resolved with a job record, its `images` undefined.
    if (!extra && /respond-async/i.test(`${headers.get("prefer")} ${requestHeaders.get("prefer")}`)) {
      const name = pipeline.clientMethod;
      const problem = `${name}() waits for its result: for Prefer: respond-async use client.submit("${name}", options)`;
      throw new InvalidInputError(target, problem);
    }
    // The deadline covers the whole call: reading a stream or a path upload into memory comes out of it too.
    const endsAt = Date.now() + callTimeoutMs;
    const fields = await beforeSend(
      () => toWireFields(input, Object.keys(pipeline.files), target),
      target,
      callTimeoutMs,
      call.signal,
      endsAt,
    );
    const stats = { attempts: 1 };
    const replaySafe = fields.seed !== undefined || call.retries !== undefined || requestHeaders.has("idempotency-key");
    let result: { data?: unknown; error?: unknown; response: Response };
    try {
      result = await raw.POST(pipeline.path as "/text-to-image", {
        body: fields as never,
        ...(pipeline.body === "multipart" ? { bodySerializer: toFormData } : {}),
        headers: requestHeaders,
        signal: call.signal ?? null,
        parseAs: "text",
        fetch: (request: Request) =>
          send(fetchImpl, request, {
            target,
            timeoutMs: callTimeoutMs,
            endsAt,
            retries: call.retries ?? retries,
            replaySafe,
            maxBytes: maxResponseBytes,
            stats,
          }),
      });
    } catch (err) {
      throw err instanceof SdkError ? err : new ConnectionError(target, { cause: err, attempts: stats.attempts });
    }
    const { data, error, response } = result;
    if (!response.ok) throw apiError({ ...target, ...responseParts(response), body: error, attempts: stats.attempts });
    const answer = jsonAnswer(target, response, data as string | undefined, stats.attempts);
    // A result is its media: without them the caller would get `images` undefined. A 202 is a job: submit's only.
    if (response.status === 202 ? !extra : !isResult(answer)) {
      throw new MalformedResponseError(target, RESULT_SHAPE, response, data as string, { attempts: stats.attempts });
    }
    return { data: answer, response };
  }

  async function download(media: Media | string, options?: DownloadOptions) {
    const call = checkSettings("download", options);
    const url = mediaUrl(media, `${baseUrl}/`);
    const target = targetOf({ method: "GET", url: url.href });
    // Credentials go to the gateway only: result URLs may point at a CDN or a signed object-store URL.
    const requestHeaders = callHeaders(target, call, url.origin === origin ? headers : undefined);
    const request = new Request(url, { headers: requestHeaders, signal: call.signal ?? null });
    const stats = { attempts: 1 };
    const data = url.protocol === "data:";
    const response = await send(fetchImpl, request, {
      target,
      timeoutMs: call.timeoutMs ?? timeoutMs,
      retries: call.retries ?? retries,
      replaySafe: !data,
      maxBytes: call.stream ? undefined : maxResponseBytes,
      stream: call.stream,
      stats,
    }).catch((err) => {
      // A data: URL is decoded, not fetched: its failure (no comma, bad base64) is the URL's, and the same every time.
      if (!data || !(err instanceof ConnectionError)) throw err;
      throw new InvalidInputError(
        target,
        "a data: URL that cannot be decoded; allowed: data:[<type>][;base64],<data>",
        {
          cause: err.cause,
        },
      );
    });
    try {
      if (!response.ok) {
        const text = await response.text();
        throw apiError({ ...target, ...responseParts(response), body: parseBody(text), attempts: stats.attempts });
      }
      if (call.stream) return response.body ?? new Blob().stream();
      return new Uint8Array(await response.arrayBuffer());
    } catch (err) {
      throw err instanceof SdkError ? err : new ConnectionError(target, { cause: err, attempts: stats.attempts });
    }
  }

  const methods = Object.fromEntries(
    Object.values(PIPELINES).map((p) => [
      p.clientMethod,
      (input: object, call?: CallOptions) => generate(p, input, call),
    ]),
  ) as unknown as PipelineMethods;
  const byMethod = new Map<string, PipelineEntry>(Object.values(PIPELINES).map((p) => [p.clientMethod, p]));
  const jobs = jobMethods({
    baseUrl,
    headers,
    fetch: fetchImpl,
    timeoutMs,
    retries,
    eventStreamIdleMs: options.eventStreamIdleMs ?? DEFAULT_EVENT_STREAM_IDLE_MS,
    maxResponseBytes,
    post(method, input, call, extra) {
      const pipeline = byMethod.get(method);
      if (pipeline) return post(pipeline, input, call, extra);
      const known = [...byMethod.keys()].join(", ");
      throw new InvalidInputError({ method: "POST", path: `/${method}` }, `no pipeline "${method}"; one of ${known}`);
    },
  });
  return { ...methods, download: download as Client["download"], raw, ...jobs };
}

/**
 * Sets the `Authorization` header of `apiKey`. One a header cannot carry (a line break inside, a character past
 * U+00FF) is a `TypeError` naming the character and its position — never quoting the key, as the platform's does.
 */
function setApiKey(headers: Headers, apiKey: string): void {
  const bad = badCharacter(`Bearer ${apiKey}`, 7);
  if (bad) throw new TypeError(`createClient: apiKey ${bad} (the key is not shown)`);
  headers.set("Authorization", `Bearer ${apiKey}`);
}

function responseParts(response: Response) {
  return { status: response.status, statusText: response.statusText, headers: response.headers };
}

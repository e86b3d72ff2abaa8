/**
 * @module The one place requests go out: adds the deadline, retries replay-safe requests with backoff (honouring
 * `Retry-After`), bounds what is read of an answer, and turns network failures into {@link ConnectionError},
 * {@link TimeoutError} or {@link AbortError}. Both the high-level methods and `client.raw` (openapi-fetch) send
 * through it.
 */
import {
  AbortError,
  type CallTarget,
  ConnectionError,
  InvalidInputError,
  MalformedResponseError,
  parseRetryAfter,
  SdkError,
  TimeoutError,
} from "../errors.js";
import type { HeadersLike } from "../options.js";
import { backoffDelay, RETRYABLE_STATUSES, sleep } from "./backoff.js";
import { type Deadline, startDeadline } from "./deadline.js";
import { toHeaders } from "./headers.js";

/** A `fetch` that takes a `Request`: `globalThis.fetch`, or one the caller injects (proxies, tests, instrumentation). */
export type FetchLike = (request: Request) => Promise<Response>;

/** Settings of one send. */
export interface SendOptions {
  /** Method and path to name in error messages. Defaults to the request's method and URL path. */
  target?: CallTarget;
  timeoutMs: number;
  /** Epoch ms at which the call's `timeoutMs` ends, when it started before this send (reading a stream upload). */
  endsAt?: number;
  /** Retries allowed if `replaySafe`. */
  retries: number;
  /** Whether sending the request again cannot change what the caller ends up with. */
  replaySafe: boolean;
  /**
   * The most bytes of a success answer's body to read (the client's `maxResponseBytes`); past it the body fails with
   * {@link tooLarge}'s error. Unbounded when unset (`client.raw`, which may hand the body on as a stream).
   */
  maxBytes?: number;
  /**
   * Whether the caller reads a success answer's body at its own pace, for as long as it takes (`download`'s stream):
   * `timeoutMs` then bounds the call until the headers, and after them each wait for a chunk of the body.
   */
  stream?: boolean;
  /** Filled in with the number of requests sent. */
  stats?: { attempts: number };
  random?: () => number;
}

/**
 * Sends `request` (its `signal` is the caller's), retrying while allowed. The returned response's body stays under
 * the deadline until it is read to the end or cancelled.
 *
 * @example
 * const res = await send(globalThis.fetch, new Request(url), { timeoutMs: 30_000, retries: 2, replaySafe: true });
 */
export async function send(fetchImpl: FetchLike, request: Request, options: SendOptions): Promise<Response> {
  const target = options.target ?? targetOf(request);
  const deadline = startDeadline(options.timeoutMs, request.signal, options.endsAt);
  const maxRetries = options.replaySafe ? Math.max(0, Math.floor(options.retries)) : 0;
  let attempt = 0;
  try {
    for (;;) {
      attempt += 1;
      if (options.stats) options.stats.attempts = attempt;
      const mayRetry = attempt <= maxRetries;
      // A body can be sent once; keep the original unread while another attempt may need it.
      const source = mayRetry ? request.clone() : request;
      const init: RequestInit & { duplex?: "half" } = { signal: deadline.signal };
      if (source.body) init.duplex = "half";
      const sent = new Request(source, init);
      deadline.hold(sent);
      const pending = fetchImpl(sent);
      let response: Response;
      try {
        response = await deadline.race(pending);
      } catch (err) {
        if (deadline.reason()) void pending.then(discard, () => {});
        const failure = failureOf(err, deadline, target, attempt);
        if (failure instanceof ConnectionError && mayRetry) {
          await pause(backoffDelay(attempt - 1, undefined, options.random), deadline, target, attempt, failure);
          continue;
        }
        throw failure;
      }
      // A deadline that passed while this thread was busy wins over an answer that came in meanwhile.
      if (deadline.expired()) {
        await discard(response);
        throw failureOf(deadline.signal.reason, deadline, target, attempt);
      }
      if (mayRetry && RETRYABLE_STATUSES.has(response.status)) {
        const wait = backoffDelay(attempt - 1, parseRetryAfter(response.headers.get("retry-after")), options.random);
        // A wait that would outlast the deadline is pointless: hand back this answer now.
        if (Date.now() + wait < deadline.endsAt) {
          await discard(response);
          await pause(wait, deadline, target, attempt);
          continue;
        }
      }
      return guardBody(response, deadline, target, attempt, options.maxBytes, options.stream);
    }
  } catch (err) {
    deadline.dispose();
    throw err;
  }
}

/**
 * The JSON object a successful answer must be: a body that is empty (a 204 too), not JSON, or not an object (an
 * array included) is a {@link MalformedResponseError} naming the status, content type and first characters — not a
 * connection failure.
 *
 * @example
 * const job = jsonAnswer(target, response, await response.text(), stats.attempts);
 */
export function jsonAnswer(target: CallTarget, response: Response, text = "", attempts?: number): object {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new MalformedResponseError(target, "a JSON body", response, text, { cause: err, attempts });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new MalformedResponseError(target, "a JSON object", response, text, { attempts });
  }
  return value;
}

/** What a pipeline's result must be, as messages say it. */
export const RESULT_SHAPE = "a JSON object with an images array of objects with a url string";

/**
 * Whether `value` is a pipeline's result, a synchronous call's answer or a job's: an object whose `images` is an
 * array of objects with a string `url` (the only field `download` needs; the rest of each `Media` is not checked).
 *
 * @example
 * isResult({ images: [{ url: 5 }] }); // false
 */
export function isResult(value: unknown): boolean {
  const images = (value as { images?: unknown } | null | undefined)?.images;
  return Array.isArray(images) && images.every((media) => typeof media?.url === "string");
}

/**
 * Whether `value` is an absolute `http:` or `https:` URL.
 *
 * @example
 * isHttpUrl("localhost:8937"); // false: its scheme would be "localhost:"
 */
export function isHttpUrl(value: unknown): value is string {
  try {
    return /^https?:$/.test(new URL(value as string).protocol);
  } catch {
    return false;
  }
}

/**
 * The headers of a call: `base` (the client's), then the call's own `headers`, `extra` and its `requestId` as
 * `X-Request-Id` (1-128 visible ASCII characters, as the gateway takes it). A value HTTP does not allow (a line break)
 * is an {@link InvalidInputError}, before anything is sent, naming the header but not the value ({@link toHeaders}).
 *
 * @example
 * const headers = callHeaders(target, { requestId: "order-7" }, client.headers, { Prefer: "respond-async" });
 */
export function callHeaders(
  target: CallTarget,
  call: { headers?: HeadersLike; requestId?: string },
  base?: HeadersLike,
  extra?: Record<string, string>,
): Headers {
  const headers = new Headers(base);
  for (const init of [call.headers, extra]) {
    for (const [k, v] of toHeaders(init, (problem) => new InvalidInputError(target, problem))) headers.set(k, v);
  }
  const id = call.requestId;
  if (id !== undefined) {
    // `test` would take null or a number as its text ("null").
    // "." and ".." are refused by the gateway: they would name no job's directory of their own.
    if (typeof id !== "string" || !/^(?!\.\.?$)[\x21-\x7e]{1,128}$/.test(id)) {
      throw new InvalidInputError(
        target,
        `requestId must be 1-128 visible ASCII characters, not . or .., got ${JSON.stringify(id)}`,
      );
    }
    headers.set("X-Request-Id", id);
  }
  return headers;
}

/** The method and URL path of `request` (no query: it may hold signed secrets), for messages. */
export function targetOf(request: { method: string; url: string }): CallTarget {
  const url = new URL(request.url);
  const path = url.protocol === "data:" ? `${request.url.slice(0, 32)}…` : `${url.origin}${url.pathname}`;
  return { method: request.method, path };
}

async function pause(ms: number, deadline: Deadline, target: CallTarget, attempt: number, last?: SdkError) {
  if (last && Date.now() + ms >= deadline.endsAt) throw last;
  try {
    await sleep(ms, deadline.signal);
    if (deadline.expired()) throw deadline.signal.reason;
  } catch (err) {
    throw failureOf(err, deadline, target, attempt);
  }
}

/**
 * Runs what a call does before its request exists (reading a stream or a path into a `File`) under the call's
 * deadline, which ends at `endsAt`: it rejects with {@link TimeoutError} or {@link AbortError} as soon as the deadline
 * passes or the caller aborts, also when `work` never settles. Hand the same `endsAt` to {@link send} so that the
 * request gets only what is left of the time.
 *
 * @example
 * const endsAt = Date.now() + timeoutMs;
 * const fields = await beforeSend(() => toWireFields(input, ["image"]), target, timeoutMs, signal, endsAt);
 */
export async function beforeSend<T>(
  work: () => Promise<T>,
  target: CallTarget,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  endsAt: number,
): Promise<T> {
  const deadline = startDeadline(timeoutMs, signal, endsAt);
  try {
    return await deadline.race(work());
  } catch (err) {
    throw deadline.reason() ? failureOf(err, deadline, target, 0) : err;
  } finally {
    deadline.dispose();
  }
}

/**
 * How much of an error answer's body is read: room for any message (our gateway's 422 lists at most 21 issues), none
 * for a proxy's endless page.
 */
export const ERROR_BODY_LIMIT = 65_536;

/**
 * `body`, ending after its first {@link ERROR_BODY_LIMIT} bytes; the rest is cancelled unread. Every error answer's
 * body passes through it (those {@link send} hands back, and an event stream's), whoever reads it.
 *
 * @example
 * const text = await new Response(capped(response.body!)).text(); // at most 64 KiB
 */
export function capped(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  let left = ERROR_BODY_LIMIT;
  return body.pipeThrough(
    new TransformStream({
      transform(chunk, controller) {
        controller.enqueue(chunk.subarray(0, left));
        left -= chunk.length;
        if (left <= 0) controller.terminate();
      },
    }),
  );
}

/**
 * The error of a success answer longer than `maxBytes`, the client's `maxResponseBytes`: a
 * {@link MalformedResponseError} saying the limit and how to raise it.
 *
 * @example
 * throw tooLarge(target, response, 268_435_456, attempts); // … expected at most 268435456 bytes (raise the client's maxResponseBytes …
 */
export function tooLarge(
  target: CallTarget,
  response: { status: number; headers: Headers },
  maxBytes: number,
  attempts: number,
): MalformedResponseError {
  const expected = `at most ${maxBytes} bytes (raise the client's maxResponseBytes to read more)`;
  return new MalformedResponseError(target, expected, response, undefined, { attempts });
}

/** Lets go of an answer nobody will read. */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}

/** Maps what `fetch` or a body read threw to the SDK's error for it. */
function failureOf(
  err: unknown,
  deadline: Deadline,
  target: CallTarget,
  attempts: number,
  stalled?: boolean,
): SdkError {
  if (err instanceof SdkError) return err;
  const why = deadline.reason();
  if (why === "timeout") return new TimeoutError(target, deadline.timeoutMs, { attempts, stalled });
  if (why === "abort") return new AbortError(target, { cause: deadline.abortReason(), attempts });
  return new ConnectionError(target, { cause: err, attempts });
}

/**
 * Keeps the deadline over the body and maps its read failures; releases the deadline when the body is done. A chunk
 * or the end that arrives once the deadline has passed is not passed on: the body fails instead. A success answer
 * longer than `maxBytes` is refused at once when its Content-Length says so, else as soon as more has come: the
 * body fails with {@link tooLarge}'s error, and the rest is cancelled unread (the connection closed). A success answer
 * read as a `stream` is under an idle limit instead of the deadline: the clock runs only while a read waits for the
 * network, so neither a long body nor a caller that takes its time fails it.
 */
function guardBody(
  response: Response,
  deadline: Deadline,
  target: CallTarget,
  attempts: number,
  maxBytes?: number,
  stream?: boolean,
): Response {
  const limit = (response.ok && maxBytes) || Infinity;
  const idle = response.ok && stream;
  // A compressed answer's Content-Length is not what it decodes to (random bytes grow): only the count can tell.
  if (Number(response.headers.get("content-length")) > limit && !response.headers.has("content-encoding")) {
    void discard(response);
    throw tooLarge(target, response, limit, attempts);
  }
  if (!response.body) {
    deadline.dispose();
    return response;
  }
  if (idle) deadline.clock(false);
  const reader = response.body.getReader();
  let received = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (idle) deadline.clock(true);
        const { done, value } = await deadline.race(reader.read());
        // Stopped before asking: a chunk that came in time is not late because this thread was busy since.
        if (idle) deadline.clock(false);
        if (deadline.expired()) throw deadline.signal.reason;
        if (done) {
          deadline.dispose();
          controller.close();
        } else {
          received += value.length;
          if (received > limit) throw tooLarge(target, response, limit, attempts);
          controller.enqueue(value);
        }
      } catch (err) {
        deadline.dispose();
        reader.cancel().catch(() => {});
        controller.error(failureOf(err, deadline, target, attempts, idle));
      }
    },
    cancel(reason) {
      deadline.dispose();
      return reader.cancel(reason);
    },
  });
  return new Response(response.ok ? body : capped(body), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

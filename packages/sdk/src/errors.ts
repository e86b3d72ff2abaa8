/**
 * @module The SDK's error hierarchy. Every failure of a call is one of these: an {@link ApiError} (the server answered
 * with an error status; one subclass per common status), an {@link InvalidInputError} (refused before sending), a
 * {@link MalformedResponseError} (a success status with an answer the call cannot use), a {@link ConnectionError} (no
 * usable answer), a {@link TimeoutError} (the call's `timeoutMs` ran out) or an {@link AbortError} (the caller's
 * signal fired).
 * Messages read `[POST] /image-to-image: 400 Bad Request — height must be a multiple of 8`.
 */
import type { components } from "./generated/gateway.js";
import { reasonPhrase } from "./internal/status-text.js";

/** One entry of a 422 response: where the problem is, what is wrong and allowed, and its kind. */
export type ValidationIssue = components["schemas"]["ValidationError"];

/** What an error response's `detail` holds: `{msg}` for most errors, a list of issues for 422. */
export type ErrorDetail = components["schemas"]["APIError"] | ValidationIssue[];

/** Where a failed call went: method and path (never the query string, which may hold signed secrets). */
export interface CallTarget {
  method: string;
  path: string;
}

/**
 * Base class of every error this SDK throws, so `err instanceof SdkError` tells SDK failures from bugs.
 *
 * @example
 * try { await client.upscale({ modelId, prompt: "photo", image }); } catch (err) { if (err instanceof SdkError) log(err.message); }
 */
export class SdkError extends Error {
  override name = "SdkError";
  /** HTTP method of the failed call. */
  readonly method: string;
  /** Path (or URL without query) of the failed call. */
  readonly path: string;
  /** How many requests were sent before giving up (more than 1 when retries happened). */
  readonly attempts: number;

  constructor(target: CallTarget, summary: string, options: { cause?: unknown; attempts?: number } = {}) {
    const attempts = options.attempts ?? 1;
    super(`[${target.method}] ${target.path}: ${summary}${attempts > 1 ? ` (${attempts} attempts)` : ""}`, {
      cause: options.cause,
    });
    this.method = target.method;
    this.path = target.path;
    this.attempts = attempts;
  }
}

/** What {@link ApiError}'s constructor needs: the response, its parsed body, and the call it answered. */
export interface ApiErrorInit extends CallTarget {
  status: number;
  statusText?: string;
  headers: Headers;
  /** The parsed JSON body, or the text when it was not JSON (the SDK reads at most 64 KiB of an error body). */
  body: unknown;
  attempts?: number;
  cause?: unknown;
}

/**
 * The server answered with an error status. `detail` is the body's `detail` (`{msg}`, or issues for 422; go-livepeer's
 * `{"error": {"message"}}` and `{"error": "…"}` become `{msg}`), `detailMessage` its text (else the body's first 200
 * characters), `requestId` the `X-Request-Id` to quote when reporting a problem, `retryAfterMs` the parsed
 * `Retry-After`.
 *
 * @example
 * catch (err) { if (err instanceof ApiError && err.status === 400) showToUser(err.detailMessage); }
 */
export class ApiError extends SdkError {
  override name = "ApiError";
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: unknown;
  readonly detail: ErrorDetail | undefined;
  /** The error's own message without the `[METHOD] path: status` prefix. */
  readonly detailMessage: string;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(init: ApiErrorInit) {
    const statusText = init.statusText || reasonPhrase(init.status);
    const detail = detailOf(init.body);
    const detailMessage = describe(detail, init.body);
    const head = `${init.status}${statusText ? ` ${statusText}` : ""}`;
    super(init, detailMessage ? `${head} — ${detailMessage}` : head, init);
    this.status = init.status;
    this.statusText = statusText;
    this.headers = init.headers;
    this.body = init.body;
    this.detail = detail;
    this.detailMessage = detailMessage;
    this.requestId = init.headers.get("x-request-id") ?? undefined;
    this.retryAfterMs = parseRetryAfter(init.headers.get("retry-after"));
  }
}

/** 400: well-formed but not servable (wrong model, size not a multiple of 8, bad LoRA). */
export class BadRequestError extends ApiError {
  override name = "BadRequestError";
}
/** 401: the API key is missing or wrong. */
export class AuthenticationError extends ApiError {
  override name = "AuthenticationError";
}
/** 404: no such route or stored output (outputs expire). */
export class NotFoundError extends ApiError {
  override name = "NotFoundError";
}
/** 413: the body or an uploaded file is larger than the server accepts. */
export class PayloadTooLargeError extends ApiError {
  override name = "PayloadTooLargeError";
}
/** 415: the upload is not a PNG, JPEG or WebP image, or the body is not of the declared type. */
export class UnsupportedMediaTypeError extends ApiError {
  override name = "UnsupportedMediaTypeError";
}
/** 429: this API key is over its rate limit; `retryAfterMs` says when to try again. */
export class RateLimitError extends ApiError {
  override name = "RateLimitError";
}
/** 500: inference failed; nothing was produced. */
export class InternalServerError extends ApiError {
  override name = "InternalServerError";
}
/** 503: no orchestrator could run the job now; `retryAfterMs` says when to try again. */
export class ServiceUnavailableError extends ApiError {
  override name = "ServiceUnavailableError";
}

/**
 * 422: a field is missing, of the wrong type or out of range. `issues` lists each problem with its location.
 *
 * @example
 * catch (err) { if (err instanceof ValidationError) for (const i of err.issues) console.log(i.loc.join("."), i.msg); }
 */
export class ValidationError extends ApiError {
  override name = "ValidationError";
  readonly issues: ValidationIssue[];
  constructor(init: ApiErrorInit) {
    super(init);
    this.issues = Array.isArray(this.detail) ? this.detail : [];
  }
}

/**
 * No usable answer: the connection was refused, reset or dropped before the response was complete. `cause` holds the
 * platform's error (e.g. undici's `ECONNREFUSED`).
 *
 * @example
 * catch (err) { if (err instanceof ConnectionError) console.log("gateway unreachable:", err.cause); }
 */
export class ConnectionError extends SdkError {
  override name = "ConnectionError";
  constructor(target: CallTarget, options: { cause?: unknown; attempts?: number } = {}) {
    super(target, `connection failed${causeText(options.cause)}`, options);
  }
}

/**
 * The call's input was refused before any request was sent: a file path that cannot be read, a value no request can
 * carry (a BigInt, an object), an unknown pipeline, a header value HTTP does not allow. `cause` is the original error,
 * except for a header's: the platform's error quotes the value, which may be a secret.
 *
 * @example
 * catch (err) { if (err instanceof InvalidInputError) console.log(err.message, err.cause); }
 */
export class InvalidInputError extends SdkError {
  override name = "InvalidInputError";
  constructor(target: CallTarget, problem: string, options: { cause?: unknown } = {}) {
    super(target, `invalid input — ${problem}`, { cause: options.cause, attempts: 0 });
  }
}

/**
 * The gateway answered with a success status but not with what the call expects (a body that is not JSON, an empty
 * one, a 202 without a job, an event stream of another type, an answer longer than the client's `maxResponseBytes`,
 * whose `body` is then undefined): a broken proxy or not a gateway of this API. The message names the status, the
 * content type and the body's first characters.
 *
 * @example
 * catch (err) { if (err instanceof MalformedResponseError) console.log(err.status, err.body); }
 */
export class MalformedResponseError extends SdkError {
  override name = "MalformedResponseError";
  readonly status: number;
  readonly headers: Headers;
  /** The body as text (undefined when it was not read: an endless stream of the wrong type). */
  readonly body: string | undefined;
  constructor(
    target: CallTarget,
    expected: string,
    response: { status: number; headers: Headers },
    body?: string,
    options: { cause?: unknown; attempts?: number } = {},
  ) {
    const type = response.headers.get("content-type") ?? "no content type";
    const start = body && body.length > 100 ? `${body.slice(0, 100)}…` : body;
    const got = body === undefined ? "" : ` with ${body ? `body ${JSON.stringify(start)}` : "an empty body"}`;
    super(target, `malformed answer — expected ${expected}, got ${response.status} (${type})${got}`, options);
    this.status = response.status;
    this.headers = response.headers;
    this.body = body;
  }
}

/**
 * The call's `timeoutMs` (which covers every attempt, the waits between them and reading the body) ran out; or, for
 * a streamed `download`, no byte came for `timeoutMs` while a read waited (`stalled` true: the stream had started).
 *
 * @example
 * catch (err) { if (err instanceof TimeoutError) console.log(`gave up after ${err.timeoutMs} ms`); }
 */
export class TimeoutError extends SdkError {
  override name = "TimeoutError";
  readonly timeoutMs: number;
  /** Whether a streamed body went silent, rather than the whole call running out of time. */
  readonly stalled: boolean;
  constructor(target: CallTarget, timeoutMs: number, options: { attempts?: number; stalled?: boolean } = {}) {
    super(
      target,
      options.stalled ? `the stream stalled: no data for ${timeoutMs} ms` : `timed out after ${timeoutMs} ms`,
      options,
    );
    this.timeoutMs = timeoutMs;
    this.stalled = !!options.stalled;
  }
}

/**
 * The caller's `AbortSignal` fired. `cause` is the signal's reason. Its `name` is `"AbortError"`, like the platform's.
 *
 * @example
 * const ac = new AbortController(); setTimeout(() => ac.abort(), 1000);
 * await client.textToImage(opts, { signal: ac.signal }).catch((e) => e.name === "AbortError");
 */
export class AbortError extends SdkError {
  override name = "AbortError";
  constructor(target: CallTarget, options: { cause?: unknown; attempts?: number } = {}) {
    super(target, "aborted", options);
  }
}

const BY_STATUS: Record<number, typeof ApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  404: NotFoundError,
  413: PayloadTooLargeError,
  415: UnsupportedMediaTypeError,
  422: ValidationError,
  429: RateLimitError,
  500: InternalServerError,
  503: ServiceUnavailableError,
};

/**
 * The {@link ApiError} subclass for a status (plain `ApiError` for statuses without one).
 *
 * @example
 * throw apiError({ method: "POST", path: "/upscale", status: 413, headers: res.headers, body });
 */
export function apiError(init: ApiErrorInit): ApiError {
  const Class = BY_STATUS[init.status] ?? ApiError;
  return new Class(init);
}

/**
 * Milliseconds to wait from a `Retry-After` value (delay-seconds or an HTTP date, RFC 9110 §10.2.3), or undefined.
 *
 * @example
 * parseRetryAfter("2"); // 2000
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value == null || value.trim() === "") return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The message of an error body in any shape a gateway of this network answers with: FastAPI's (our gateway's and
 * Livepeer's runner's) `{"detail": {"msg"}}`, `{"detail": "…"}` or a list of issues, go-livepeer's gateway's
 * `{"error": {"message"}}`, and `{"error": "…"}` (proxies and API gateways in front of one). Issues without a string
 * `msg` are left out; nothing usable is `undefined`.
 */
function detailOf(body: unknown): ErrorDetail | undefined {
  const { detail, error } = (isObject(body) ? body : {}) as { detail?: unknown; error?: unknown };
  if (Array.isArray(detail)) {
    const issues = detail.filter((i) => isObject(i) && typeof i.msg === "string") as ValidationIssue[];
    return issues.length ? issues : undefined;
  }
  const msg =
    typeof detail === "string" ? detail : isObject(detail) ? detail.msg : isObject(error) ? error.message : error;
  return typeof msg === "string" ? { msg } : undefined;
}

/** The detail's message, else the body itself (a proxy's page, JSON of another shape) shortened to 200 characters. */
function describe(detail: ErrorDetail | undefined, body: unknown): string {
  if (Array.isArray(detail)) {
    return detail
      .map((i) => (Array.isArray(i.loc) && i.loc.length ? `${i.loc.join(".")}: ${i.msg}` : i.msg))
      .join("; ");
  }
  if (detail) return detail.msg;
  const text = (typeof body === "string" ? body : (JSON.stringify(body) ?? "")).trim().replace(/\s+/g, " ");
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function causeText(cause: unknown): string {
  if (!(cause instanceof Error)) return "";
  const inner = (cause as { cause?: unknown }).cause;
  const code = inner instanceof Error ? ((inner as { code?: string }).code ?? inner.message) : undefined;
  return ` — ${cause.message}${code && code !== cause.message ? ` (${code})` : ""}`;
}

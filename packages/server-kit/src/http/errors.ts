/**
 * @module The two error shapes of every layer, produced in one place.
 *
 * `{"detail": {"msg": "..."}}` for every error but request validation, which is
 * `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}` with status 422 (the Livepeer / FastAPI shapes).
 */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "../log/logger.js";
import { localResourceCode } from "../process/local-resources.js";

/** One entry of a 422 body. */
export interface ValidationIssue {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

/**
 * An error with an HTTP status and a message for the caller; `onError` turns it into `{"detail":{"msg"}}`.
 * @example throw new HttpError(400, "Height and width must be divisible by 8", { cause: err })
 */
export class HttpError extends Error {
  readonly status: ContentfulStatusCode;
  readonly headers: Record<string, string>;
  constructor(
    status: ContentfulStatusCode,
    message: string,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, { cause: options?.cause });
    this.name = "HttpError";
    this.status = status;
    this.headers = options?.headers ?? {};
  }
}

/**
 * The most issues a 422 lists one by one; the rest are counted in one last issue of type `too_many_errors`. A body
 * can be made to fail in as many ways as it has bytes, and the answer (and the log line) should not grow with it.
 */
export const MAX_LISTED_ISSUES = 20;

/**
 * At most {@link MAX_LISTED_ISSUES} issues, then, when there were more, one that says how many were left out
 * (located where the first of them was, e.g. `["body"]`).
 * @example boundedIssues(manyIssues).at(-1) // { loc: ["body"], msg: "5 more issues not listed", type: "too_many_errors" }
 */
export function boundedIssues(issues: ValidationIssue[]): ValidationIssue[] {
  if (issues.length <= MAX_LISTED_ISSUES) return issues;
  // Already bounded (a runner's 422 passed on by the orchestrator): its count of the rest is kept.
  if (issues.length === MAX_LISTED_ISSUES + 1 && issues.at(-1)!.type === "too_many_errors") return issues;
  const rest = issues.length - MAX_LISTED_ISSUES;
  const where = issues[MAX_LISTED_ISSUES]!.loc.slice(0, 1);
  return [
    ...issues.slice(0, MAX_LISTED_ISSUES),
    { loc: where, msg: `${rest} more issue${rest === 1 ? "" : "s"} not listed`, type: "too_many_errors" },
  ];
}

/**
 * A request that failed validation; `onError` turns it into a 422 with its issues (bounded: {@link boundedIssues}).
 * @example throw new RequestValidationError([{ loc: ["body", "image"], msg: "image is required", type: "missing" }])
 */
export class RequestValidationError extends Error {
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[]) {
    const listed = boundedIssues(issues);
    super(listed.map((i) => `${i.loc.join(".")}: ${i.msg}`).join("; "));
    this.name = "RequestValidationError";
    this.issues = listed;
  }
}

/**
 * The body of an error response.
 * @example errorBody("insufficient capacity") // { detail: { msg: "insufficient capacity" } }
 */
export function errorBody(msg: string): { detail: { msg: string } } {
  return { detail: { msg } };
}

/** Sends `{"detail":{"msg"}}` with `status` and optional headers. */
export function errorResponse(c: Context, status: ContentfulStatusCode, msg: string, headers?: Record<string, string>) {
  for (const [k, v] of Object.entries(headers ?? {})) c.header(k, v);
  return c.json(errorBody(msg), status);
}

/** What the error handler reports for errors it did not expect (a 500), when it is not given a {@link Logger}. */
export type UnexpectedErrorLogger = (err: unknown, c: Context) => void;

function logUnexpected(log: Logger): UnexpectedErrorLogger {
  return (err, c) => {
    const e = err instanceof Error ? err : new Error(String(err));
    log.error("unhandled error", {
      request_id: (c.get("requestId" as never) as string | undefined) ?? "",
      path: c.req.path,
      error: e.message,
      stack: e.stack,
    });
  };
}

const stderrLogger: Logger = {
  info() {},
  warn() {},
  error: (msg, fields) =>
    console.error(JSON.stringify({ time: new Date().toISOString(), level: "error", msg, ...fields })),
};

const ABORT_CODES = new Set(["ECONNRESET", "ERR_STREAM_PREMATURE_CLOSE", "ABORT_ERR", "EPIPE"]);

/** True when `err` is the client hanging up mid-request (an upload cut short), not a fault of the server. */
function clientWentAway(err: unknown, c: Context): boolean {
  const incoming = (c.env as { incoming?: { aborted?: boolean; socket?: { destroyed?: boolean } } } | undefined)
    ?.incoming;
  const gone = incoming?.aborted === true || incoming?.socket?.destroyed === true || c.req.raw.signal?.aborted;
  if (!gone) return false;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown } };
  return (
    ABORT_CODES.has(String(e?.code)) ||
    ABORT_CODES.has(String(e?.cause?.code)) ||
    e?.name === "AbortError" ||
    e?.message === "aborted"
  );
}

/**
 * The one `app.onError` of every server: HttpError → its status; validation → 422; Hono's own HTTP errors
 * (body limit → 413, malformed body → 400) → their status; a client that hung up mid-request → an `info` line
 * (`client went away mid-request`) and a 400 nobody reads; anything else → 500 without internals, reported to
 * `log` (a {@link Logger}: an `unhandled error` line with the request id and stack; default stderr).
 * `options.refused` sees every 4xx answer but the hang-up's, with its status and message, after it is made: a server
 * that counts or logs the requests it turned away does it there, at no cost to the requests it serves.
 * @example app.onError(errorHandler(log, { refused: (c, status) => refusals.inc({ status: String(status) }) }))
 */
export function errorHandler(
  log: Logger | UnexpectedErrorLogger = stderrLogger,
  options: { refused?: RefusalObserver } = {},
): ErrorHandler {
  const report = typeof log === "function" ? log : logUnexpected(log);
  const answer = answerError(report, log);
  const { refused } = options;
  if (!refused) return answer;
  return (err, c) => {
    const res = answer(err, c) as Response;
    if (res.status >= 400 && res.status < 500 && !clientWentAway(err, c)) {
      refused(c, res.status, err instanceof Error ? err.message : String(err), err);
    }
    return res;
  };
}

/**
 * Sees a request the error handler answered with a 4xx: its status, the message (a 422's issues joined as
 * `loc: msg; …`) and the error thrown.
 */
export type RefusalObserver = (c: Context, status: number, message: string, err: unknown) => void;

function answerError(report: UnexpectedErrorLogger, log: Logger | UnexpectedErrorLogger): ErrorHandler {
  return (err, c) => {
    if (clientWentAway(err, c)) {
      if (typeof log !== "function") {
        log.info("client went away mid-request", {
          request_id: (c.get("requestId" as never) as string | undefined) ?? "",
          path: c.req.path,
          error: (err as Error).message,
        });
      }
      return errorResponse(c, 400, "the client closed the connection before the request was complete");
    }
    if (err instanceof RequestValidationError) return c.json({ detail: err.issues }, 422);
    if (err instanceof HttpError) {
      if (err.status === 503 && localResourceCode(err.cause)) noteShortage(log, c, err.cause);
      return errorResponse(c, err.status, err.message, err.headers);
    }
    const status = (err as { status?: unknown }).status;
    if (typeof status === "number" && status >= 400 && status < 500) {
      return errorResponse(c, status as ContentfulStatusCode, err.message || "bad request");
    }
    // Wherever it happened (a route's scratch file, a spool), a full disk or no descriptor to spare is this server's
    // shortage: 503, not an internal error.
    if (localResourceCode(err)) {
      noteShortage(log, c, err);
      const short = shortOfResources("to serve the request", err);
      return errorResponse(c, 503, short.message, short.headers);
    }
    report(err, c);
    return errorResponse(c, 500, "internal server error");
  };
}

/** A `warn` line for a request refused for want of a local resource: the code and what failed, for the operator. */
function noteShortage(log: Logger | UnexpectedErrorLogger, c: Context, cause: unknown): void {
  if (typeof log === "function") return;
  log.warn("short of local resources", {
    request_id: (c.get("requestId" as never) as string | undefined) ?? "",
    path: c.req.path,
    code: localResourceCode(cause),
    error: (cause as Error).message,
  });
}

/** The routes of an app, as Hono lists them (`app.routes`). */
type RouteList = ReadonlyArray<{ method: string; path: string }>;

/** Route paths made regular expressions, each once per process (unknown paths can come in floods). */
const patterns = new Map<string, RegExp>();

/** A regular expression of a Hono route path (`/jobs/:id/events`, `:name{regex}`, `*`). */
function pathPattern(path: string): RegExp {
  const known = patterns.get(path);
  if (known) return known;
  const segments = path.split("/").map((segment) => {
    if (segment === "*") return ".*";
    const param = /^:[^{]+(?:\{(.+)\})?$/.exec(segment);
    if (param) return param[1] ? `(?:${param[1]})` : "[^/]+";
    return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  const pattern = new RegExp(`^${segments.join("/")}/?$`);
  patterns.set(path, pattern);
  return pattern;
}

/**
 * The methods `routes` serve on `path` (`HEAD` wherever `GET` is), middlewares (`ALL`) aside.
 * @example allowedMethods(app.routes, "/jobs/job_1") // ["GET", "HEAD"]
 */
export function allowedMethods(routes: RouteList, path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL" || methods.has(route.method) || !pathPattern(route.path).test(path)) continue;
    methods.add(route.method);
    if (route.method === "GET") methods.add("HEAD");
  }
  return [...methods].sort();
}

/**
 * The one `app.notFound` of every server: 405 with `Allow` when `app` serves the path with other methods (RFC 9110
 * § 15.5.6), else 404.
 * @example app.notFound(notFoundHandler(app))
 */
export function notFoundHandler(app: { routes: RouteList }): NotFoundHandler {
  return (c) => {
    const allowed = allowedMethods(app.routes, c.req.path);
    if (allowed.length === 0 || allowed.includes(c.req.method)) {
      return errorResponse(c, 404, `no route ${c.req.method} ${c.req.path}`);
    }
    const list = allowed.join(", ");
    return errorResponse(c, 405, `${c.req.method} is not allowed on ${c.req.path}; it takes ${list}`, { allow: list });
  };
}

/**
 * The 503 for a request this server could not take for want of a local resource (`what` it was doing), with
 * `Retry-After`; the code and path stay in the cause, for the log.
 * @example throw shortOfResources("to keep the upload", err) // 503 "… short of local resources (…) to keep the …"
 */
export function shortOfResources(what: string, cause: unknown): HttpError {
  return new HttpError(
    503,
    `this server is short of local resources (files, disk or memory) ${what} right now; retry later`,
    { cause, headers: { "Retry-After": "5" } },
  );
}

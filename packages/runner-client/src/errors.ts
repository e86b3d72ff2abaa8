/**
 * @module The errors a runner call can end in: the runner answered with an error status ({@link RunnerError}),
 * the runner could not be reached or did not answer in time ({@link RunnerConnectionError}), or it never became
 * ready ({@link RunnerNotReadyError}).
 */

/** One entry of a 422 body (`{"detail":[{loc,msg,type}]}`). */
export interface RunnerValidationIssue {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

/** The `detail` of a runner error body: a message, or the list of validation issues of a 422. */
export type RunnerErrorDetail = { msg: string } | RunnerValidationIssue[];

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/**
 * The runner answered with an error status. `detail` is the runner's own `detail` (a `{msg}` or the 422 issue
 * list); `message` reads like `[POST] "/upscale": 400 Bad Request: model_id must be "a/b", got "c/d"`.
 * @example
 * try { await runner.upscale({ prompt: "", image }) }
 * catch (e) { if (e instanceof RunnerError && e.status === 503) retryLater(e.retryAfter) }
 */
export class RunnerError extends Error {
  /**
   * The runner's status: the one it answered with, or the precise one it names in `X-AVS-Status` when it answered a
   * 400 for go-livepeer's sake (a 413 or 415 on Livepeer's routes).
   */
  readonly status: number;
  /** The status on the wire. */
  readonly wireStatus: number;
  readonly detail: RunnerErrorDetail;
  readonly method: string;
  readonly path: string;
  /** The `X-Request-Id` the runner echoed, when it did. */
  readonly requestId: string | undefined;
  /** Seconds from `Retry-After` (503s), when given. */
  readonly retryAfter: number | undefined;
  readonly headers: Headers;

  constructor(init: { method: string; path: string; status: number; detail: RunnerErrorDetail; headers: Headers }) {
    const status = preciseStatus(init.status, init.headers);
    super(`[${init.method}] "${init.path}": ${status} ${REASONS[status] ?? "Error"}: ${describe(init.detail)}`);
    this.name = "RunnerError";
    this.status = status;
    this.wireStatus = init.status;
    this.detail = init.detail;
    this.method = init.method;
    this.path = init.path;
    this.headers = init.headers;
    this.requestId = init.headers.get("x-request-id") ?? undefined;
    const retry = Number.parseInt(init.headers.get("retry-after") ?? "", 10);
    this.retryAfter = Number.isFinite(retry) ? retry : undefined;
  }

  /** The runner's message: `detail.msg`, or the 422 issues joined as `loc: msg`. */
  get detailMessage(): string {
    return describe(this.detail);
  }
}

/**
 * No HTTP answer: connection refused or reset, the runner died mid-request, or the request timed out.
 * The original error is the `cause`.
 * @example if (e instanceof RunnerConnectionError) restartRunner()
 */
export class RunnerConnectionError extends Error {
  readonly method: string;
  readonly path: string;
  /** True when the call was ended by its timeout (not by the caller's signal). */
  readonly timedOut: boolean;

  constructor(init: { method: string; path: string; cause: unknown; timedOut?: boolean }) {
    const reason = init.timedOut ? "timed out" : errorText(init.cause);
    super(`[${init.method}] "${init.path}": no response from the runner: ${reason}`, { cause: init.cause });
    this.name = "RunnerConnectionError";
    this.method = init.method;
    this.path = init.path;
    this.timedOut = init.timedOut ?? false;
  }
}

/**
 * The runner answered 2xx, but not with something a caller can use: an answer larger than the call's
 * `maxAnswerBytes` (its read stopped there), or one that is not JSON. The runner's fault, not the request's: a proxy
 * in front of it answers 502. `reason` says what was wrong, without the answer's bytes.
 * @example catch (e) { if (e instanceof RunnerAnswerError) return badGateway(e.reason) }
 */
export class RunnerAnswerError extends Error {
  readonly method: string;
  readonly path: string;
  /** What was wrong with the answer, e.g. `it is larger than the limit of 1048576 bytes`. */
  readonly reason: string;

  constructor(init: { method: string; path: string; reason: string; cause?: unknown }) {
    super(`[${init.method}] "${init.path}": unusable answer from the runner: ${init.reason}`, { cause: init.cause });
    this.name = "RunnerAnswerError";
    this.method = init.method;
    this.path = init.path;
    this.reason = init.reason;
  }
}

/**
 * `waitUntilReady` gave up: the runner reported `ERROR`, or was not `OK` before the timeout.
 * @example catch (e) { if (e instanceof RunnerNotReadyError) console.log(e.lastStatus) }
 */
export class RunnerNotReadyError extends Error {
  /** The last `/health` status seen (`undefined` when the runner never answered). */
  readonly lastStatus: string | undefined;

  constructor(message: string, lastStatus: string | undefined, cause?: unknown) {
    super(message, { cause });
    this.name = "RunnerNotReadyError";
    this.lastStatus = lastStatus;
  }
}

function describe(detail: RunnerErrorDetail): string {
  if (Array.isArray(detail)) return detail.map((i) => `${i.loc.join(".")}: ${i.msg}`).join("; ");
  return detail.msg;
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${err.message}${cause}`;
}

/** Reads `detail` from an error body, whatever the server sent. */
export function toDetail(body: unknown, fallback: string): RunnerErrorDetail {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (Array.isArray(detail)) return detail as RunnerValidationIssue[];
  if (detail && typeof detail === "object" && typeof (detail as { msg?: unknown }).msg === "string") {
    return { msg: (detail as { msg: string }).msg };
  }
  if (typeof detail === "string") return { msg: detail };
  return { msg: fallback };
}

/**
 * A 400 the runner sent in place of a 413 or 415 (Livepeer's routes declare neither) is read as the status it names
 * in `X-AVS-Status`; any other answer as it came.
 * @example preciseStatus(400, new Headers({ "x-avs-status": "415" })) // 415
 */
function preciseStatus(status: number, headers: Headers): number {
  if (status !== 400) return status;
  const named = Number(headers.get("x-avs-status"));
  return named === 413 || named === 415 ? named : status;
}

/**
 * @module A failed runner call as the job's answer. The orchestrator spec declares what a job route answers; a
 * runner's status it declares is kept as Livepeer's orchestrator keeps it (a 4xx says what was wrong with the
 * request, as the runner said it; 503 with its `Retry-After`; 500 with the runner's addresses hidden), a 422 keeps its
 * issues, and anything else — a 404, a 418, a 3xx — is a 502 that blames the runner, as is an answer that could not
 * be used (not JSON, over `max-answer-bytes`, media that are not the pipeline's: see outputs/runner-media-check.ts).
 */
import { RunnerAnswerError, RunnerConnectionError, RunnerError } from "@ai-video-subnet/runner-client";
import { HttpError, RequestValidationError, type ValidationIssue } from "@ai-video-subnet/server-kit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { hideAddresses } from "../internal/hide-addresses.js";
import type { Lease, RunnerPool } from "../runners/runner-pool.js";

/** The runner statuses a job route answers as they are (the others it declares are its own, or mapped below). */
const PASSED_ON = new Set([400, 413, 415, 422, 500]);

/** The status of a runner's answer that could not be used: the runner's fault, a bad gateway for the caller. */
export const RUNNER_FAILED = 502;

/**
 * The 502 of a runner whose answer could not be used, naming the runner's pipeline and model and what was wrong.
 * @example throw unusableAnswer("upscale", "a/b", "it is not JSON")
 */
export function unusableAnswer(pipeline: string, modelId: string, why: string, cause?: unknown): HttpError {
  return new HttpError(
    RUNNER_FAILED,
    `the runner of ${pipeline} model ${JSON.stringify(modelId)} answered something that cannot be used: ${why}`,
    cause === undefined ? undefined : { cause },
  );
}

/** For a runner reached by URL, the seconds until its next health check (the orchestrator never restarts it). */
export function recheck(pool: RunnerPool, lease: Lease): number | undefined {
  return lease.runner.external ? pool.healthCheckSeconds : undefined;
}

/**
 * The job's answer for what a runner call threw: an {@link HttpError} (or a 422's validation error) with the status
 * the orchestrator spec declares; an error that is not the runner's is returned as it is.
 * @example throw toHttpError(err, "upscale", "a/b", recheck(pool, lease))
 */
export function toHttpError(err: unknown, pipeline: string, modelId: string, externalRecheck?: number): unknown {
  if (err instanceof HttpError) return err;
  if (err instanceof RunnerAnswerError) return unusableAnswer(pipeline, modelId, err.reason, err);
  if (err instanceof RunnerError) {
    if (err.status === 422 && Array.isArray(err.detail))
      return new RequestValidationError(err.detail as ValidationIssue[]);
    if (err.status === 503) {
      return new HttpError(503, hideAddresses(err.detailMessage), {
        cause: err,
        headers: { "Retry-After": String(err.retryAfter ?? 1) },
      });
    }
    if (err.status === 401) {
      return new HttpError(
        500,
        `the runner of ${pipeline} model ${JSON.stringify(modelId)} refused the orchestrator's token`,
      );
    }
    if (!PASSED_ON.has(err.status)) {
      // Not a status of the runner API's job routes: a client generated from the spec would not expect it.
      const said = hideAddresses(err.detailMessage);
      return unusableAnswer(
        pipeline,
        modelId,
        `status ${err.status}, which the runner API does not declare (${said})`,
        err,
      );
    }
    const status = err.status as ContentfulStatusCode;
    // A runner's 4xx says what was wrong with the request, as it said it; its 5xx may name where it listens.
    const message = status >= 500 ? hideAddresses(err.detailMessage) : err.detailMessage;
    return new HttpError(status, message, { cause: err });
  }
  if (err instanceof RunnerConnectionError) {
    // A runner reached by URL that stopped answering is not the orchestrator's to restart: another may take the job
    // (503), and the watchdog, told at once (pool.suspect), offers none of its capacity until it answers again.
    if (externalRecheck !== undefined) {
      return new HttpError(
        503,
        `the runner of ${pipeline} model ${JSON.stringify(modelId)} does not answer; it is checked again within ${externalRecheck} s`,
        { cause: err, headers: { "Retry-After": String(externalRecheck) } },
      );
    }
    // The orchestrator's runner clients set no timeout per call (the job's own is answered by the route, see
    // jobSignal), so a call that ended without an answer found its runner dead.
    return new HttpError(
      500,
      `the runner of ${pipeline} model ${JSON.stringify(modelId)} died during the job; it is being restarted`,
      {
        cause: err,
      },
    );
  }
  return err;
}

/**
 * @module The one place the runner's domain errors become HTTP statuses (in the spec's error shape, through the
 * shared error handler): 400 bad request, 413 too large, 415 unsupported media, 500 inference failure (out of
 * memory included), 503 when the model is not available or for a job whose client left (nobody reads that answer;
 * it shows in metrics and progress).
 */
import { HttpError } from "@ai-video-subnet/server-kit";
import {
  BadRequestError,
  JobAbortedError,
  JobError,
  ModelUnavailableError,
  OutOfMemoryError,
  PayloadTooLargeError,
  UnsupportedMediaError,
} from "../errors.js";
import { JobDroppedError } from "./job-queue.js";

/**
 * `err` as the `HttpError` the client gets; errors that are neither domain nor HTTP errors come back unchanged
 * (the error handler answers them 500 without internals, and logs them).
 * @example throw toHttpError(new BadRequestError("Height and width must be divisible by 8")) // HttpError 400
 */
export function toHttpError(err: unknown): unknown {
  if (err instanceof HttpError) return err;
  const status = statusOf(err);
  if (status === undefined) return err;
  const { message } = err as Error;
  return new HttpError(status, status === 500 ? `inference failed: ${message}` : message, { cause: err });
}

/**
 * The HTTP status of a domain error, `undefined` for any other error.
 * @example statusOf(new UnsupportedMediaError("image must be a PNG, JPEG or WebP file")) // 415
 */
export function statusOf(err: unknown): 400 | 413 | 415 | 500 | 503 | undefined {
  if (err instanceof BadRequestError) return 400;
  if (err instanceof PayloadTooLargeError) return 413;
  if (err instanceof UnsupportedMediaError) return 415;
  if (err instanceof OutOfMemoryError || err instanceof JobError) return 500;
  if (err instanceof JobAbortedError || err instanceof JobDroppedError || err instanceof ModelUnavailableError) {
    return 503;
  }
  return undefined;
}

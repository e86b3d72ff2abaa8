/**
 * @module The runner's domain errors. Pipeline code (HTTP half and worker half alike) throws these, never an HTTP
 * error: what went wrong is the pipeline's business, which status it becomes is the server's (`server/http-errors.ts`
 * maps them in one place). They cross the worker boundary by name (`errorToWire` / `errorFromWire`).
 */

/** Base of the runner's domain errors; `name` is the class name, which is what crosses the worker boundary. */
export class RunnerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The request is well formed but cannot be served: a size rule, a limit, a LoRA that does not fit (Livepeer's 400).
 * @example throw new BadRequestError(`image must be at least 8×8 px, got ${w}×${h}`)
 */
export class BadRequestError extends RunnerError {}

/**
 * An input (or the result it would give) is larger than this runner accepts.
 * @example throw new PayloadTooLargeError(`image is ${w}×${h} px; this runner accepts at most ${max} px`)
 */
export class PayloadTooLargeError extends RunnerError {}

/**
 * An uploaded file is not of a type the pipeline reads.
 * @example throw new UnsupportedMediaError("image must be a PNG, JPEG or WebP file")
 */
export class UnsupportedMediaError extends RunnerError {}

/**
 * Inference ran out of memory (ONNX Runtime could not allocate); nothing was produced.
 * @example throw new OutOfMemoryError("out of memory: Failed to allocate memory for requested buffer of size 1073741824")
 */
export class OutOfMemoryError extends RunnerError {}

/**
 * The job was cancelled (its client went away) and stopped at its next step or frame.
 * @example control.throwIfAborted() // throws JobAbortedError once the job is cancelled
 */
export class JobAbortedError extends RunnerError {
  constructor(message = "the job was cancelled: its client disconnected") {
    super(message);
  }
}

/**
 * The model is not loaded (still loading, failed to, or its worker died); the job did not run.
 * @example throw new ModelUnavailableError("the model is not ready (ERROR)")
 */
export class ModelUnavailableError extends RunnerError {}

/**
 * A job failed inside the worker for a reason that is not one of the errors above (an ONNX Runtime failure, a bug).
 * @example new JobError("Got invalid dimensions for input: input")
 */
export class JobError extends RunnerError {}

const DOMAIN_ERRORS = {
  BadRequestError,
  PayloadTooLargeError,
  UnsupportedMediaError,
  OutOfMemoryError,
  JobAbortedError,
  ModelUnavailableError,
  JobError,
} as const;

/** A domain error as it travels between the worker and the HTTP thread. */
export interface WireError {
  name: string;
  message: string;
}

/** ONNX Runtime's and the C++ runtime's words for a failed allocation. */
const OUT_OF_MEMORY = /bad_alloc|failed to allocate|out of memory|cudaErrorMemoryAllocation/i;

/**
 * The wire form of an error thrown inside the worker; allocation failures become {@link OutOfMemoryError}.
 * @example port.postMessage({ type: "failed", id, error: errorToWire(err) })
 */
export function errorToWire(err: unknown): WireError {
  const e = err instanceof Error ? err : new Error(String(err));
  if (e.name in DOMAIN_ERRORS) return { name: e.name, message: e.message };
  if (OUT_OF_MEMORY.test(e.message)) return { name: "OutOfMemoryError", message: `out of memory: ${e.message}` };
  return { name: "JobError", message: e.message };
}

/**
 * The domain error a wire error stands for ({@link JobError} for names this side does not know).
 * @example errorFromWire({ name: "BadRequestError", message: "…" }) instanceof BadRequestError // true
 */
export function errorFromWire(wire: WireError): RunnerError {
  const Type = DOMAIN_ERRORS[wire.name as keyof typeof DOMAIN_ERRORS] ?? JobError;
  return new Type(wire.message);
}

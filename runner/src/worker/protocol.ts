/**
 * @module Messages between the HTTP thread and the inference worker. The worker owns every ONNX Runtime session;
 * `session.run` blocks its thread, so it never runs on the HTTP thread.
 */
import type { ExecutionProvider } from "../config.js";
import type { WireError } from "../errors.js";

/** What the worker is told to load. */
export interface LoadRequest {
  type: "load";
  pipeline: string;
  modelId: string;
  /** `MODEL_DIR/<model_id>` */
  modelPath: string;
  executionProvider: ExecutionProvider;
  intraOpThreads: number;
  /** Let ONNX Runtime's thread pools busy-wait (`SPIN_WAIT=1`). */
  spinWait?: boolean;
  /** The pipeline's settings, from its definition's `loadOptions(config)` (tile size, ...). */
  options: unknown;
  /** Held by the worker while it loads, so a stop never terminates it mid-load (see load-gate.ts). */
  gate?: Int32Array;
}

/** Runs one job on the loaded model. */
export interface RunRequest {
  type: "run";
  id: number;
  input: unknown;
  /** The job's flags (abort, watched: see job-control.ts); shared, not copied. */
  abort: SharedArrayBuffer;
}

/** Releases the sessions and ends the worker. */
export interface CloseRequest {
  type: "close";
}

export type ToWorker = LoadRequest | RunRequest | CloseRequest;

export type FromWorker =
  | { type: "loaded"; seconds: number; provider: ExecutionProvider; info: Record<string, unknown> }
  | { type: "load-failed"; message: string }
  | { type: "result"; id: number; output: unknown; runSeconds: number }
  | { type: "failed"; id: number; error: WireError }
  | ProgressMessage
  | { type: "log"; level: "info" | "warn" | "error"; msg: string; fields: Record<string, unknown> }
  | { type: "closed" };

/**
 * Progress of a running job; the worker reuses one such object per job and posts it at every report. Steps `first`
 * to `step - 1` of the same stage were taken since the previous report and not posted (nobody followed them then):
 * the receiver reports them first, so the job's history holds every step.
 */
export interface ProgressMessage {
  type: "progress";
  id: number;
  stage: string;
  step: number;
  total: number;
  first: number;
}

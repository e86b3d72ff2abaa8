/**
 * @module Messages between the HTTP thread and the inference worker. The worker owns every ONNX Runtime session;
 * `session.run` blocks its thread, so it never runs on the HTTP thread.
 */
import type { ExecutionProvider } from "../config.js";

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
  /** Pipeline-specific settings (tile size, ...). */
  options: Record<string, unknown>;
}

/** Runs one job on the loaded model. */
export interface RunRequest {
  type: "run";
  id: number;
  input: unknown;
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
  | { type: "failed"; id: number; message: string; status?: number }
  | { type: "log"; level: "info" | "warn" | "error"; msg: string; fields: Record<string, unknown> }
  | { type: "closed" };

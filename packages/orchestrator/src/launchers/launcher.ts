/**
 * @module What every launcher provides: start one runner for a pipeline + model (on a device), and hand back
 * where it listens, how to reach it, and a promise that settles when it dies.
 */
import type { Logger } from "@ai-video-subnet/server-kit";
import type { ModelEntry } from "../config/ai-models.js";

/** What to run. */
export interface RunnerSpec {
  /** A readable, unique name, used in logs and container names (`upscale.tiny-esrgan-x4.0`). */
  name: string;
  pipeline: string;
  modelId: string;
  /** `"cpu"` or a GPU id (`"0"`). */
  device: string;
  /** The shared models directory on this machine. */
  modelsDir: string;
  /** The bearer token the runner requires (`AUTH_TOKEN`); random per runner. */
  token: string;
  /** Jobs the runner queues at most (`QUEUE_SIZE`): the entry's capacity. */
  queueSize: number;
  /** Extra environment (optimization flags). */
  env: Record<string, string>;
  /**
   * Milliseconds the launcher may take until the runner listens (`start-timeout` less what the start already took):
   * the orchestrator's `start-timeout` governs the whole start, this wait included.
   */
  startTimeoutMs?: number;
}

/**
 * The execution provider of a runner given a GPU: CUDA, unless the entry's `optimization_flags` chose one itself
 * (e.g. `webgpu`), which an operator sets on purpose and would not expect overridden.
 * @example gpuProvider({}) // { EXECUTION_PROVIDER: "cuda" }; gpuProvider({ EXECUTION_PROVIDER: "webgpu" }) // "webgpu"
 */
export function gpuProvider(env: Record<string, string>): { EXECUTION_PROVIDER: string } {
  return { EXECUTION_PROVIDER: env.EXECUTION_PROVIDER || "cuda" };
}

/** What a launcher's start-up checks see of the orchestrator's configuration (the runner pool's options). */
export interface LauncherContext {
  /** The model list; the entries with a `url` are external, not this launcher's. */
  entries: readonly ModelEntry[];
  /** The shared models directory on this machine. */
  modelsDir: string;
  /** GPU ids of the `gpus` setting; empty → the CPU. */
  gpus: string[];
  log: Logger;
  /** Where the entries came from, for messages (default `aiModels.json`). */
  source?: string;
}

/** How a runner ended. */
export interface RunnerExit {
  code: number | null;
  signal: string | null;
  /** The last lines it wrote, to explain a failure. */
  lastOutput: string[];
}

/** A started runner. */
export interface RunnerHandle {
  /** Base URL of its API. */
  url: string;
  /** Bearer token for its job routes (may be empty). */
  token: string;
  /** The process id (process launcher) or container id (docker launcher), for logs and operators. */
  id?: string;
  /** Settles when the runner has exited (never for external runners). */
  exited: Promise<RunnerExit>;
  /** Stops it (graceful, then forced) and resolves once it is gone. */
  stop(): Promise<void>;
}

/** Starts runners. */
export interface Launcher {
  /** `process`, `docker` or `external`. */
  readonly kind: string;
  /**
   * Removes what a previous orchestrator of the same name left behind (containers), once it checked that it can start
   * runners at all, on the GPUs of the `gpus` setting too (a ConfigError otherwise); called once at start, when the
   * model list has an entry this launcher runs.
   */
  cleanup?(context?: LauncherContext): Promise<void>;
  /** Starts a runner; resolves once it listens (readiness is checked separately through `/health`). */
  start(spec: RunnerSpec, log: Logger): Promise<RunnerHandle>;
  /** Releases the launcher's own resources after every runner stopped. */
  close?(): Promise<void>;
}

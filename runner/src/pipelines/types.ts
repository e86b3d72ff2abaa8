/**
 * @module What a pipeline is: an HTTP half (mounts its spec route, validates and prepares the job, shapes the
 * response) and a worker half (loads the model's sessions and runs jobs inside the inference worker).
 */
import type { TypedRouteMounter } from "@ai-video-subnet/specs";
import type { MiddlewareHandler } from "hono";
import type { ExecutionProvider, RunnerConfig } from "../config.js";
import type { operations } from "../generated/runner.js";
import type { Logger } from "../log.js";

/** What the HTTP half of a pipeline gets from the server. */
export interface PipelineHttpContext {
  config: RunnerConfig;
  log: Logger;
  /**
   * Queues a job for the worker and resolves with its output. Rejects with 503 when the queue is full, and drops
   * the job without running it when `signal` aborts (client gone) before it starts.
   */
  run<O = unknown>(input: unknown, options?: { signal?: AbortSignal; transfer?: Transferable[] }): Promise<O>;
  /** What the worker reported about the loaded model (e.g. `scale`); empty until it has loaded. */
  modelInfo(): Record<string, unknown>;
  /** Throws the Livepeer-style 400 when a non-empty `model_id` is not the loaded model. */
  checkModelId(modelId: string | undefined): void;
}

/** The HTTP half of a pipeline. */
export interface HttpPipeline {
  /** The spec operation it serves, e.g. `genUpscale`. */
  operationId: keyof operations & string;
  /** Mounts the route; `before` (auth) must run ahead of validation. */
  mount(route: TypedRouteMounter<operations>, ctx: PipelineHttpContext, before: MiddlewareHandler[]): void;
}

/** What the worker half gets when loading. */
export interface WorkerLoadContext {
  modelId: string;
  modelPath: string;
  executionProvider: ExecutionProvider;
  intraOpThreads: number;
  spinWait?: boolean;
  options: Record<string, unknown>;
  log: (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
}

/** A loaded model inside the worker. */
export interface LoadedPipeline {
  /** The provider the sessions actually run on. */
  provider: ExecutionProvider;
  /** Facts about the model worth reporting (scale factor, input names, ...). */
  info: Record<string, unknown>;
  run(input: unknown): Promise<{ output: unknown; transfer?: Transferable[] }>;
  release(): Promise<void>;
}

/** The worker half of a pipeline. */
export interface WorkerPipeline {
  load(ctx: WorkerLoadContext): Promise<LoadedPipeline>;
}

/** A pipeline's two halves, loaded lazily so each thread only imports its own. */
export interface PipelineModule {
  http: () => Promise<HttpPipeline>;
  worker: () => Promise<WorkerPipeline>;
}

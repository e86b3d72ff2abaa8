/**
 * @module The pipeline contract: what a pipeline definition (`definePipeline`) is made of, typed end to end across the
 * HTTP ↔ worker boundary. The worker half fixes the types (`NoInfer` elsewhere): the job `prepare` returns must be
 * the job the worker's `run` receives, and the worker's output is what `respond` gets. Worker and HTTP code throw
 * the domain errors of `../errors.ts`; the server maps them to statuses.
 */
import type { ResourceLimits } from "node:worker_threads";
import type { RequestBodyOf, SuccessBodyOf } from "@ai-video-subnet/server-kit";
import type { ExecutionProvider, RunnerConfig } from "../config.js";
import type { operations } from "../generated/runner.js";
import type { Logger } from "../log.js";
import type { CatalogEntry } from "../models/catalog-entry.js";
import type { ModelManifest } from "../models/layout.js";

/** An operation of the runner spec. */
export type OperationId = keyof operations & string;

/** The request body of an operation as the spec types it (fields with defaults optional). */
export type BodyOf<Op extends OperationId> = NonNullable<RequestBodyOf<operations[Op]>>;

/**
 * A validated body: the validator has filled in every default of the spec, so every field is present except the
 * `Optional` ones (those the spec gives no default, e.g. `seed`). The server checks the list against the spec.
 * @example type T2I = Defaulted<BodyOf<"genTextToImage">, "seed">; // height: number, seed?: number
 */
export type Defaulted<Body, Optional extends keyof Body = never> = Required<Omit<Body, Optional>> &
  Partial<Pick<Body, Optional>>;

/** What a handler may answer: the spec's 200 body, or a `Response` it built itself (files, streams). */
export type ReplyOf<Op extends OperationId> = SuccessBodyOf<operations[Op]> | Response;

/** One progress report: `step` of `total` in the loop `stage` ("denoise", "decode", "tiles", "frames", …). */
export interface Progress {
  stage: string;
  step: number;
  total: number;
}

/**
 * A job's control: progress out, cancellation in. On the worker side the abort flag is a `SharedArrayBuffer` the
 * HTTP thread sets, so a loop busy in synchronous `session.run` calls sees it between steps.
 */
export interface JobControl {
  /** Reports progress; cheap (may be called every step), and the object may be reused by the caller. */
  progress(p: Progress): void;
  /** True once the job was cancelled (its client went away). */
  readonly aborted: boolean;
  /** Throws `JobAbortedError` when the job was cancelled; call it between steps and frames. */
  throwIfAborted(): void;
}

/** Facts about the loaded model the worker reports (`scale`, input names, …), shown in logs and to `prepare`. */
export type ModelInfo = Record<string, unknown>;

/** What the worker half gets when it loads the model. */
export interface WorkerLoadContext<Options = Record<string, never>> {
  modelId: string;
  /** `MODEL_DIR/<model_id>` */
  modelPath: string;
  executionProvider: ExecutionProvider;
  intraOpThreads: number;
  spinWait?: boolean;
  /** The pipeline's own settings, from its `loadOptions(config)`. */
  options: Options;
  log: (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
}

/** A worker call's answer; buffers in `transfer` move to the HTTP thread instead of being copied. */
export interface WorkerReply<Output> {
  output: Output;
  transfer?: Transferable[];
}

/** A loaded model inside the worker. */
export interface LoadedModel<Job, Output, Info extends ModelInfo = ModelInfo> {
  /** The provider the sessions actually run on. */
  provider: ExecutionProvider;
  info: Info;
  run: (job: Job, control: JobControl) => Promise<WorkerReply<Output>>;
  release(): Promise<void>;
}

/** The worker half of a pipeline: loads the model's sessions, then runs jobs one at a time. */
export interface WorkerHalf<Job, Output, Options = Record<string, never>, Info extends ModelInfo = ModelInfo> {
  load: (ctx: WorkerLoadContext<Options>) => Promise<LoadedModel<Job, Output, Info>>;
}

/** What `avs-runner models verify` found. */
export interface VerifyReport {
  model_id: string;
  pipeline: string;
  tiny: boolean;
  inputs: string[];
  outputs: string[];
  /** Upscalers: the factor measured by running the model. */
  scale?: number;
  [extra: string]: unknown;
}

/** Loads an installed model the way its pipeline would and checks it; throws with the reason when it is unusable. */
export type Verifier = (
  dir: string,
  modelId: string,
  manifest: Pick<ModelManifest, "pipeline" | "tiny">,
) => Promise<VerifyReport>;

/** What the HTTP half of a pipeline gets from the server. */
export interface PipelineContext<Info extends ModelInfo = ModelInfo> {
  config: RunnerConfig;
  log: Logger;
  /** What the worker reported about the loaded model; empty until it has loaded. */
  modelInfo(): Partial<Info>;
}

/** What `prepare` hands the server: the worker's job, the buffers to move with it, and what `respond` will need. */
export interface Prepared<Job, State> {
  job: Job;
  transfer?: Transferable[];
  state: State;
}

/** Options of one worker call inside a held slot. */
export interface WorkerCallOptions {
  /** Buffers of the job to move to the worker rather than copy. */
  transfer?: Transferable[];
  /** Where this call's progress goes (default: the job's progress stream). */
  onProgress?: (p: Progress) => void;
}

/** One call of the worker inside a held queue slot. */
export type WorkerCall<Job, Output> = (job: Job, options?: WorkerCallOptions) => Promise<Output>;

/** The server side of a streaming pipeline: hold one queue slot and call the worker as often as needed. */
export interface SessionContext<Job, Output, Info extends ModelInfo = ModelInfo> extends PipelineContext<Info> {
  /**
   * Takes one queue slot (waiting for it; 503 when the queue is full), runs `fn` with a worker call and the job's
   * control, and frees the slot when `fn` settles. The request's abort (client gone) cancels it: `control.aborted`
   * turns true, the worker stops at its next step, and further calls throw `JobAbortedError`.
   */
  session<T>(fn: (run: WorkerCall<Job, Output>, control: JobControl) => Promise<T>): Promise<T>;
}

/** The parts every pipeline definition has. */
interface PipelineBase<
  Op extends OperationId,
  Optional extends keyof BodyOf<Op>,
  Job,
  Output,
  Options,
  Info extends ModelInfo,
> {
  /** The `PIPELINE` name, also the route's path. */
  name: string;
  /** The spec operation it serves. */
  operationId: Op;
  /** Body fields the spec gives no default (absent unless the caller sent them); checked against the spec. */
  optional: readonly Optional[];
  /** The worker half, imported lazily so the HTTP thread never loads it. */
  worker(): Promise<WorkerHalf<Job, Output, Options, Info>>;
  /** The worker half's settings from the runner's configuration (default: none). */
  loadOptions?(config: RunnerConfig): NoInfer<Options>;
  /** Checks an installed model for `avs-runner models verify`, imported lazily. */
  verify?(): Promise<Verifier>;
  /** Models this pipeline can install without a network (the entries live with their factories). */
  catalog?: readonly CatalogEntry[];
  /** What `GET /info` adds for this pipeline, e.g. a video pipeline's `video_limits` (default: nothing). */
  info?(config: RunnerConfig): Record<string, unknown>;
  /**
   * Limits of the worker thread's V8 heap, as `Worker`'s `resourceLimits` (default: V8's own, e.g. a young generation
   * of up to 48 MB). image-to-video caps the young generation: a cold worker's first large request otherwise grows
   * the worker's heap to ~30 MB for short-lived objects.
   */
  workerResourceLimits?: ResourceLimits;
}

/** A pipeline that answers each request with one worker call: `prepare` → queue → worker `run` → `respond`. */
export interface SingleCallPipeline<
  Op extends OperationId = OperationId,
  Optional extends keyof BodyOf<Op> = keyof BodyOf<Op>,
  Job = unknown,
  Output = unknown,
  Options = Record<string, never>,
  Info extends ModelInfo = ModelInfo,
  State = unknown,
> extends PipelineBase<Op, Optional, Job, Output, Options, Info> {
  /** Checks the request beyond the schema and builds the worker's job (runs before the job is queued). */
  prepare(
    body: Defaulted<BodyOf<Op>, Optional>,
    ctx: PipelineContext<NoInfer<Info>>,
  ): Prepared<NoInfer<Job>, State> | Promise<Prepared<NoInfer<Job>, State>>;
  /** Shapes the worker's output into the answer. */
  respond(
    output: NoInfer<Output>,
    state: NoInfer<State>,
    ctx: PipelineContext<NoInfer<Info>>,
  ): ReplyOf<Op> | Promise<ReplyOf<Op>>;
}

/** A pipeline that drives the worker itself, e.g. once per video frame inside one held slot. */
export interface StreamingPipeline<
  Op extends OperationId = OperationId,
  Optional extends keyof BodyOf<Op> = keyof BodyOf<Op>,
  Job = unknown,
  Output = unknown,
  Options = Record<string, never>,
  Info extends ModelInfo = ModelInfo,
> extends PipelineBase<Op, Optional, Job, Output, Options, Info> {
  handle(
    body: Defaulted<BodyOf<Op>, Optional>,
    ctx: SessionContext<NoInfer<Job>, NoInfer<Output>, NoInfer<Info>>,
  ): ReplyOf<Op> | Promise<ReplyOf<Op>>;
}

/** A pipeline definition of either form. */
export type PipelineDefinition<
  Op extends OperationId = OperationId,
  Optional extends keyof BodyOf<Op> = keyof BodyOf<Op>,
  Job = unknown,
  Output = unknown,
  Options = Record<string, never>,
  Info extends ModelInfo = ModelInfo,
  State = unknown,
> =
  | SingleCallPipeline<Op, Optional, Job, Output, Options, Info, State>
  | StreamingPipeline<Op, Optional, Job, Output, Options, Info>;

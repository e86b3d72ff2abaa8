/**
 * @module `definePipeline`: one typed unit per pipeline. The definition is checked with its own types (body from the
 * spec, job, output, options and model info shared by its HTTP and worker halves); the registry and the server see
 * the erased {@link Pipeline}, whose one entry point is `handle` — a single-call definition becomes
 * `prepare` → one worker call in a queue slot → `respond`.
 */
import type { ResourceLimits } from "node:worker_threads";
import type { RunnerConfig } from "../config.js";
import type { CatalogEntry } from "../models/catalog-entry.js";
import type {
  BodyOf,
  ModelInfo,
  OperationId,
  PipelineDefinition,
  Prepared,
  SessionContext,
  Verifier,
  WorkerHalf,
} from "./contract.js";

/** A pipeline as the registry, the server and the worker thread use it (types erased at the HTTP ↔ worker edge). */
export interface Pipeline {
  readonly name: string;
  readonly operationId: OperationId;
  /** Body fields the spec gives no default. */
  readonly optional: readonly string[];
  worker(): Promise<WorkerHalf<unknown, unknown, unknown>>;
  /** The worker half's settings; structured-cloned into the worker. */
  loadOptions(config: RunnerConfig): unknown;
  readonly verify: (() => Promise<Verifier>) | undefined;
  readonly catalog: readonly CatalogEntry[];
  /** What `GET /info` adds for this pipeline. */
  info(config: RunnerConfig): Record<string, unknown>;
  /** The worker thread's heap limits (`undefined`: V8's defaults). */
  readonly workerResourceLimits: ResourceLimits | undefined;
  /** Serves one validated request (defaults filled in); returns the 200 body or a `Response`. */
  handle(body: Record<string, unknown>, ctx: SessionContext<unknown, unknown>): Promise<unknown>;
}

/**
 * Defines a pipeline. The single-call form (`prepare` + `respond`) suits one worker call per request; the streaming
 * form (`handle`) holds one queue slot for several worker calls (e.g. one per video frame).
 *
 * @example
 * export const upscale = definePipeline({
 *   name: "upscale",
 *   operationId: "genUpscale",
 *   optional: ["seed"],
 *   worker: async () => (await import("./worker.js")).upscaleWorker,
 *   prepare: async (body, ctx) => ({ job: await decode(body.image), state: { seed: body.seed ?? randomSeed() } }),
 *   respond: async (image, { seed }) => mediaResponse([{ png: await encodePng(image), seed, nsfw: false }]),
 * });
 */
export function definePipeline<
  Op extends OperationId,
  Optional extends keyof BodyOf<Op>,
  Job,
  Output,
  Options = Record<string, never>,
  Info extends ModelInfo = ModelInfo,
  State = undefined,
>(definition: PipelineDefinition<Op, Optional, Job, Output, Options, Info, State>): Pipeline {
  // The definition was checked against its own types above; from here on the server's erased view.
  const def = definition as unknown as AnyDefinition;
  const { prepare, respond, handle } = def;
  const serve: Pipeline["handle"] = handle
    ? async (body, ctx) => handle(body as never, ctx as never)
    : async (body, ctx) => {
        const prepared = (await prepare?.(body as never, ctx as never)) as Prepared<unknown, unknown>;
        const output = await ctx.session((run) => run(prepared.job, { transfer: prepared.transfer ?? [] }));
        return respond?.(output as never, prepared.state as never, ctx as never);
      };
  return {
    name: def.name,
    operationId: def.operationId,
    optional: def.optional.map(String),
    worker: def.worker as Pipeline["worker"],
    loadOptions: (config) => def.loadOptions?.(config) ?? {},
    verify: def.verify,
    catalog: def.catalog ?? [],
    info: (config) => def.info?.(config) ?? {},
    workerResourceLimits: def.workerResourceLimits,
    handle: serve,
  };
}

/** Either form, as the implementation sees it. */
interface AnyDefinition {
  name: string;
  operationId: OperationId;
  optional: readonly PropertyKey[];
  worker(): Promise<unknown>;
  loadOptions?(config: RunnerConfig): unknown;
  verify?: () => Promise<Verifier>;
  catalog?: readonly CatalogEntry[];
  info?(config: RunnerConfig): Record<string, unknown>;
  workerResourceLimits?: ResourceLimits;
  prepare?(body: never, ctx: never): unknown;
  respond?(output: never, state: never, ctx: never): unknown;
  handle?(body: never, ctx: never): unknown;
}

/**
 * @module The HTTP thread's handle on the inference worker: starts it, loads the model, runs jobs by id and
 * reports the model's state (`LOADING` → `OK` | `ERROR`).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type ResourceLimits, Worker } from "node:worker_threads";
import type { ExecutionProvider } from "../config.js";
import { errorFromWire, JobError, ModelUnavailableError } from "../errors.js";
import { mark } from "../internal/timeline.js";
import type { Logger } from "../log.js";
import type { Progress } from "../pipelines/contract.js";
import { createAbortFlag } from "./job-control.js";
import { closeLoadGate, createLoadGate } from "./load-gate.js";
import type { FromWorker, LoadRequest } from "./protocol.js";

/** How one job is run: buffers to move, its abort flag, where its progress goes. */
export interface RunOptions {
  /** Buffers of the input to move to the worker, not copy. */
  transfer?: Transferable[];
  /** The job's abort flag (see job-control.ts); a fresh, unset one when absent. */
  abort?: Int32Array;
  onProgress?: (p: Progress) => void;
}

/** The model's state as `/health` reports it. */
export type EngineState = "LOADING" | "OK" | "ERROR";

/**
 * Where the built worker script is: next to the bundle when running from dist/, or dist/worker.js of the package
 * when running from source (tests), which therefore need `pnpm build` first.
 */
export function workerScriptPath(): string {
  const here = new URL("./worker.js", import.meta.url);
  if (import.meta.url.endsWith(".js") && existsSync(fileURLToPath(here))) return fileURLToPath(here);
  const dist = fileURLToPath(new URL("../../dist/worker.js", import.meta.url));
  if (existsSync(dist)) return dist;
  throw new Error(
    `the inference worker is not built (${dist} is missing); run \`pnpm --filter @ai-video-subnet/runner build\``,
  );
}

interface Pending {
  resolve: (v: { output: unknown; runSeconds: number }) => void;
  reject: (e: Error) => void;
  onProgress: ((p: Progress) => void) | undefined;
}

/**
 * One inference worker with one loaded model; `resourceLimits` bound its V8 heap (the pipeline's
 * `workerResourceLimits`).
 * @example
 * const engine = new WorkerEngine(log, { resourceLimits: { maxYoungGenerationSizeMb: 12 } });
 * await engine.load({ type: "load", pipeline: "upscale", modelId, modelPath, executionProvider: "cpu", intraOpThreads: 0, options: {} });
 * const { output } = await engine.run(input, { abort: createAbortFlag(), onProgress: (p) => console.log(p) });
 */
export class WorkerEngine {
  state: EngineState = "LOADING";
  /**
   * Set by {@link WorkerEngine.close} when the abandoned load did not end, or its worker stop, within 2 s: a large
   * model still loading, which terminating the worker mid-load could abort the process over (see load-gate.ts), or
   * a thread blocked in a native read (a hung mount), which `process.exit()` would wait for forever.
   */
  stuck = false;
  loadSeconds: number | undefined;
  provider: ExecutionProvider | undefined;
  info: Record<string, unknown> = {};
  error: string | undefined;
  readonly #worker: Worker;
  /** Held by the worker from its start until its imports (onnxruntime-node's binding) are done, then by its load. */
  readonly #gate = createLoadGate({ held: true });
  readonly #pending = new Map<number, Pending>();
  readonly #log: Logger;
  #nextId = 1;
  #onLoad: ((msg: FromWorker) => void) | undefined;
  #onClosed: (() => void) | undefined;

  constructor(log: Logger, options: { resourceLimits?: ResourceLimits | undefined } = {}) {
    this.#log = log;
    this.#worker = new Worker(workerScriptPath(), {
      workerData: { gate: this.#gate },
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    });
    this.#worker.on("message", (msg: FromWorker) => this.#receive(msg));
    this.#worker.on("error", (err) => this.#fail(`the inference worker crashed: ${err.message}`));
    this.#worker.on("exit", (code) => {
      this.#onClosed?.();
      if (this.state !== "ERROR" && this.#pending.size > 0) this.#fail(`the inference worker exited with code ${code}`);
    });
  }

  /** The worker's heap limits in effect (V8's defaults where none were set); empty once it has stopped. */
  get resourceLimits(): ResourceLimits {
    return this.#worker.resourceLimits ?? {};
  }

  /** Loads the model; resolves when `OK`, rejects (state `ERROR`) when loading failed. */
  load(req: LoadRequest): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#onLoad = (msg) => {
        if (msg.type === "loaded") {
          Object.assign(this, { state: "OK", loadSeconds: msg.seconds, provider: msg.provider, info: msg.info });
          resolve();
        } else if (msg.type === "load-failed") {
          this.state = "ERROR";
          this.error = msg.message;
          reject(new Error(msg.message));
        }
      };
      this.#worker.postMessage({ ...req, gate: this.#gate } satisfies LoadRequest);
    });
  }

  /**
   * Runs one job. It fails with the domain error the worker threw (`JobAbortedError` once `abort` is set and the
   * worker reached its next check), `JobError` for any other failure, `ModelUnavailableError` without a model.
   */
  run(input: unknown, options: RunOptions = {}): Promise<{ output: unknown; runSeconds: number }> {
    if (this.state !== "OK") return Promise.reject(new ModelUnavailableError(`the model is not ready (${this.state})`));
    const id = this.#nextId++;
    const abort = (options.abort ?? createAbortFlag()).buffer as SharedArrayBuffer;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress: options.onProgress });
      mark("job-posted");
      this.#worker.postMessage({ type: "run", id, input, abort }, (options.transfer ?? []) as never);
    });
  }

  /**
   * Releases the sessions and stops the worker (waits for a running job first). A model still loading is abandoned:
   * its worker is stopped once the load has returned (its gate closed), as soon as it does within 2 s, and never
   * while ONNX Runtime is inside a call; a load that takes longer (a large model, a file on a hung network mount)
   * leaves the worker running and {@link stuck} set.
   */
  async close(): Promise<void> {
    if (this.state === "LOADING") {
      this.#log.info("model load abandoned: shutting down while it loads");
      if (!(await closeLoadGate(this.#gate, 2000))) {
        this.stuck = true;
        return;
      }
      const stopped = await Promise.race([
        this.#worker.terminate().then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), 2000).unref()),
      ]);
      this.stuck = !stopped;
      return;
    }
    const closed = new Promise<void>((resolve) => {
      this.#onClosed = resolve;
    });
    this.#worker.postMessage({ type: "close" });
    const timer = setTimeout(() => void this.#worker.terminate(), 30_000);
    await closed;
    clearTimeout(timer);
  }

  /** Stops the worker at once (a running job is lost). */
  async terminate(): Promise<void> {
    await this.#worker.terminate();
  }

  #receive(msg: FromWorker) {
    if (msg.type === "log") this.#log[msg.level](msg.msg, msg.fields);
    else if (msg.type === "loaded" || msg.type === "load-failed") this.#onLoad?.(msg);
    else if (msg.type === "progress") {
      const onProgress = this.#pending.get(msg.id)?.onProgress;
      if (!onProgress) return;
      for (let step = msg.first; step < msg.step; step++) onProgress({ stage: msg.stage, step, total: msg.total });
      onProgress(msg);
    } else if (msg.type === "result" || msg.type === "failed") {
      mark("job-result");
      const p = this.#pending.get(msg.id);
      this.#pending.delete(msg.id);
      if (msg.type === "result") p?.resolve({ output: msg.output, runSeconds: msg.runSeconds });
      else p?.reject(errorFromWire(msg.error));
    } else if (msg.type === "closed") void this.#worker.terminate();
  }

  #fail(message: string) {
    this.state = "ERROR";
    this.error = message;
    this.#log.error(message);
    this.#onLoad?.({ type: "load-failed", message });
    for (const p of this.#pending.values()) p.reject(new JobError(message));
    this.#pending.clear();
  }
}

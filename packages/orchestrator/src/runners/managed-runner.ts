/**
 * @module One runner of one `aiModels.json` entry: its state (stopped → starting → ready → stopping), its job
 * slots, its client, and the health check the watchdog runs. Starting is deduplicated: every job that needs a
 * starting runner waits for the same start.
 */
import { type components, RunnerClient, RunnerConnectionError } from "@ai-video-subnet/runner-client";
import type { Logger } from "@ai-video-subnet/server-kit";
import { Slots } from "../capacity/slots.js";
import type { ModelEntry } from "../config/ai-models.js";
import type { Launcher, RunnerExit, RunnerHandle } from "../launchers/launcher.js";
import { checkServes, checkToken, ExternalRunnerRefusal } from "./external-checks.js";

/** Where a runner is in its life. */
export type RunnerState = "stopped" | "starting" | "ready" | "stopping";

/** What a runner needs from its pool. */
export interface RunnerContext {
  launcher: Launcher;
  modelsDir: string;
  startTimeoutMs: number;
  log: Logger;
  /** Called when the runner died on its own (not by stop()). */
  onDied(runner: ManagedRunner, exit: RunnerExit): void;
  /** A random token for a managed runner's `AUTH_TOKEN`. */
  newToken(): string;
}

/**
 * A runner the orchestrator starts, watches and stops (or an external one it only watches).
 * @example
 * const runner = new ManagedRunner(entry, "upscale.tiny.0", ctx);
 * await runner.start(); const out = await runner.client!.upscale(body);
 */
export class ManagedRunner {
  readonly entry: ModelEntry;
  readonly name: string;
  readonly slots: Slots;
  state: RunnerState = "stopped";
  /** The device it runs on (`"cpu"`, `"0"`, ...); undefined while it holds none. */
  device: string | undefined;
  client: RunnerClient | undefined;
  hardware: components["schemas"]["HardwareInformation"] | undefined;
  /** When a job last finished on it (ms since epoch), for evicting the least recently used. */
  lastUsed = 0;
  /** When its current (or last) run became ready (ms since epoch); undefined from the start of a start until ready. */
  readySince: number | undefined;
  /** Why its last start failed (the whole message, addresses included); undefined once it is ready. */
  lastFailure: string | undefined;
  /**
   * What `/ready` says of a runner reached by URL that answered but cannot serve its entry (`reachable, but serves
   * upscale "c/d"`); undefined otherwise.
   */
  refusal: string | undefined;
  readonly #ctx: RunnerContext;
  #handle: RunnerHandle | undefined;
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #healthFailures = 0;
  #generation = 0;
  /** How to cut each call in flight on a runner reached by URL (see {@link ManagedRunner.call}). */
  readonly #calls = new Set<(reason: Error) => void>();

  constructor(entry: ModelEntry, name: string, ctx: RunnerContext) {
    this.entry = entry;
    this.name = name;
    this.slots = new Slots(entry.capacity);
    this.#ctx = ctx;
  }

  /** The running process id (process launcher) or container id (docker), while it runs. */
  get id(): string | undefined {
    return this.#handle?.id;
  }

  /** True for a runner reached by URL, which the orchestrator neither starts nor stops. */
  get external(): boolean {
    return this.entry.url !== undefined;
  }

  /**
   * Starts the runner (or joins a start in progress) and resolves once `/health` is OK. `before` is awaited
   * first (a runner being evicted from the same device).
   */
  start(before?: Promise<unknown>): Promise<void> {
    if (this.state === "ready") return Promise.resolve();
    this.#starting ??= this.#start(before).finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #start(before?: Promise<unknown>): Promise<void> {
    if (this.#stopping) await this.#stopping;
    if (before) await before;
    const generation = ++this.#generation;
    this.state = "starting";
    this.readySince = undefined;
    const { launcher, log } = this.#ctx;
    const started = Date.now();
    // start-timeout bounds the whole start: the launcher's wait for a listening runner, then its model's load. An
    // external runner is either up or not: do not hold jobs or the boot for a long load time.
    const timeoutMs = this.external ? Math.min(this.#ctx.startTimeoutMs, 10_000) : this.#ctx.startTimeoutMs;
    const left = () => Math.max(1, timeoutMs - (Date.now() - started));
    let handle: RunnerHandle | undefined;
    try {
      handle = await launcher.start(
        {
          name: this.name,
          pipeline: this.entry.pipeline,
          modelId: this.entry.modelId,
          device: this.device ?? "cpu",
          modelsDir: this.#ctx.modelsDir,
          token: this.entry.url ? (this.entry.token ?? "") : this.#ctx.newToken(),
          queueSize: this.entry.capacity,
          env: this.entry.optimizationFlags,
          startTimeoutMs: timeoutMs,
        },
        log,
      );
      this.#handle = handle;
      // No timeout per call: the job route holds each job, all its calls together, to the job timeout.
      const client = new RunnerClient({ baseUrl: handle.url, token: handle.token });
      void handle.exited.then((exit) => this.#exited(generation, exit));
      await Promise.race([
        client.waitUntilReady(this.external ? timeoutMs : left()),
        handle.exited.then((exit) => {
          // Its own last words say why (a model folder it cannot read, a bad setting): keep them in the failure.
          const tail = exit.lastOutput.length ? `; last output:\n${exit.lastOutput.slice(-5).join("\n")}` : "";
          throw new Error(`runner ${this.name} exited while loading its model (${describeExit(exit)})${tail}`);
        }),
      ]);
      if (generation !== this.#generation) throw new Error(`runner ${this.name} was stopped while starting`);
      const hardware = await client.hardwareInfo().catch(() => undefined);
      if (this.external) {
        checkServes(this.entry, hardware, handle.url);
        await checkToken(this.entry, handle.url, handle.token);
      }
      this.client = client;
      this.hardware = hardware;
      this.#healthFailures = 0;
      this.state = "ready";
      this.readySince = Date.now();
      this.lastFailure = undefined;
      this.refusal = undefined;
      log.info("runner ready", {
        runner: this.name,
        url: handle.url,
        id: handle.id,
        device: this.device,
        ms: Date.now() - started,
      });
    } catch (err) {
      // A start cut short by stop() (the orchestrator stopping, or a restart) is no failure to report as one.
      const stopped = generation !== this.#generation;
      if (!stopped) {
        // Its exit, now or when stopped below, is this failed start, not a death of a ready runner.
        this.#generation++;
        this.state = "stopped";
        this.#handle = undefined;
      }
      await handle?.stop().catch(() => {});
      const message = (err as Error).message;
      if (!stopped) this.refusal = err instanceof ExternalRunnerRefusal ? err.state : undefined;
      if (stopped) log.info("runner stopped while starting", { runner: this.name });
      // A runner reached by URL is tried at every health check: the same failure again is not news (720 lines an
      // hour at the default interval), a new one is.
      else if (this.external && message === this.lastFailure)
        log.debug?.("runner still not ready", { runner: this.name });
      else {
        this.lastFailure = message;
        log.error("runner failed to start", { runner: this.name, error: message });
      }
      throw err;
    }
  }

  /** Stops the runner (graceful, then forced); resolves once it is gone. */
  stop(): Promise<void> {
    this.#generation++;
    const handle = this.#handle;
    this.#handle = undefined;
    this.client = undefined;
    if (!handle) {
      this.state = "stopped";
      return this.#stopping ?? Promise.resolve();
    }
    this.state = "stopping";
    this.#stopping = handle
      .stop()
      .catch((err: Error) => this.#ctx.log.warn("runner stop failed", { runner: this.name, error: err.message }))
      .finally(() => {
        this.state = "stopped";
        this.#stopping = undefined;
      });
    return this.#stopping;
  }

  /**
   * Runs one job call on this runner under `signal`. A runner reached by URL that is found down (see
   * {@link ManagedRunner.restart}) also cuts the call, with a `RunnerConnectionError`: a runner that hangs, or a
   * network that drops its packets, closes no connection, and the call would wait for `runner-stall-timeout` or
   * `job-timeout`. A runner the orchestrator started needs nothing of this: stopping it closes its connections.
   * @example const answer = await runner.call(job.signal, (signal) => client.forward(path, body, { signal }));
   */
  async call<T>(signal: AbortSignal, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (!this.external) return run(signal);
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    const cut = (reason: Error) => controller.abort(reason);
    this.#calls.add(cut);
    try {
      return await run(controller.signal);
    } finally {
      this.#calls.delete(cut);
      signal.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Stops and starts again (after a failed health check or an `ERROR`). A runner reached by URL is only connected to
   * again: nothing of it is restarted, and the log says so; its calls in flight are cut first (see
   * {@link ManagedRunner.call}), so their jobs can be retried at once.
   */
  async restart(reason: string): Promise<void> {
    const msg = this.external ? "runner reached by URL is down; connecting again" : "restarting runner";
    this.#ctx.log.warn(msg, {
      runner: this.name,
      reason,
      ...(this.#calls.size ? { calls_cut: this.#calls.size } : {}),
    });
    if (this.#calls.size) {
      const cause = new Error(`it was found down (${reason}) while the call ran`);
      const path = `/${this.entry.pipeline}`;
      for (const cut of [...this.#calls]) cut(new RunnerConnectionError({ method: "POST", path, cause }));
    }
    await this.stop();
    await this.start();
  }

  /**
   * One watchdog check: `OK` resets the failure count; `ERROR` or a second failure in a row restarts the
   * runner — a first one too when `suspected` (a job's call just found no runner: that was the first). Returns what
   * it decided.
   */
  async checkHealth(suspected = false): Promise<"ok" | "failing" | "restart"> {
    const client = this.client;
    if (this.state !== "ready" || !client) return "ok";
    let status: string;
    try {
      status = (await client.health({ timeoutMs: 3000 })).status;
    } catch {
      status = "unreachable";
    }
    if (this.state !== "ready" || client !== this.client) return "ok";
    if (status === "OK") {
      this.#healthFailures = 0;
      return "ok";
    }
    this.#healthFailures++;
    if (status === "ERROR" || this.#healthFailures >= 2 || suspected) {
      void this.restart(`health check: ${status}`).catch(() => {});
      return "restart";
    }
    return "failing";
  }

  #exited(generation: number, exit: RunnerExit) {
    // An exit while starting is the start's failure, which its caller counts (once: not also as a death here).
    if (generation !== this.#generation || this.state === "starting") return;
    this.#generation++;
    this.#handle = undefined;
    this.client = undefined;
    this.state = "stopped";
    this.#ctx.log.error("runner exited", { runner: this.name, exit: describeExit(exit), output: exit.lastOutput });
    this.#ctx.onDied(this, exit);
  }
}

function describeExit(exit: RunnerExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

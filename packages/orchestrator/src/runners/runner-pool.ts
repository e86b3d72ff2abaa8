/**
 * @module The runners of every `aiModels.json` entry, grouped by capability (pipeline + model): device
 * assignment (GPUs, or the CPU), warm start at boot, cold start on demand with eviction of idle cold runners,
 * restart of dead warm runners with backoff, the health watchdog, and capacity leases for jobs. A runner that keeps
 * failing (at start, or soon after it became ready) waits out its backoff whoever asks for it: jobs get a 503 saying
 * when it is tried next instead of each starting (and loading a model) again, and `/info` leaves its slots out.
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "@ai-video-subnet/server-kit";
import { HttpError } from "@ai-video-subnet/server-kit";
import type { ModelEntry } from "../config/ai-models.js";
import { hideAddresses } from "../internal/hide-addresses.js";
import { ExternalLauncher } from "../launchers/external-launcher.js";
import type { Launcher, RunnerExit } from "../launchers/launcher.js";
import { checkWarmFit, Devices } from "./devices.js";
import { type Lease, leaseOf } from "./lease.js";
import { ManagedRunner, type RunnerContext } from "./managed-runner.js";
import { RunnerBackoff, reasonOf } from "./runner-backoff.js";

export type { Lease } from "./lease.js";

/** Options of a {@link RunnerPool}. */
export interface RunnerPoolOptions {
  entries: ModelEntry[];
  launcher: Launcher;
  modelsDir: string;
  /** GPU ids; empty → the CPU is the one device. */
  gpus: string[];
  /** Runners one device holds at once (the CPU counts as one device). */
  runnersPerGpu: number;
  startTimeoutMs: number;
  healthIntervalMs: number;
  /** Seconds a refused job is told to wait (`Retry-After`). */
  retryAfterSec: number;
  log: Logger;
  /** Where the entries came from, for messages (default `aiModels.json`). */
  source?: string;
}

/** One capability as advertised in `/info`. */
export interface CapabilityView {
  pipeline: string;
  model_id: string;
  warm: boolean;
  capacity: number;
  in_use: number;
  price: { price_per_unit: number; pixels_per_unit: number };
}

const RANK = { ready: 0, starting: 1, stopped: 2, stopping: 3 } as const;

/**
 * @example
 * const pool = new RunnerPool({ entries, launcher, modelsDir, gpus: [], runnersPerGpu: 2, ... });
 * await pool.prepare();
 * await pool.start();
 * const lease = await pool.acquire("upscale", "tiny/esrgan-x4");
 * try { await lease.runner.client!.upscale(body) } finally { lease.release() }
 */
export class RunnerPool {
  readonly runners: ManagedRunner[];
  readonly #groups = new Map<string, ManagedRunner[]>();
  readonly #devices: Devices;
  readonly #options: RunnerPoolOptions;
  readonly #externals = new Map<ManagedRunner, Launcher>();
  readonly #backoff = new RunnerBackoff();
  #watchdog: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: RunnerPoolOptions) {
    this.#options = options;
    const devices = options.gpus.length ? options.gpus : ["cpu"];
    this.#devices = new Devices(devices, options.runnersPerGpu);
    const seen = new Map<string, number>();
    this.runners = options.entries.map((entry) => {
      const base = `${entry.pipeline}.${entry.modelId.replace(/[^A-Za-z0-9_.-]+/g, "-")}`;
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      const external = entry.url !== undefined;
      const launcher = external ? new ExternalLauncher(entry.url!, entry.token) : options.launcher;
      const runner = new ManagedRunner(entry, `${base}.${n}`, this.#context(launcher));
      if (external) this.#externals.set(runner, launcher);
      const key = capabilityKey(entry.pipeline, entry.modelId);
      this.#groups.set(key, [...(this.#groups.get(key) ?? []), runner]);
      return runner;
    });
    const warm = checkWarmFit(this.runners, devices, options.runnersPerGpu, options.source ?? "aiModels.json");
    warm.forEach((runner, i) => {
      const device = devices[i % devices.length]!;
      this.#devices.place(runner, device);
    });
  }

  /** The launcher's checks and clean-up, before anything starts; none when every entry is reached by URL. */
  async prepare(): Promise<void> {
    if (this.runners.some((r) => !r.external)) await this.#options.launcher.cleanup?.(this.#options);
  }

  /** Starts warm and external runners (waiting until they are ready) and the watchdog; after {@link prepare}. */
  async start(): Promise<void> {
    const first = this.runners.filter((r) => r.entry.warm || r.external);
    const results = await Promise.allSettled(first.map((r) => r.start()));
    results.forEach((r, i) => {
      if (r.status === "rejected" && !first[i]!.external) this.#backoff.scheduleRestart(first[i]!, reasonOf(r.reason));
    });
    this.#watchdog = setInterval(() => void this.#tick(), this.#options.healthIntervalMs);
    this.#watchdog.unref();
  }

  /** True when an entry of the model list serves `modelId` for `pipeline`. */
  serves(pipeline: string, modelId: string): boolean {
    return this.#groups.has(capabilityKey(pipeline, modelId));
  }

  /**
   * Takes a job slot of a runner of `pipeline` + `modelId`, starting a cold runner when needed (the job waits up
   * to the start timeout). Throws HttpError 400 for a model not served here, 503 when every slot is taken.
   */
  async acquire(pipeline: string, modelId: string): Promise<Lease> {
    const group = this.#groups.get(capabilityKey(pipeline, modelId));
    if (!group) {
      const served = this.runners.filter((r) => r.entry.pipeline === pipeline).map((r) => r.entry.modelId);
      const list = served.length ? `: ${[...new Set(served)].join(", ")}` : ": none";
      throw new HttpError(400, `model_id ${JSON.stringify(modelId)} is not served for ${pipeline} here; served${list}`);
    }
    const runner = this.#pick(group);
    if (!runner) throw this.#unavailable(group, pipeline, modelId) ?? this.#busy();
    const lease = leaseOf(runner);
    if (runner.state === "ready") return lease;
    try {
      const evicting = runner.external || runner.device !== undefined ? undefined : this.#claimDevice(runner);
      if (evicting === null) throw this.#busy();
      await runner.start(evicting);
      if ((runner.state as string) !== "ready") throw new Error(`runner ${runner.name} stopped while starting`);
      return lease;
    } catch (err) {
      lease.release();
      if (!runner.entry.warm && !runner.external && runner.state === "stopped") this.#devices.free(runner);
      if (err instanceof HttpError) throw err;
      // Counted like a warm runner's failed restart, so the next jobs wait out the backoff instead of each starting
      // it again; once per start, however many jobs waited for it (the restart timer's own start counts itself).
      if (!runner.external && runner.state === "stopped") {
        if (runner.entry.warm) {
          if (!this.#backoff.restarting(runner)) this.#backoff.scheduleRestart(runner, reasonOf(err));
        } else if (!this.#backoff.waiting(runner, Date.now())) this.#backoff.failed(runner, reasonOf(err));
      }
      // The runner's address and the end of its output (paths of this host) stay in the log ("runner failed to
      // start"), out of the client's answer: its first line, as the jobs after it get in the backoff's message.
      throw new HttpError(
        503,
        `${pipeline} model ${JSON.stringify(modelId)} is not available: ${hideAddresses(reasonOf(err))}`,
        {
          cause: err,
          headers: { "Retry-After": String(this.#options.retryAfterSec) },
        },
      );
    }
  }

  /**
   * Another ready runner of the same capability with a free slot, for retrying a job whose runner died; null
   * when there is none.
   */
  leaseAnother(failed: ManagedRunner): Lease | null {
    const group = this.#groups.get(capabilityKey(failed.entry.pipeline, failed.entry.modelId)) ?? [];
    const runner = group.find((r) => r !== failed && r.state === "ready" && r.slots.free > 0);
    if (!runner?.slots.tryTake()) return null;
    return leaseOf(runner);
  }

  /** Seconds between health checks of each runner, at least 1 (`Retry-After` for a runner reached by URL and down). */
  get healthCheckSeconds(): number {
    return Math.max(1, Math.ceil(this.#options.healthIntervalMs / 1000));
  }

  /** True while `runner` is stopped and waiting out the backoff of its last failure (no job starts it meanwhile). */
  inBackoff(runner: ManagedRunner): boolean {
    return this.#backoff.waiting(runner, Date.now());
  }

  /** A runner's call failed without an answer: check its health now instead of at the next tick. */
  suspect(runner: ManagedRunner): void {
    void runner.checkHealth(true);
  }

  /**
   * Every capability, current. A runner waiting out a failure backoff adds no capacity, nor does a cold runner that
   * could not get a device now (each held by warm runners or runners with jobs), nor an external runner that is not
   * ready (jobs never wait for one): a broadcaster reading `/info` sends its jobs elsewhere instead of into a 503.
   */
  capabilities(): CapabilityView[] {
    const now = Date.now();
    const room = this.#devices.hasRoom();
    const offered = (r: ManagedRunner) =>
      r.external ? r.state === "ready" : !this.#backoff.waiting(r, now) && (room || !this.#needsDevice(r));
    return [...this.#groups.values()].map((group) => {
      const e = group[0]!.entry;
      return {
        pipeline: e.pipeline,
        model_id: e.modelId,
        warm: group.some((r) => r.state === "ready"),
        capacity: group.reduce((n, r) => n + (offered(r) ? r.slots.capacity : 0), 0),
        in_use: group.reduce((n, r) => n + r.slots.inUse, 0),
        price: { price_per_unit: e.pricePerUnit, pixels_per_unit: e.pixelsPerUnit },
      };
    });
  }

  /** Stops the watchdog and every runner; resolves once all are gone. */
  async stop(): Promise<void> {
    this.#closed = true;
    if (this.#watchdog) clearInterval(this.#watchdog);
    this.#backoff.close();
    await Promise.all(this.runners.map((r) => r.stop()));
    await this.#options.launcher.close?.();
  }

  #pick(group: ManagedRunner[]): ManagedRunner | undefined {
    const now = Date.now();
    const free = group.filter((r) => r.slots.free > 0 && r.state !== "stopping" && !this.#backoff.waiting(r, now));
    free.sort((a, b) => RANK[a.state] - RANK[b.state] || b.slots.free - a.slots.free);
    for (const runner of free) {
      // An external runner that is down comes back through the watchdog, not by making a job wait for it.
      if (runner.external && runner.state !== "ready") continue;
      if (this.#needsDevice(runner) && !this.#devices.hasRoom()) continue;
      if (runner.slots.tryTake()) return runner;
    }
    return undefined;
  }

  /** True for a stopped runner that must be given a device (a free slot, or an evicted one's) before it can start. */
  #needsDevice(runner: ManagedRunner): boolean {
    return runner.state === "stopped" && !runner.external && runner.device === undefined;
  }

  /**
   * The 503 for a capability whose every runner is waiting out a failure backoff, with the last failure and the wait
   * until the next start in `Retry-After`, or is reached by URL and down; undefined otherwise (it is just busy).
   */
  #unavailable(group: ManagedRunner[], pipeline: string, modelId: string): HttpError | undefined {
    if (group.every((r) => r.external && r.state !== "ready")) {
      // Reached by URL and not ready (down, or serving another model): the watchdog looks again at its next check.
      const seconds = this.healthCheckSeconds;
      const why = group.find((r) => r.lastFailure)?.lastFailure;
      return new HttpError(
        503,
        `${pipeline} model ${JSON.stringify(modelId)} is not available: ${why ? hideAddresses(reasonOf(why)) : "its runner does not answer"}; it is checked again within ${seconds} s`,
        { headers: { "Retry-After": String(seconds) } },
      );
    }
    const now = Date.now();
    if (!group.every((r) => this.#backoff.waiting(r, now))) return undefined;
    const next = group.reduce((a, r) =>
      this.#backoff.failure(r)!.notBefore < this.#backoff.failure(a)!.notBefore ? r : a,
    );
    const { notBefore, reason } = this.#backoff.failure(next)!;
    const seconds = Math.max(1, Math.ceil((notBefore - now) / 1000));
    return new HttpError(
      503,
      `${pipeline} model ${JSON.stringify(modelId)} is not available: its runner failed (${hideAddresses(reason)}); it is started again in ${seconds} s`,
      { headers: { "Retry-After": String(seconds) } },
    );
  }

  #busy(): HttpError {
    return new HttpError(503, "insufficient capacity", {
      headers: { "Retry-After": String(this.#options.retryAfterSec) },
    });
  }

  /**
   * Gives `runner` a device, evicting an idle cold runner when none is free: undefined when a slot was free, the
   * evicted runner's stop (settles when it is gone) otherwise, null when every device is busy.
   */
  #claimDevice(runner: ManagedRunner): Promise<void> | undefined | null {
    const claim = this.#devices.claim(runner);
    if (!claim) return null;
    if (!claim.victim) return undefined;
    this.#options.log.info("evicting idle runner", {
      runner: claim.victim.name,
      for: runner.name,
      device: runner.device,
    });
    return claim.victim.stop();
  }

  #context(launcher: Launcher): RunnerContext {
    const o = this.#options;
    return {
      launcher,
      modelsDir: o.modelsDir,
      startTimeoutMs: o.startTimeoutMs,
      log: o.log,
      newToken: () => randomBytes(24).toString("base64url"),
      onDied: (runner, exit) => this.#died(runner, exit),
    };
  }

  #died(runner: ManagedRunner, exit: RunnerExit) {
    if (this.#closed) return;
    const reason = `exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}`;
    if (runner.entry.warm) this.#backoff.scheduleRestart(runner, reason);
    else {
      this.#backoff.failed(runner, reason);
      if (runner.slots.inUse === 0) this.#devices.free(runner);
    }
  }

  async #tick() {
    if (this.#closed) return;
    await Promise.all(
      this.runners.map(async (r) => {
        if (r.state === "ready") await r.checkHealth();
        else if (r.external && r.state === "stopped") await r.start().catch(() => {});
        // A warm runner whose restart after a failed health check did not succeed.
        else if (r.entry.warm && r.state === "stopped" && !this.#backoff.restarting(r)) {
          this.#backoff.scheduleRestart(r, "its restart after a failed health check did not succeed");
        }
      }),
    );
  }
}

function capabilityKey(pipeline: string, modelId: string): string {
  return `${pipeline}\u0000${modelId}`;
}

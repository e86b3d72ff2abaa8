/**
 * @module The set of orchestrators this broadcaster knows: merged from the static list, the orchestrators file and
 * the discovery URL, each polled for `/info` so capabilities, warmth, free capacity and price stay current.
 */

import { deadline, isBearerToken, type Logger } from "@ai-video-subnet/server-kit";
import { boundedText } from "../jobs/upstream.js";
import type { OrchestratorEndpoint } from "../options.js";
import { CapacityQueue } from "./capacity-queue.js";
import { checkInfo } from "./info-check.js";
import { Orchestrator } from "./orchestrator.js";
import {
  ANSWER_BYTES,
  BadOrchestratorEntry,
  CredentialsInAddress,
  discover,
  endpoint,
  hasCredentials,
  OrchestratorsFile,
  UnsendableSecret,
} from "./sources.js";

/** Settings of a registry. */
export interface RegistryOptions {
  orchestrators: OrchestratorEndpoint[];
  orchestratorSecret?: string;
  orchestratorsFile?: string;
  discoveryUrl?: string;
  discoveryIntervalMs: number;
  infoIntervalMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  logger: Logger;
}

/**
 * Least time between two `/info` polls of an orchestrator asked for by waiting jobs (see
 * {@link OrchestratorRegistry.probe}), ms.
 */
export const PROBE_MS = 1000;

/** What the registry can reach (see {@link OrchestratorRegistry.readiness}). */
export type Readiness =
  | { ready: true; orchestrators: number; reachable: number; capabilities: number }
  | { ready: false; reason: string };

/**
 * Known orchestrators, kept current by timers between {@link OrchestratorRegistry.start} and `stop`.
 * @example
 * const registry = new OrchestratorRegistry({ orchestrators: [{ url }], ...timers, logger });
 * await registry.start(); registry.list(); registry.stop();
 */
/**
 * How long one `/info` poll may take before the orchestrator counts as unreachable, ms: the poll interval, within
 * 2–5 s. Unreachable fails a synchronous job at once, so the floor is what a healthy orchestrator may take to answer
 * while its runners keep the host's cores busy (or this gateway's event loop is held up): at 0.5 s a loaded machine
 * took its orchestrators for gone and answered 503 "none of 2 orchestrator(s) is reachable". A dead one is still seen
 * at once (its connection is refused); a hung one within the floor.
 * @example infoDeadlineMs(200) // 2000
 */
export function infoDeadlineMs(intervalMs: number): number {
  return Math.min(5000, Math.max(2000, intervalMs));
}

export class OrchestratorRegistry {
  readonly #o: RegistryOptions;
  /**
   * Jobs waiting for capacity: woken when a poll answers or the orchestrators change here, and by dispatch when a job
   * of this broadcaster ends.
   */
  readonly waiting = new CapacityQueue();
  readonly #byUrl = new Map<string, Orchestrator>();
  readonly #file: OrchestratorsFile | undefined;
  #discovered: OrchestratorEndpoint[] = [];
  #timers: NodeJS.Timeout[] = [];
  #polling = new Map<string, Promise<void>>();
  #stopped = new AbortController();

  constructor(options: RegistryOptions) {
    for (const e of options.orchestrators) {
      if (hasCredentials(e.url)) throw new CredentialsInAddress("orchestrator", e.url);
      endpoint(e.url, e.secret, `orchestrator ${e.url}`);
    }
    if (options.orchestratorSecret !== undefined && !isBearerToken(options.orchestratorSecret)) {
      throw new UnsendableSecret("orchestrator-secret");
    }
    this.#o = options;
    this.#file = options.orchestratorsFile ? new OrchestratorsFile(options.orchestratorsFile) : undefined;
    this.#merge([]);
  }

  /** Every known orchestrator. */
  list(): Orchestrator[] {
    return [...this.#byUrl.values()];
  }

  /**
   * Whether any orchestrator capacity is reachable: at least one orchestrator answered its last `/info` poll and
   * advertises a capability. When not, the reason says which of those is missing.
   * @example registry.readiness() // { ready: false, reason: "no orchestrators are configured" }
   */
  readiness(): Readiness {
    const all = this.list();
    const reachable = all.filter((o) => o.reachable);
    const capabilities = new Set(
      reachable.flatMap((o) => o.info!.capabilities.map((c) => `${c.pipeline}/${c.model_id}`)),
    );
    if (capabilities.size > 0) {
      return { ready: true, orchestrators: all.length, reachable: reachable.length, capabilities: capabilities.size };
    }
    if (all.length === 0) {
      const sources = this.#file || this.#o.discoveryUrl ? " (the orchestrators file and discovery list none)" : "";
      return { ready: false, reason: `no orchestrators are configured${sources}` };
    }
    if (reachable.length === 0) {
      // No error text: /ready is public, and an error names addresses. The `orchestrator unreachable` lines have it.
      const polled = all.some((o) => o.failedPolls > 0 || o.info !== undefined);
      return {
        ready: false,
        reason: polled
          ? `none of ${all.length} orchestrator(s) answers /info (see the orchestrator unreachable log lines)`
          : `none of ${all.length} orchestrator(s) has been polled yet`,
      };
    }
    return { ready: false, reason: `none of ${reachable.length} reachable orchestrator(s) advertises a capability` };
  }

  /** Reads the sources and polls every orchestrator once, then keeps doing so on timers. */
  async start(): Promise<void> {
    // An address with a password or a secret no header can carry in the orchestrators file is a mistake in the
    // operator's setup: refused at start. Later edits are reported and the last good list kept, as for any unreadable
    // file.
    await this.#file?.read().catch((err: unknown) => {
      if (err instanceof BadOrchestratorEntry) throw err;
    });
    await this.refreshSources();
    await this.pollAll();
    const state = this.readiness();
    if (!state.ready) {
      this.#o.logger.warn("no orchestrator capacity is reachable; every job gets 503 until one is", {
        reason: state.reason,
      });
    }
    this.#timers.push(setInterval(() => void this.pollAll(), this.#o.infoIntervalMs).unref());
    if (this.#file || this.#o.discoveryUrl) {
      const every = this.#file && !this.#o.discoveryUrl ? Math.min(1000, this.#o.discoveryIntervalMs) : undefined;
      this.#timers.push(
        // Only orchestrators new to the list are polled at once; the others keep the `info-interval-ms` rhythm (a
        // file is looked at every second, and polling all after each look polled every one once a second).
        setInterval(
          () => void this.refreshSources().then((added) => Promise.all(added.map((o) => this.poll(o)))),
          every ?? this.#o.discoveryIntervalMs,
        ).unref(),
      );
    }
  }

  /** Stops the timers and in-flight polls. */
  stop(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    this.#stopped.abort();
  }

  /** Re-reads the orchestrators file (when it changed) and the discovery URL; resolves with the orchestrators added. */
  async refreshSources(): Promise<Orchestrator[]> {
    let fromFile: OrchestratorEndpoint[] = [];
    if (this.#file) {
      try {
        fromFile = await this.#file.read();
      } catch (err) {
        this.#o.logger.warn("orchestrators file unreadable", { error: (err as Error).message });
        fromFile = this.#file.last;
      }
    }
    if (this.#o.discoveryUrl) {
      const limit = deadline(5000, this.#stopped.signal);
      try {
        this.#discovered = await discover(this.#o.discoveryUrl, limit.signal, (address, why) =>
          this.#o.logger.warn(
            why === "credentials"
              ? "discovery entry ignored: its address holds a user name or password"
              : "discovery entry ignored: its secret cannot be a bearer token",
            { address },
          ),
        );
      } catch (err) {
        this.#o.logger.warn("discovery failed; keeping the last list", { error: (err as Error).message });
      } finally {
        limit.clear();
      }
    }
    return this.#merge(fromFile);
  }

  #merge(fromFile: OrchestratorEndpoint[]): Orchestrator[] {
    const wanted = new Map<string, string | undefined>();
    const add = (e: OrchestratorEndpoint) => {
      const url = e.url.replace(/\/+$/, "");
      if (!wanted.has(url) || e.secret !== undefined) wanted.set(url, e.secret ?? this.#o.orchestratorSecret);
    };
    for (const e of this.#discovered) add(e);
    for (const e of fromFile) add(e);
    for (const e of this.#o.orchestrators) add(e);
    let changed = false;
    const added: Orchestrator[] = [];
    for (const url of this.#byUrl.keys()) {
      if (!wanted.has(url)) {
        this.#byUrl.delete(url);
        changed = true;
        this.#o.logger.info("orchestrator removed", { orchestrator: url });
      }
    }
    for (const [url, secret] of wanted) {
      const known = this.#byUrl.get(url);
      if (known) known.secret = secret;
      else {
        const o = new Orchestrator(url, secret, { baseMs: this.#o.backoffBaseMs, maxMs: this.#o.backoffMaxMs });
        this.#byUrl.set(url, o);
        added.push(o);
        changed = true;
        this.#o.logger.info("orchestrator added", { orchestrator: url });
      }
    }
    if (changed) this.waiting.wake();
    return added;
  }

  /** Polls every orchestrator's `/info` once (a poll already under way is joined, not repeated). */
  async pollAll(): Promise<void> {
    await Promise.all(this.list().map((o) => this.poll(o)));
  }

  /** Polls one orchestrator's `/info`. */
  poll(o: Orchestrator): Promise<void> {
    const running = this.#polling.get(o.url);
    if (running) return running;
    const p = this.#pollOnce(o).finally(() => this.#polling.delete(o.url));
    this.#polling.set(o.url, p);
    return p;
  }

  /** How often every orchestrator's `/info` is read, ms (`info-interval-ms`). */
  get infoIntervalMs(): number {
    return this.#o.infoIntervalMs;
  }

  /**
   * For a job waiting on `o`, full by what this broadcaster knows: polls its `/info` when the last poll started
   * {@link PROBE_MS} or more ago (waiting jobs are woken when it answers). Returns the ms until it may be polled
   * again. Every job waiting on it shares the poll, so however many wait, `o` answers one `/info` a second rather
   * than a busy job request per job. Once the registry is stopped nothing is polled (waiting jobs are still woken
   * when a job of this broadcaster ends).
   */
  probe(o: Orchestrator, now: number): number {
    if (this.#stopped.signal.aborted) return PROBE_MS;
    const due = o.polledAt + PROBE_MS - now;
    if (due > 0) return due;
    void this.poll(o);
    return PROBE_MS;
  }

  async #pollOnce(o: Orchestrator): Promise<void> {
    o.polledAt = Date.now();
    const limit = deadline(infoDeadlineMs(this.#o.infoIntervalMs), this.#stopped.signal);
    try {
      const res = await fetch(`${o.url}/info`, { signal: limit.signal, headers: { accept: "application/json" } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const { info, dropped } = checkInfo(JSON.parse(await boundedText(res, ANSWER_BYTES)));
      const faults = dropped.join("; ");
      if (faults !== o.infoFaults) {
        // Once per orchestrator and kind of fault, not once per poll.
        if (faults)
          this.#o.logger.warn("orchestrator /info has malformed capabilities; they are ignored", {
            orchestrator: o.url,
            dropped,
          });
        o.infoFaults = faults;
      }
      const wasDown = o.infoError !== undefined;
      if (wasDown && o.info !== undefined) o.cameBack();
      o.info = info;
      o.infoError = undefined;
      o.failedPolls = 0;
      if (wasDown) {
        this.#o.logger.info("orchestrator reachable", {
          orchestrator: o.url,
          capabilities: info.capabilities.map((c) => `${c.pipeline}/${c.model_id}`),
        });
      }
    } catch (err) {
      const reason =
        err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      o.failedPolls += 1;
      this.#o.logger.warn("orchestrator unreachable", {
        orchestrator: o.url,
        error: reason,
        failed_polls: o.failedPolls,
      });
      // What /ready may tell clients: an error code or our own message, never the address in a cause's message.
      const code = err instanceof Error ? (err.cause as { code?: unknown } | undefined)?.code : undefined;
      o.infoError =
        typeof code === "string"
          ? code
          : err instanceof Error && !(err.cause instanceof Error)
            ? err.message
            : "connection failed";
    } finally {
      limit.clear();
      this.waiting.wake();
    }
  }
}

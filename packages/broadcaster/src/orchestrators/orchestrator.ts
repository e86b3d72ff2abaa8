/** @module What the broadcaster knows about one orchestrator: its last `/info`, hold-back, measurements, jobs in flight. */
import type { components } from "../generated/orchestrator.js";
import { Backoff } from "./backoff.js";
import { CapabilityStats } from "./stats.js";

/** An orchestrator's `GET /info` body. */
export type OrchestratorInfo = components["schemas"]["OrchestratorInfo"];
/** One capability of an orchestrator. */
export type Capability = components["schemas"]["Capability"];

/** The key of a capability: `pipeline/model_id`. */
export function capabilityKey(pipeline: string, modelId: string): string {
  return `${pipeline}/${modelId}`;
}

/**
 * One known orchestrator.
 * @example const o = new Orchestrator("http://127.0.0.1:8935", "secret", { baseMs: 1000, maxMs: 120000 });
 */
export class Orchestrator {
  readonly url: string;
  /** Scheme, host and port of {@link Orchestrator.url} (`http://10.0.0.5:8935`): an output URL on it is its own. */
  readonly origin: string;
  secret: string | undefined;
  #info: OrchestratorInfo | undefined;
  /** When its last `/info` poll started (epoch ms; 0 before the first). */
  polledAt = 0;
  /** Why the last `/info` poll failed; undefined when it succeeded. */
  infoError: string | undefined = "not polled yet";
  /** What was dropped of its last `/info` as malformed (see `info-check.ts`), joined; empty when nothing was. */
  infoFaults = "";
  /** `/info` polls that failed in a row (0 after one that answered, and before the first poll). */
  failedPolls = 0;
  /** Hold-back of the whole orchestrator (it could not be reached, timed out, refused our secret). */
  readonly backoff: Backoff;
  readonly #backoffSettings: { baseMs: number; maxMs: number };
  /** Hold-back per capability (one pipeline and model failed there, e.g. a 5xx): the others stay eligible. */
  readonly #capabilityBackoff = new Map<string, Backoff>();
  readonly #stats = new Map<string, CapabilityStats>();
  readonly #inFlight = new Map<string, number>();
  /**
   * Slots of each pipeline and model here taken by others than this broadcaster (other gateways, direct callers), as
   * last learned: the advertised `in_use` beyond this broadcaster's own jobs in flight when `/info` was read, or every
   * slot but ours after a busy answer ({@link Orchestrator.refused}).
   */
  readonly #others = new Map<string, number>();

  constructor(url: string, secret: string | undefined, backoff: { baseMs: number; maxMs: number }) {
    this.url = url.replace(/\/+$/, "");
    this.origin = URL.canParse(this.url) ? new URL(this.url).origin : this.url;
    this.secret = secret;
    this.backoff = new Backoff(backoff.baseMs, backoff.maxMs);
    this.#backoffSettings = backoff;
  }

  /** The hold-back of one pipeline and model here (created at its first failure). */
  capabilityBackoff(pipeline: string, modelId: string): Backoff {
    const key = capabilityKey(pipeline, modelId);
    let b = this.#capabilityBackoff.get(key);
    if (!b) {
      b = new Backoff(this.#backoffSettings.baseMs, this.#backoffSettings.maxMs);
      this.#capabilityBackoff.set(key, b);
    }
    return b;
  }

  /**
   * Records a job of this pipeline and model that succeeded here: both hold-backs end and their failure levels decay
   * (a pipeline and model that never failed here gets no hold-back of its own).
   */
  succeeded(pipeline: string, modelId: string): void {
    this.backoff.succeed();
    this.#capabilityBackoff.get(capabilityKey(pipeline, modelId))?.succeed();
  }

  /**
   * Every pipeline and model that has a hold-back of its own here, and whether it holds at `now`.
   * @example o.capabilityHolds(Date.now()) // [{ pipeline: "upscale", modelId: "tiny/esrgan-x4", held: true }]
   */
  capabilityHolds(now: number): Array<{ pipeline: string; modelId: string; held: boolean }> {
    return [...this.#capabilityBackoff].map(([key, b]) => {
      const slash = key.indexOf("/");
      return { pipeline: key.slice(0, slash), modelId: key.slice(slash + 1), held: b.heldBack(now) };
    });
  }

  /** Until when (epoch ms) this pipeline and model get no new jobs here: the later of both hold-backs. */
  heldUntil(pipeline: string, modelId: string): number {
    return Math.max(this.backoff.until, this.#capabilityBackoff.get(capabilityKey(pipeline, modelId))?.until ?? 0);
  }

  /** The last `/info` that was read, if any. */
  get info(): OrchestratorInfo | undefined {
    return this.#info;
  }

  /** Records an `/info` answer: what each capability's `in_use` says about others' jobs is read against ours now. */
  set info(info: OrchestratorInfo | undefined) {
    this.#info = info;
    this.#others.clear();
    for (const c of info?.capabilities ?? []) {
      this.#others.set(
        capabilityKey(c.pipeline, c.model_id),
        Math.max(0, c.in_use - this.inFlight(c.pipeline, c.model_id)),
      );
    }
  }

  /** Reachable: its last `/info` poll succeeded. */
  get reachable(): boolean {
    return this.info !== undefined && this.infoError === undefined;
  }

  /** The capability for this pipeline and model, if offered. */
  capability(pipeline: string, modelId: string): Capability | undefined {
    return this.info?.capabilities.find((c) => c.pipeline === pipeline && c.model_id === modelId);
  }

  /**
   * Free slots: capacity minus this broadcaster's own jobs in flight and the slots others take (see
   * {@link Orchestrator.refused}). Our own jobs are counted as they start and end, so a slot one of ours frees is
   * free at once, not at the next `/info`.
   */
  free(cap: Capability): number {
    const others = this.#others.get(capabilityKey(cap.pipeline, cap.model_id)) ?? cap.in_use;
    return Math.max(0, cap.capacity - others - this.inFlight(cap.pipeline, cap.model_id));
  }

  /**
   * Records a busy answer for this pipeline and model: every slot not running a job of ours is taken, until one of
   * ours ends or the next `/info` says otherwise.
   */
  refused(pipeline: string, modelId: string): void {
    const cap = this.capability(pipeline, modelId);
    if (!cap) return;
    const key = capabilityKey(pipeline, modelId);
    this.#others.set(key, Math.max(this.#others.get(key) ?? 0, cap.capacity - this.inFlight(pipeline, modelId)));
  }

  /** This broadcaster's jobs in flight on this orchestrator for a pipeline and model. */
  inFlight(pipeline: string, modelId: string): number {
    return this.#inFlight.get(capabilityKey(pipeline, modelId)) ?? 0;
  }

  /** Measurements for a pipeline and model (created on first use). */
  stats(pipeline: string, modelId: string): CapabilityStats {
    const key = capabilityKey(pipeline, modelId);
    let s = this.#stats.get(key);
    if (!s) {
      s = new CapabilityStats();
      this.#stats.set(key, s);
    }
    return s;
  }

  /**
   * Starts over after being unreachable: an orchestrator whose `/info` answers again is most likely a restarted
   * process, so it is measured afresh (tried as a new one) and its hold-back ends, rather than being judged by
   * the jobs that failed while it was down. One that answers `/info` but keeps failing jobs is never unreachable,
   * so its backoff keeps growing.
   */
  cameBack(): void {
    this.#stats.clear();
    this.#capabilityBackoff.clear();
    this.backoff.reset();
  }

  /** Counts a job of this broadcaster in flight; returns the function that ends it. */
  begin(pipeline: string, modelId: string): () => void {
    const key = capabilityKey(pipeline, modelId);
    this.#inFlight.set(key, (this.#inFlight.get(key) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#inFlight.set(key, (this.#inFlight.get(key) ?? 1) - 1);
    };
  }
}

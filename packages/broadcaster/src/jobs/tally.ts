/**
 * @module What happened to one job's attempts: what limits them, what its 503 tells the client and the log, and
 * whether the job itself is the likelier cause of its failures (the same 5xx answer from every orchestrator it
 * failed on), in which case the holds it placed are taken back: one client's poisoned input must not take a model
 * off the network for everybody else.
 */
import type { Backoff, Hold } from "../orchestrators/backoff.js";
import type { CapabilityStats } from "../orchestrators/stats.js";

/** A failure that held back the job's pipeline and model on one orchestrator (a 5xx answer), and what it changed there. */
export interface CapabilityFailure {
  backoff: Backoff;
  hold: Hold;
  stats: CapabilityStats;
}

/** A 5xx answer's reason, as the attempt gives it (`HTTP 500: <message>`). */
const SERVER_ERROR = /^HTTP 5\d\d:/;

/** What happened to one job's attempts. */
export class Tally {
  /** Requests sent to orchestrators, busy ones included: numbers the attempts. */
  sent = 0;
  /** Attempts that failed: what `max-attempts` counts (a busy answer is not one). */
  failures = 0;
  /** Everything, orchestrator addresses included, for the log. */
  readonly reasons: string[] = [];
  /** The same without addresses or internals, for the client. */
  readonly told: string[] = [];
  /** Failures that were answers refused for what they hold (see `BadAnswer`), while no busy answer came. */
  #bad = 0;
  #anyBusy = false;
  /** Busy answers by orchestrator: how many, and the last one's reason. */
  #busy: Map<string, { n: number; reason: string }> | undefined;
  /** The failures that were 5xx answers, while every failure so far was one; undefined once another kind came. */
  #answered: Array<{ url: string; reason: string; placed: CapabilityFailure }> | undefined = [];

  /** Records a busy answer (summed up, not listed: a job that waits long may get many). */
  busy(url: string, reason: string): void {
    this.#anyBusy = true;
    this.#busy ??= new Map();
    const b = this.#busy.get(url);
    if (b) {
      b.n += 1;
      b.reason = reason;
    } else this.#busy.set(url, { n: 1, reason });
  }

  /**
   * Records attempt `n`'s failure on `url`; `placed` is what it changed there when the orchestrator answered with a
   * 5xx (which held back the job's pipeline and model there), undefined for any other failure.
   */
  failed(n: number, url: string, reason: string, placed?: CapabilityFailure, bad?: boolean): void {
    this.failures += 1;
    if (bad) this.#bad += 1;
    this.reasons.push(`${url} failed (${reason})`);
    this.told.push(`attempt ${n} failed (${publicReason(reason)})`);
    if (placed && SERVER_ERROR.test(reason)) this.#answered?.push({ url, reason, placed });
    else this.#answered = undefined;
  }

  /**
   * When every failure of the job was the same 5xx answer (status and message), from two orchestrators or more:
   * how many, and that answer. Orchestrators that fail one input alike, each on its own runner, point at the input;
   * two broken the same way at once are the rarer case.
   * @example tally.sameEverywhere() // { orchestrators: 2, reason: "HTTP 500: x264 failed" }
   */
  sameEverywhere(): { orchestrators: number; reason: string } | undefined {
    const answered = this.#answered;
    if (!answered || answered.length < 2 || answered.length !== this.failures) return undefined;
    const reason = answered[0]!.reason;
    if (answered.some((a) => a.reason !== reason)) return undefined;
    const orchestrators = new Set(answered.map((a) => a.url)).size;
    return orchestrators >= 2 ? { orchestrators, reason } : undefined;
  }

  /**
   * Whether every failure of the job was a refused answer (`bad`), and no orchestrator was busy: the orchestrators
   * answered, wrongly, so the client gets a 502 rather than the 503 of a shortage.
   */
  onlyBadAnswers(): boolean {
    return this.failures > 0 && this.#bad === this.failures && !this.#anyBusy;
  }

  /** Takes back what the job's 5xx answers changed: their holds, and their weight in the success rates. */
  withdraw(): void {
    for (const { placed } of this.#answered ?? []) {
      placed.backoff.withdraw(placed.hold);
      placed.stats.withdrawFailure();
    }
    this.#answered = undefined;
  }

  /** Adds the reason the job ends with, after a summary of the busy answers it got (the first time). */
  end(reason: string): void {
    if (this.#busy) {
      let n = 0;
      const kinds = new Set<string>();
      for (const [url, b] of this.#busy) {
        n += b.n;
        kinds.add(publicReason(b.reason));
        this.reasons.push(`${url} busy ${b.n}× (last: ${b.reason})`);
      }
      this.told.push(`${n} busy answer${n === 1 ? "" : "s"} (${[...kinds].join(", ")})`);
      this.#busy = undefined;
    }
    this.reasons.push(reason);
    this.told.push(reason);
  }
}

/** The kind of an attempt's failure without its details: `HTTP 500: ...` → `HTTP 500`. */
export function publicReason(reason: string): string {
  return reason.split(":")[0]!.trim();
}

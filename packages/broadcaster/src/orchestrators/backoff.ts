/**
 * @module Holding back a failing orchestrator: exponential in consecutive failures, capped, and decaying after
 * successes — an orchestrator that fails once is back within seconds, one that keeps failing is held for minutes.
 */

/** One failure's hold-back: how long, until when (epoch ms), and the hold it replaced. */
export interface Hold {
  readonly ms: number;
  readonly until: number;
  readonly before: number;
}

/** Hold-back state of one orchestrator. */
export class Backoff {
  #failures = 0;
  #until = 0;
  readonly #baseMs: number;
  readonly #maxMs: number;

  /** @example new Backoff(1000, 120_000) */
  constructor(baseMs: number, maxMs: number) {
    this.#baseMs = baseMs;
    this.#maxMs = maxMs;
  }

  /** Consecutive failure level (decremented by each success). */
  get failures(): number {
    return this.#failures;
  }

  /** Until when (epoch ms) this orchestrator gets no new jobs. */
  get until(): number {
    return this.#until;
  }

  /**
   * Records a failure: held back for base × 2^(level − 1), capped at the maximum. Returns the hold, which
   * {@link withdraw} can take back.
   * @example b.fail(Date.now()).ms // 1000, then 2000, 4000, …
   */
  fail(now: number): Hold {
    this.#failures += 1;
    const ms = Math.min(this.#maxMs, this.#baseMs * 2 ** (this.#failures - 1));
    const before = this.#until;
    this.#until = now + ms;
    return { ms, until: this.#until, before };
  }

  /**
   * Records a hang (an answer that stopped coming): as {@link fail}, but three levels up at once, so an orchestrator
   * that keeps hanging is soon held back for `maxMs` rather than costing a client a wait after each short hold.
   * @example b.stalled(Date.now()).ms // 4000, then 32 000, then the maximum
   */
  stalled(now: number): Hold {
    this.#failures += 2;
    return this.fail(now);
  }

  /**
   * Takes back a failure {@link fail} recorded (the job, not the orchestrator, was found to be its cause): the
   * level drops by one, and the hold ends unless something since set another.
   */
  withdraw(hold: Hold): void {
    this.#failures = Math.max(0, this.#failures - 1);
    if (this.#until === hold.until) this.#until = hold.before;
  }

  /** Holds back for `ms` without raising the failure level (the orchestrator said it is busy). */
  busy(now: number, ms: number): void {
    this.#until = Math.max(this.#until, now + Math.min(ms, this.#maxMs));
  }

  /** Records a success: the failure level decays by one and any hold-back ends. */
  succeed(): void {
    this.#failures = Math.max(0, this.#failures - 1);
    this.#until = 0;
  }

  /** Forgets every failure and ends any hold-back (the orchestrator was seen to come back). */
  reset(): void {
    this.#failures = 0;
    this.#until = 0;
  }

  /** Whether the orchestrator is held back at `now`. */
  heldBack(now: number): boolean {
    return now < this.#until;
  }
}

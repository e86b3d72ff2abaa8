/**
 * @module Holding back a failing orchestrator: exponential in consecutive failures, capped, and decaying after
 * successes — an orchestrator that fails once is back within seconds, one that keeps failing is held for minutes.
 */

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
   * Records a failure: held back for base × 2^(level − 1), capped at the maximum. Returns the hold-back in ms.
   * @example b.fail(Date.now()) // 1000, then 2000, 4000, …
   */
  fail(now: number): number {
    this.#failures += 1;
    const ms = Math.min(this.#maxMs, this.#baseMs * 2 ** (this.#failures - 1));
    this.#until = now + ms;
    return ms;
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

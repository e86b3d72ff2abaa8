/**
 * @module Measured performance of one orchestrator for one pipeline and model: latency per unit of work
 * (ms per pixel × step) and recent success rate, both as exponentially weighted moving averages.
 */

/** Weight of the newest sample (the last ~10 samples dominate). */
const ALPHA = 0.2;
/** A latency sample counts at most this factor away from the running average (one stall is not a trend). */
const CLAMP = 3;
/**
 * Successes before the latency average is trusted for ranking. The first jobs pay connection set-up and the
 * runner's first-inference warm-up, so the average starts from the fastest of these, not from the first.
 */
export const MIN_SAMPLES = 2;

/** Running averages for one (orchestrator, pipeline, model). */
export class CapabilityStats {
  /** ms per unit of work; undefined until the first success. */
  msPerUnit: number | undefined;
  /** Fraction of recent attempts that succeeded, starting optimistic at 1. */
  successRate = 1;
  samples = 0;
  /** Successful attempts measured. */
  successes = 0;

  /**
   * Records a successful attempt of `units` pixel-steps that took `ms`.
   * @example s.success(120, 512 * 512 * 4)
   */
  success(ms: number, units: number): void {
    const perUnit = ms / Math.max(1, units);
    const avg = this.msPerUnit;
    if (avg === undefined || this.successes < MIN_SAMPLES) {
      // Warm-up: keep the fastest sample, so one cold start does not rank the orchestrator as slow.
      this.msPerUnit = avg === undefined ? perUnit : Math.min(avg, perUnit);
    } else {
      this.msPerUnit = avg + ALPHA * (Math.min(avg * CLAMP, Math.max(avg / CLAMP, perUnit)) - avg);
    }
    this.successes += 1;
    this.successRate += ALPHA * (1 - this.successRate);
    this.samples += 1;
  }

  /** Whether enough successes were measured to rank by latency. */
  get measured(): boolean {
    return this.successes >= MIN_SAMPLES && this.msPerUnit !== undefined;
  }

  /** Records a failed attempt. */
  failure(): void {
    this.successRate += ALPHA * (0 - this.successRate);
    this.samples += 1;
  }

  /** Takes back a failure {@link failure} recorded (exactly, when nothing was recorded since). */
  withdrawFailure(): void {
    this.successRate = Math.min(1, this.successRate / (1 - ALPHA));
    this.samples = Math.max(0, this.samples - 1);
  }
}

/**
 * @module Measured performance of one orchestrator for one pipeline and model: latency per unit of work
 * (ms per pixel × step) and recent success rate, both as exponentially weighted moving averages.
 */

/** Weight of the newest sample (the last ~5 samples dominate). */
const ALPHA = 0.3;

/** Running averages for one (orchestrator, pipeline, model). */
export class CapabilityStats {
  /** ms per unit of work; undefined until the first success. */
  msPerUnit: number | undefined;
  /** Fraction of recent attempts that succeeded, starting optimistic at 1. */
  successRate = 1;
  samples = 0;

  /**
   * Records a successful attempt of `units` pixel-steps that took `ms`.
   * @example s.success(120, 512 * 512 * 4)
   */
  success(ms: number, units: number): void {
    const perUnit = ms / Math.max(1, units);
    this.msPerUnit = this.msPerUnit === undefined ? perUnit : this.msPerUnit + ALPHA * (perUnit - this.msPerUnit);
    this.successRate += ALPHA * (1 - this.successRate);
    this.samples += 1;
  }

  /** Records a failed attempt. */
  failure(): void {
    this.successRate += ALPHA * (0 - this.successRate);
    this.samples += 1;
  }
}

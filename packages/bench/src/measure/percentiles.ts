/** @module Latency summaries: nearest-rank percentiles over the successful runs. */

/** Percentiles of a list of latencies in ms. */
export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/**
 * Nearest-rank percentile (the smallest value with at least p% of the values at or below it).
 * @example percentile([1, 2, 3, 4], 50) // 2
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/**
 * p50/p95/p99, mean, min and max of `values` (NaN for an empty list).
 * @example summarise([10, 20, 30]).p50 // 20
 */
export function summarise(values: readonly number[]): Latency {
  const n = values.length;
  return {
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    mean: n ? values.reduce((a, b) => a + b, 0) / n : Number.NaN,
    min: n ? Math.min(...values) : Number.NaN,
    max: n ? Math.max(...values) : Number.NaN,
  };
}

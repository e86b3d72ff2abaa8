/** @module Summary statistics of benchmark samples. */

/** Latency summary of one benchmarked path, in milliseconds. */
export interface LatencySummary {
  runs: number;
  /** Best run: the least disturbed by other load on the machine. */
  min_ms: number;
  p50_ms: number;
  p95_ms: number;
  mean_ms: number;
  /** Completed runs per second. */
  throughput_per_s: number;
}

/**
 * The `p`-th percentile (nearest rank) of `values`.
 * @example percentile([1, 2, 3, 4], 50) // 2
 */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

/**
 * Summarises per-run latencies (ms) and the wall time they took (ms).
 * @example summarise([100, 120, 110], 330).p50_ms // 110
 */
export function summarise(latenciesMs: number[], wallMs: number): LatencySummary {
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    runs: latenciesMs.length,
    min_ms: round(Math.min(...latenciesMs)),
    p50_ms: round(percentile(latenciesMs, 50)),
    p95_ms: round(percentile(latenciesMs, 95)),
    mean_ms: round(latenciesMs.reduce((a, b) => a + b, 0) / latenciesMs.length),
    throughput_per_s: Math.round((latenciesMs.length / (wallMs / 1000)) * 1000) / 1000,
  };
}

/**
 * The median of paired differences `b[i] − a[i]` (runs of two paths taken back to back in the same iteration): slow
 * drift of a shared machine hits both runs of a pair alike and cancels, which two separate medians do not.
 * @example pairedMedian([100, 200, 150], [104, 203, 160]) // 4
 */
export function pairedMedian(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  return percentile(
    Array.from({ length: n }, (_, i) => (b[i] as number) - (a[i] as number)),
    50,
  );
}

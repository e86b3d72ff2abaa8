/** @module The benchmark's statistics: nearest-rank percentiles, and the paired median that cancels drift. */
import { describe, expect, it } from "vitest";
import { pairedMedian, percentile, summarise } from "./stats.js";

describe("bench statistics", () => {
  it("takes nearest-rank percentiles and summaries", () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([4, 1, 3, 2], 95)).toBe(4);
    expect(summarise([100, 120, 110], 330)).toMatchObject({
      runs: 3,
      min_ms: 100,
      p50_ms: 110,
      throughput_per_s: 9.091,
    });
  });

  it("pairs runs of the same iteration, so drift that hits both cancels", () => {
    // The machine slows down over the runs (+50 ms per iteration); path b always costs 5 ms more than a.
    const a = [100, 150, 200, 250, 300];
    const b = a.map((v) => v + 5);
    expect(pairedMedian(a, b)).toBe(5);
    // Two separate medians would see the same 5 ms here, but not once the order of the drift differs per path.
    const shuffled = [300, 100, 250, 150, 200];
    expect(
      percentile(
        shuffled.map((v) => v + 5),
        50,
      ) - percentile(a, 50),
    ).toBe(5);
    expect(pairedMedian([100, 300], [104, 301])).toBe(1);
  });
});

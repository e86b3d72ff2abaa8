/**
 * @module How large dead outputs are freed: a denoising step's output by a minor collection, which frees it (it is
 * still young) without the full collection that used to run after every step and threw away the Euler step's
 * optimised code each time.
 */
import { constants, type PerformanceEntry, PerformanceObserver } from "node:perf_hooks";
import { afterAll, describe, expect, it } from "vitest";
import { LARGE_OUTPUT_BYTES, releaseDeadOutput, releaseYoungOutput } from "./release-outputs.js";
import { collect, params, svdHarness } from "./tiny-svd-harness.js";

const MiB = 1024 * 1024;

/**
 * The kind (minor, major, …) and start of each garbage collection that started while `fn` ran: the ones it ran itself
 * when it is synchronous (the heap may start others during the wait for their entries, which are left out).
 */
async function collections(fn: () => Promise<void> | void): Promise<Array<{ kind: number; at: number }>> {
  const seen: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => seen.push(...list.getEntries()));
  observer.observe({ entryTypes: ["gc"] });
  let from = 0;
  let to = 0;
  try {
    from = performance.now();
    await fn();
    to = performance.now();
    // GC entries are delivered after the collection, on a later turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    observer.disconnect();
  }
  return seen
    .filter((e) => e.startTime >= from && e.startTime <= to)
    .map((e) => ({ kind: (e as unknown as { detail: { kind: number } }).detail.kind, at: e.startTime }));
}

/** ArrayBuffer bytes once the collector's background sweeping of freed buffers has run. */
async function arrayBufferBytes(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 10));
  return process.memoryUsage().arrayBuffers;
}

describe("releaseYoungOutput", () => {
  it("frees a just-dropped large output with a minor collection only", async () => {
    let output: Float32Array | undefined = new Float32Array((8 * MiB) / 4).fill(1);
    const held = await arrayBufferBytes();
    const bytes = output.byteLength;
    output = undefined;
    const kinds = await collections(() => releaseYoungOutput(bytes));
    expect(kinds.map((k) => k.kind)).toEqual([constants.NODE_PERFORMANCE_GC_MINOR]);
    expect(held - (await arrayBufferBytes())).toBeGreaterThanOrEqual(8 * MiB);
    expect(output).toBeUndefined();
  });

  it("does nothing for an output below the threshold; releaseDeadOutput runs a full collection", async () => {
    expect(await collections(() => releaseYoungOutput(LARGE_OUTPUT_BYTES - 1))).toEqual([]);
    const kinds = await collections(() => releaseDeadOutput(LARGE_OUTPUT_BYTES));
    expect(kinds.some((k) => k.kind === constants.NODE_PERFORMANCE_GC_MAJOR)).toBe(true);
  });
});

describe("the denoising loop with large UNet outputs", () => {
  const h = svdHarness();
  afterAll(h.cleanup);

  it("frees each step's output without a full collection per step", { timeout: 60_000 }, async () => {
    const { svd } = await h.model("svd-xt", "svd-xt");
    // 25 frames of 1024×576 under guidance: each UNet output is [2,25,4,72,128] float32, 7.4 MB (≥ 4 MiB).
    const p = params({ width: 1024, height: 576, numInferenceSteps: 16, decodeChunkSize: 8 });
    const steps: Array<{ at: number; arrayBuffers: number }> = [];
    const progress = (e: { stage: string }) => {
      if (e.stage === "denoise")
        steps.push({ at: performance.now(), arrayBuffers: process.memoryUsage().arrayBuffers });
    };
    const kinds = await collections(async () => {
      await collect(svd.components, p, { progress });
    });
    expect(steps).toHaveLength(16);
    // The loop collected right after reporting a step: a full collection there is the loop's own, one per step in
    // the old code (15 here). The heap also starts full collections of its own, at any time and more often on a
    // loaded machine (up to 6 were seen under load); few of those fall in the 5 ms after a report.
    const atStepEnds = kinds.filter(
      (k) =>
        k.kind === constants.NODE_PERFORMANCE_GC_MAJOR &&
        steps.slice(0, -1).some((s) => k.at >= s.at && k.at < s.at + 5),
    );
    expect(atStepEnds.length).toBeLessThanOrEqual(4);
    // Dead outputs do not pile up: held buffers stay within three outputs of the first step's (7.4 MB each). Without
    // a collection they would pile up to V8's own trigger, ~64 MB of buffers.
    const grown = Math.max(...steps.map((s) => s.arrayBuffers)) - steps[0]!.arrayBuffers;
    expect(grown).toBeLessThan(3 * 7.4e6);
  });
});

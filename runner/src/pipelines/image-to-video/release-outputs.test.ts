/**
 * @module How large dead outputs are freed: a denoising step's output by a minor collection, which frees it (it is
 * still young) without the full collection that used to run after every step and threw away the Euler step's
 * optimised code each time.
 */
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { LARGE_OUTPUT_BYTES, releaseDeadOutput, releaseYoungOutput } from "./release-outputs.js";
import { collect, params, svdHarness } from "./tiny-svd-harness.js";

const MiB = 1024 * 1024;

/**
 * The collections the release functions ask V8 for, in order ("minor" or "major"), with the time of each request.
 * V8 itself may turn a minor request into a full collection (e.g. on a loaded machine, when freed buffers are still
 * being swept and its external-memory limit is near), so the tests read what the code asked for, and what it freed.
 */
const requested = vi.hoisted(() => [] as Array<{ type: string; at: number }>);
vi.mock("node:vm", async (importOriginal) => {
  const vm = await importOriginal<typeof import("node:vm")>();
  return {
    ...vm,
    runInNewContext: (code: string, ...rest: unknown[]) => {
      const value = (vm.runInNewContext as (...args: unknown[]) => unknown)(code, ...rest);
      if (code !== "gc") return value;
      const gc = value as (options?: { type: string }) => void;
      return (options?: { type: string }) => {
        requested.push({ type: options?.type ?? "major", at: performance.now() });
        gc(options);
      };
    },
  };
});

beforeEach(() => {
  requested.length = 0;
});

/** ArrayBuffer bytes once the collector's background sweeping of freed buffers has run. */
async function arrayBufferBytes(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 10));
  return process.memoryUsage().arrayBuffers;
}

/** Bytes freed below `held` within a second (the sweeping of freed buffers runs in the background). */
async function freedBelow(held: number, bytes: number): Promise<number> {
  for (let waited = 0; waited < 1000 && held - process.memoryUsage().arrayBuffers < bytes; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return held - process.memoryUsage().arrayBuffers;
}

describe("releaseYoungOutput", () => {
  it("asks for a minor collection, which frees a just-dropped large output", async () => {
    let output: Float32Array | undefined = new Float32Array((8 * MiB) / 4).fill(1);
    const held = await arrayBufferBytes();
    const bytes = output.byteLength;
    output = undefined;
    releaseYoungOutput(bytes);
    expect(requested.map((r) => r.type)).toEqual(["minor"]);
    expect(await freedBelow(held, 8 * MiB)).toBeGreaterThanOrEqual(8 * MiB);
    expect(output).toBeUndefined();
  });

  it("does nothing for an output below the threshold; releaseDeadOutput asks for a full collection", () => {
    releaseYoungOutput(LARGE_OUTPUT_BYTES - 1);
    releaseDeadOutput(LARGE_OUTPUT_BYTES - 1);
    expect(requested).toEqual([]);
    releaseDeadOutput(LARGE_OUTPUT_BYTES);
    expect(requested.map((r) => r.type)).toEqual(["major"]);
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
    await collect(svd.components, p, { progress });
    expect(steps).toHaveLength(16);
    // Between the first step and the last, the loop asks for one minor collection per step (the old code asked for
    // a full one each time, 15 here) and never for a full one.
    const first = steps[0]!.at;
    const last = steps[steps.length - 1]!.at;
    const inLoop = requested.filter((r) => r.at > first && r.at < last).map((r) => r.type);
    expect(inLoop).toEqual(Array(15).fill("minor"));
    // Dead outputs do not pile up: held buffers stay within three outputs of the first step's (7.4 MB each). Without
    // a collection they would pile up to V8's own trigger, ~64 MB of buffers.
    const grown = Math.max(...steps.map((s) => s.arrayBuffers)) - steps[0]!.arrayBuffers;
    expect(grown).toBeLessThan(3 * 7.4e6);
  });
});

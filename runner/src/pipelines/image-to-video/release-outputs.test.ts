/**
 * @module How large dead outputs are freed: a denoising step's output at once, by `freeNow` (no collection at all;
 * from round 9 to round 10 a minor collection per step, which let outputs pile up (most likely once promoted), and
 * before round 9 a full collection per step, which threw away the Euler step's optimised code each time); arrays that
 * may still be held elsewhere by a full collection.
 */
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { freeNow, LARGE_OUTPUT_BYTES, releaseDeadOutput } from "./release-outputs.js";
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

describe("freeNow", () => {
  it("frees large buffers without a collection: their views are detached, their memory gone within a turn", async () => {
    const a = new Float32Array((6 * MiB) / 4).fill(1);
    const b = new Uint8Array(3 * MiB).fill(2);
    const held = await arrayBufferBytes();
    // The same buffer twice counts once.
    freeNow([a.buffer, b.buffer, a.buffer]);
    expect([a.length, b.length, a.buffer.byteLength]).toEqual([0, 0, 0]);
    expect(requested).toEqual([]);
    // Within 64 KiB: the process's other ArrayBuffers (the test runner's messages) come and go meanwhile (a CI run
    // read 45 bytes short of 9 MiB); a buffer left to the collector would leave 6 or 9 MiB.
    expect(await freedBelow(held, 9 * MiB - 64 * 1024)).toBeGreaterThanOrEqual(9 * MiB - 64 * 1024);
    expect(requested).toEqual([]);
  });

  it("leaves buffers that together hold less than LARGE_OUTPUT_BYTES, and shared memory, to the collector", () => {
    const small = new Uint8Array(LARGE_OUTPUT_BYTES - 1);
    freeNow([small.buffer]);
    expect(small.length).toBe(LARGE_OUTPUT_BYTES - 1);
    const shared = new Uint8Array(new SharedArrayBuffer(LARGE_OUTPUT_BYTES)).fill(3);
    expect(() => freeNow([shared.buffer])).not.toThrow();
    expect([shared.length, shared[0]]).toEqual([LARGE_OUTPUT_BYTES, 3]);
  });

  it("takes a lower threshold; a Buffer of Node's shared pool is left as it is while the others are freed", () => {
    const image = new Uint8Array(MiB);
    freeNow([image.buffer], 2 * MiB);
    expect(image.length).toBe(MiB);
    const pooledBuffer = Buffer.from("still read elsewhere");
    freeNow([image.buffer, pooledBuffer.buffer], MiB);
    expect(image.length).toBe(0);
    expect(pooledBuffer.toString()).toBe("still read elsewhere");
  });

  it("releaseDeadOutput asks for a full collection for a large output only", () => {
    releaseDeadOutput(LARGE_OUTPUT_BYTES - 1);
    expect(requested).toEqual([]);
    releaseDeadOutput(LARGE_OUTPUT_BYTES);
    expect(requested.map((r) => r.type)).toEqual(["major"]);
  });
});

describe("the denoising loop with large UNet outputs", () => {
  const h = svdHarness();
  afterAll(h.cleanup);

  it("frees each step's output as the step ends, with no collection in the loop", { timeout: 60_000 }, async () => {
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
    // Between the first step and the last the loop asks for no collection (the code before round 9 asked for a full
    // one per step, 15 here; from round 9 to round 10, for a minor one).
    const first = steps[0]!.at;
    const last = steps[steps.length - 1]!.at;
    expect(requested.filter((r) => r.at > first && r.at < last)).toEqual([]);
    // Dead outputs do not pile up: held buffers never exceed the first step's by one output (7.4 MB). Left to V8 they
    // would pile up to its own trigger, ~64 MB of buffers; with a minor collection per step, up to two or three.
    const grown = Math.max(...steps.map((s) => s.arrayBuffers)) - steps[0]!.arrayBuffers;
    expect(grown).toBeLessThan(7.4e6);
  });
});

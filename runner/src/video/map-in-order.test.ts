/** @module The bounded, ordered stage: order kept, never more than `inFlight` started, the source pulled lazily, clean-up on every exit. */
import { describe, expect, it } from "vitest";
import { mapInOrder } from "./map-in-order.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A source that records how far it was pulled and whether it was closed. */
function source(n: number) {
  const state = { pulled: 0, closed: false };
  async function* gen() {
    try {
      for (let i = 0; i < n; i++) {
        state.pulled = i + 1;
        yield i;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, items: gen() };
}

describe("mapInOrder", () => {
  it("keeps the input order when later items finish first, with at most inFlight started", async () => {
    const { state, items } = source(10);
    let running = 0;
    let peak = 0;
    const out: number[] = [];
    for await (const r of mapInOrder(
      items,
      async (x) => {
        peak = Math.max(peak, ++running);
        await sleep(x % 2 ? 1 : 8);
        running--;
        return x * 10;
      },
      { inFlight: 3 },
    )) {
      out.push(r);
      // The source is never more than the window (and one item fetched ahead) beyond what was consumed.
      expect(state.pulled).toBeLessThanOrEqual(out.length + 3 + 1);
    }
    expect(out).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(peak).toBe(3);
    expect(state.closed).toBe(true);
  });

  it("closes the source and waits for started work when the consumer stops", async () => {
    const { state, items } = source(100);
    const finished: number[] = [];
    for await (const r of mapInOrder(
      items,
      async (x) => {
        await sleep(5);
        finished.push(x);
        return x;
      },
      { inFlight: 2 },
    )) {
      if (r === 1) break;
    }
    expect(state.closed).toBe(true);
    // Item 2 was started ahead and had finished before the loop returned; item 3 was fetched, never started.
    expect(finished).toEqual([0, 1, 2]);
    expect(state.pulled).toBe(4);
  });

  it("fails with the first failing item in order, without unhandled rejections, after started work settles", async () => {
    const { state, items } = source(10);
    let settled = 0;
    let started = 0;
    const run = async () => {
      for await (const _ of mapInOrder(
        items,
        async (x) => {
          started++;
          await sleep(x === 2 ? 1 : 6);
          settled++;
          if (x === 2) throw new Error("frame 2 failed");
          return x;
        },
        { inFlight: 3 },
      ));
    };
    await expect(run()).rejects.toThrow("frame 2 failed");
    expect(state.closed).toBe(true);
    // Everything started had finished, and nothing was started beyond the window of 3 around the failure.
    expect(settled).toBe(started);
    expect(started).toBeLessThanOrEqual(3 + 2);
  });
});

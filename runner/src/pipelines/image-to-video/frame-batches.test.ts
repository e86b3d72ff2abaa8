/**
 * @module A generation handed out batch by batch (what the worker does across calls): whole decoder chunks up to the
 * byte budget, the same frames as one uninterrupted generation, progress and abort through the calling job's
 * control, and a paused generation that is cancelled leaves nothing behind.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type FrameBatch, FrameBatches } from "./frame-batches.js";
import { collect, params, svdHarness } from "./tiny-svd-harness.js";
import { type ProgressEvent, VideoAbortedError, type VideoControl } from "./video-job.js";

const h = svdHarness();
afterAll(h.cleanup);

const recorder = () => {
  const events: ProgressEvent[] = [];
  const control: VideoControl = { progress: (p) => void events.push({ ...p }) };
  return { events, control };
};

/** Takes every batch with `budget`, each call with a control of its own. */
async function all(batches: FrameBatches, budget: number) {
  const taken: FrameBatch[] = [];
  const calls: ProgressEvent[][] = [];
  for (;;) {
    const { events, control } = recorder();
    calls.push(events);
    const batch = await batches.next(budget, control);
    taken.push(batch);
    if (batch.done) return { taken, calls };
  }
}

describe("FrameBatches on tiny/svd", async () => {
  const { svd } = await h.model("svd", "svd");
  const c = svd.components;
  const p = params({ numInferenceSteps: 3, decodeChunkSize: 4, seed: 5 });
  const whole = await collect(c, p);
  const bytes = (frames: { pixels: Uint8Array }[]) => Buffer.concat(frames.map((f) => f.pixels));

  it("hands out one whole chunk per call once a chunk reaches the budget, the frames of one generation", async () => {
    const { taken, calls } = await all(new FrameBatches(c, p), 1);
    expect(taken.map((b) => b.frames.length)).toEqual([4, 4, 4, 2]);
    expect(taken.map((b) => b.done)).toEqual([false, false, false, true]);
    expect(bytes(taken.flatMap((b) => b.frames)).equals(Buffer.concat(whole.frames))).toBe(true);
    // Each batch owns its buffers (they are transferred to the HTTP thread).
    expect(taken.map((b) => b.buffers.reduce((n, x) => n + x.byteLength, 0))).toEqual(
      taken.map((b) => b.frames.length * 32 * 24 * 3),
    );
    expect(taken.at(-1)?.result?.frames).toBe(14);
    // Every report reached the control of the call running at the time, in order.
    expect(calls.flat()).toEqual([
      ...[1, 2, 3].map((step) => ({ stage: "denoise", step, total: 3 })),
      ...[4, 8, 12, 14].map((step) => ({ stage: "decode", step, total: 14 })),
    ]);
    expect(calls[0]?.filter((e) => e.stage === "denoise")).toHaveLength(3);
  });

  it("gathers chunks until the budget is reached; a large budget gives the whole video in one call", async () => {
    const frame = 32 * 24 * 3;
    const some = await all(new FrameBatches(c, p), 5 * frame);
    expect(some.taken.map((b) => b.frames.length)).toEqual([8, 6]);
    const one = await all(new FrameBatches(c, p), 2 ** 30);
    expect(one.taken.map((b) => [b.frames.length, b.done])).toEqual([[14, true]]);
    expect(bytes(one.taken[0]?.frames ?? []).equals(Buffer.concat(whole.frames))).toBe(true);
  });

  it("stops when the next call's control is aborted, and refuses calls after the end", async () => {
    const batches = new FrameBatches(c, p);
    await batches.next(1, {});
    await expect(batches.next(1, { aborted: true })).rejects.toBeInstanceOf(VideoAbortedError);
    await expect(batches.next(1, {})).rejects.toThrow(/has ended/);
  });

  it("a paused generation that is cancelled unwinds; the next one gives the same bytes", async () => {
    const first = new FrameBatches(c, p);
    await first.next(1, {});
    first.cancel();
    await expect(first.next(1, {})).rejects.toThrow(/has ended/);
    const { taken } = await all(new FrameBatches(c, p), 1);
    expect(bytes(taken.flatMap((b) => b.frames)).equals(Buffer.concat(whole.frames))).toBe(true);
  });
});

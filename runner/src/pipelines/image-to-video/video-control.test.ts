/**
 * @module Job control of a generation: progress after every denoising step and decoded chunk, abort between steps and
 * between chunks (through `throwIfAborted` or the `aborted` flag), and a clean state after an abort.
 */
import { afterAll, describe, expect, it } from "vitest";
import { collect, params, svdHarness } from "./tiny-svd-harness.js";
import { type ProgressEvent, VideoAbortedError, type VideoControl } from "./video-job.js";

const h = svdHarness();
afterAll(h.cleanup);

/** A control that records progress and reports `aborted` once `when` says so. */
function control(when: (events: ProgressEvent[]) => boolean): VideoControl & { events: ProgressEvent[] } {
  const events: ProgressEvent[] = [];
  return {
    events,
    progress: (p) => void events.push({ ...p }),
    get aborted() {
      return when(events);
    },
  };
}

describe("progress and abort on tiny/svd", async () => {
  const { svd } = await h.model("svd", "svd");
  const c = svd.components;

  it("reports each denoising step, then each decoded chunk as frames done of the frame count", async () => {
    const ctl = control(() => false);
    await collect(c, params({ numInferenceSteps: 6, decodeChunkSize: 4 }), ctl);
    expect(ctl.events).toEqual([
      ...[1, 2, 3, 4, 5, 6].map((step) => ({ stage: "denoise", step, total: 6 })),
      ...[4, 8, 12, 14].map((step) => ({ stage: "decode", step, total: 14 })),
    ]);
  });

  it("stops at the next step once aborted: the UNet ran 3 times, nothing was decoded", async () => {
    const ctl = control((events) => events.length >= 3);
    const runs: string[] = [];
    const chunks: unknown[] = [];
    const { generateVideo } = await import("./generate-video.js");
    await expect(
      generateVideo(c, params(), ctl, (chunk) => void chunks.push(chunk), {
        onRun: (component) => void runs.push(component),
      }),
    ).rejects.toBeInstanceOf(VideoAbortedError);
    expect(runs.filter((r) => r === "unet")).toHaveLength(3);
    expect(runs).not.toContain("vae_decoder");
    expect(chunks).toHaveLength(0);
    expect(ctl.events.at(-1)).toEqual({ stage: "denoise", step: 3, total: 8 });
  });

  it("uses the control's own throwIfAborted, and stops between decoded chunks", async () => {
    class Cancelled extends Error {}
    const events: ProgressEvent[] = [];
    const ctl: VideoControl = {
      progress: (p) => void events.push({ ...p }),
      throwIfAborted() {
        if (events.some((e) => e.stage === "decode")) throw new Cancelled("client went away");
      },
    };
    await expect(collect(c, params({ decodeChunkSize: 4 }), ctl)).rejects.toBeInstanceOf(Cancelled);
    expect(events.filter((e) => e.stage === "decode")).toEqual([{ stage: "decode", step: 4, total: 14 }]);
  });

  it("an aborted job leaves nothing behind: the next one gives the same bytes as before", async () => {
    const before = await collect(c, params({ seed: 3 }));
    await expect(
      collect(
        c,
        params({ seed: 3 }),
        control((e) => e.length >= 2),
      ),
    ).rejects.toBeInstanceOf(VideoAbortedError);
    const after = await collect(c, params({ seed: 3 }));
    expect(Buffer.concat(after.frames).equals(Buffer.concat(before.frames))).toBe(true);
  });

  it("an already-aborted job runs no session at all", async () => {
    const runs: string[] = [];
    const { generateVideo } = await import("./generate-video.js");
    await expect(
      generateVideo(c, params(), { aborted: true }, () => {}, { onRun: (component) => void runs.push(component) }),
    ).rejects.toBeInstanceOf(VideoAbortedError);
    expect(runs).toEqual([]);
  });
});

/**
 * @module The "hold one queue slot for several worker calls" form (the one streaming video pipelines use), with the
 * real upscale worker on several frames: the frames run in one slot (a request arriving meanwhile waits for all of
 * them), each frame comes back as the single-image route gives it, progress reaches the job's channel, and a
 * cancelled session stops before its next frame and frees the slot.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobAbortedError } from "../src/errors.js";
import type { RgbImage } from "../src/image/decode.js";
import { createRunnerApp, type RunnerApp } from "../src/server/app.js";
import { type PipelineRouteDeps, runInSlot } from "../src/server/pipeline-route.js";
import type { ProgressEvent } from "../src/server/progress-hub.js";
import { decodeDataUrl, memoryLogger, modelsDir, testConfig, testImage, upscaleForm, waitFor } from "./helpers.js";

describe("one slot, several worker calls", () => {
  let models: Awaited<ReturnType<typeof modelsDir>>;
  let runner: RunnerApp;
  let deps: PipelineRouteDeps;
  const frames: { png: Uint8Array; rgb: RgbImage }[] = [];
  const frame = (i: number): RgbImage => {
    const { width, height, pixels } = frames[i]!.rgb;
    return { width, height, pixels: pixels.slice() };
  };
  const upscaleRoute = async (png: Uint8Array) => {
    const res = await runner.app.request("/upscale", { method: "POST", body: upscaleForm(png) });
    expect(res.status).toBe(200);
    return decodeDataUrl((await res.json()).images[0].url);
  };

  beforeAll(async () => {
    models = await modelsDir();
    const config = testConfig(models.dir, { tileSize: 8 });
    const log = memoryLogger();
    runner = await createRunnerApp(config, log);
    await runner.ready;
    deps = { config, log, engine: runner.engine, queue: runner.queue, metrics: runner.metrics, hub: runner.progress };
    for (const [w, h] of [
      [16, 12],
      [12, 16],
      [10, 10],
    ] as const) {
      const png = await testImage(w, h);
      const rgb = await decodeDataUrl(`data:image/png;base64,${Buffer.from(png).toString("base64")}`);
      frames.push({ png, rgb: { width: rgb.width, height: rgb.height, pixels: rgb.pixels } });
    }
  });
  afterAll(async () => {
    await runner?.close();
    await models?.cleanup();
  });

  it("runs every frame in one slot, as the single-image route would, reporting to the job's channel", async () => {
    const channel = runner.progress.open("video-1");
    const seen: ProgressEvent[] = [];
    channel.subscribe((e) => seen.push(e));
    const order: string[] = [];
    let other: Promise<unknown> | undefined;
    const outputs = await runInSlot(deps, new AbortController().signal, channel, async (run, control) => {
      const out: RgbImage[] = [];
      for (let i = 0; i < frames.length; i++) {
        expect(runner.queue.depth).toBe(i === 0 ? 1 : 2);
        // Only the first frame's tiles reach the channel; the others report their frame alone.
        const image = frame(i);
        const options = i === 0 ? {} : { onProgress: () => {} };
        out.push((await run({ ...image }, { ...options, transfer: [image.pixels.buffer] })) as RgbImage);
        control.progress({ stage: "frames", step: i + 1, total: frames.length });
        if (i === 0) {
          other = upscaleRoute(frames[0]!.png).then(() => order.push("other request"));
          await waitFor(() => runner.queue.depth === 2, 10_000, "the other request to queue");
        }
      }
      order.push("session");
      return out;
    });
    await other;
    expect(order).toEqual(["session", "other request"]);
    for (let i = 0; i < frames.length; i++) {
      const expected = await upscaleRoute(frames[i]!.png);
      expect([outputs[i]!.width, outputs[i]!.height]).toEqual([expected.width, expected.height]);
      expect(Buffer.from(outputs[i]!.pixels).equals(Buffer.from(expected.pixels))).toBe(true);
    }
    // The 16×12 frame at tile size 8 is 2×2 tiles.
    expect(
      seen.map((e) => (e.event === "progress" ? `${e.data.stage} ${e.data.step}/${e.data.total}` : e.event)),
    ).toEqual(["tiles 1/4", "tiles 2/4", "tiles 3/4", "tiles 4/4", "frames 1/3", "frames 2/3", "frames 3/3"]);
    channel.finish(200);
  });

  it("stops a cancelled session before its next frame and frees the slot", async () => {
    const client = new AbortController();
    let calls = 0;
    let abortedSeen = false;
    const session = runInSlot(deps, client.signal, undefined, async (run, control) => {
      for (let i = 0; i < frames.length; i++) {
        await run(frame(i));
        calls++;
        if (i === 0) client.abort();
        abortedSeen ||= control.aborted;
      }
    });
    await expect(session).rejects.toBeInstanceOf(JobAbortedError);
    expect([calls, abortedSeen]).toEqual([1, true]);
    expect(runner.queue.depth).toBe(0);
    const after = await upscaleRoute(frames[2]!.png);
    expect([after.width, after.height]).toEqual([40, 40]);
  });
});

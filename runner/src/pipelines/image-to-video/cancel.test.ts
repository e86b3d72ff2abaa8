/**
 * @module Cancelling an image-to-video job through a real runner server (tiny/svd, 1000 steps at 256×192): a client
 * that hangs up stops it at its next denoising step, before any frame is decoded, and the runner serves the next
 * request. The job is sized to last seconds (at 64×48 its 1000 steps took well under a second, so on a loaded machine
 * the hang-up could reach the runner after the last step, and the job ended with 200).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { servedRunner, testImage, waitFor } from "../../../test/helpers.js";
import { readEvents } from "../../../test/sse.js";

describe("POST /image-to-video, cancelled", () => {
  const { server, log } = servedRunner(["tiny/svd"], {
    pipeline: "image-to-video",
    modelId: "tiny/svd",
    maxVideoWork: 256 * 192 * 14 * 1000,
  });
  let png: Uint8Array;
  const post = (requestId: string, fields: Record<string, string>, signal?: AbortSignal) => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ width: "64", height: "48", seed: "1", ...fields })) form.append(k, v);
    form.append("image", new Blob([png as Uint8Array<ArrayBuffer>]), "still.png");
    return fetch(`${server().url}/image-to-video`, {
      method: "POST",
      body: form,
      headers: { "x-request-id": requestId },
      ...(signal ? { signal } : {}),
    });
  };

  beforeAll(async () => {
    png = await testImage(64, 48);
  });

  it("stops at the next denoising step once the client hangs up, decodes nothing, and keeps serving", async () => {
    const subscribed = fetch(`${server().url}/progress/long-video`);
    await waitFor(() => server().runner.progress.waitingFor("long-video") === 1, 10_000, "the subscriber to wait");
    const client = new AbortController();
    const long = post("long-video", { num_inference_steps: "1000", width: "256", height: "192" }, client.signal).catch(
      (err: Error) => err,
    );
    let stepAtAbort = 0;
    const all = await readEvents(await subscribed, (e) => {
      if (e.event === "progress" && stepAtAbort === 0 && Number(e.data.step) >= 3) {
        stepAtAbort = Number(e.data.step);
        client.abort();
      }
    });
    expect(await long).toBeInstanceOf(Error);
    expect(all.at(-1)).toMatchObject({ event: "end", data: { status: 503 } });
    expect(String(all.at(-1)?.data.msg)).toMatch(/cancelled/);
    const steps = all.filter((e) => e.event === "progress");
    expect(steps.every((e) => e.data.stage === "denoise")).toBe(true);
    expect(Number(steps.at(-1)?.data.step)).toBeLessThan(500);
    await waitFor(() => server().runner.queue.depth === 0, 10_000, "the queue to drain");
    expect((await post("after", { num_inference_steps: "2" })).status).toBe(200);
    expect(log.lines.some((l) => l.msg === "job cancelled: the client disconnected")).toBe(true);
  });

  it("a client that hangs up while the frames stream in frees the slot; the next video has the same bytes as before", async () => {
    const fields = { num_inference_steps: "2", width: "512", height: "384", decode_chunk_size: "1", seed: "4" };
    const urls = async (res: Response) =>
      ((await res.json()) as { frames: { url: string }[][] }).frames[0]?.map((m) => m.url);
    const before = await urls(await post("whole-1", fields));
    const client = new AbortController();
    const res = await post("hung-up", fields, client.signal);
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // the first frame's bytes arrived; the worker decodes chunk by chunk behind them
    client.abort();
    await reader.read().catch(() => undefined);
    await waitFor(() => server().runner.queue.depth === 0, 10_000, "the queue to drain");
    // A new generation starts cleanly in the worker (an unfinished one is dropped there) and gives the same frames.
    expect(await urls(await post("whole-2", fields))).toEqual(before);
  });
});

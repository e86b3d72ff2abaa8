/**
 * @module Cancelling a running job: a client that hangs up on a long Stable Diffusion job (tiny model, 512², 1000
 * steps) stops it at its next step, and the queue slot goes to the next job at once.
 */
import { describe, expect, it } from "vitest";
import { servedRunner, waitFor } from "./helpers.js";
import { readEvents, type SseEvent } from "./sse.js";

describe("cancelling a running job", () => {
  const { server, log } = servedRunner(["tiny/sd15"], {
    pipeline: "text-to-image",
    modelId: "tiny/sd15",
    queueSize: 4,
    maxSdWork: 512 * 512 * 1000,
  });
  const post = (requestId: string, body: Record<string, unknown>, signal?: AbortSignal) =>
    fetch(`${server().url}/text-to-image`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": requestId },
      body: JSON.stringify({ prompt: "a red cat", guidance_scale: 3, seed: 1, ...body }),
      ...(signal ? { signal } : {}),
    });
  const inferences = async () =>
    Number(
      /avs_runner_inference_seconds_count\{pipeline="text-to-image"\} (\d+)/.exec(
        await (await fetch(`${server().url}/metrics`)).text(),
      )?.[1] ?? 0,
    );

  it("stops a cancelled 1000-step job at its next step and frees the slot for the next job", async () => {
    const subscribed = fetch(`${server().url}/progress/long`);
    await waitFor(() => server().runner.progress.waitingFor("long") === 1, 10_000, "the subscriber to wait");
    const client = new AbortController();
    const long = post("long", { height: 512, width: 512, num_inference_steps: 1000 }, client.signal).catch(
      (err: Error) => err,
    );
    let stepAtAbort = 0;
    let next: Promise<Response> | undefined;
    const events = readEvents(await subscribed, (e: SseEvent) => {
      if (e.event !== "progress") return;
      // A second job queues behind the running one; once it waits, the first one's client hangs up.
      next ??= post("next", { height: 32, width: 32, num_inference_steps: 2 });
      if (stepAtAbort === 0 && Number(e.data.step) >= 3 && server().runner.queue.depth === 2) {
        stepAtAbort = Number(e.data.step);
        client.abort();
      }
    });

    const all = await events;
    expect(await long).toBeInstanceOf(Error);
    const end = all.at(-1);
    expect(end).toMatchObject({ event: "end", data: { status: 503 } });
    expect(String(end?.data.msg)).toMatch(/cancelled/);
    const lastStep = Number(all.filter((e) => e.event === "progress").at(-1)?.data.step);
    expect(stepAtAbort).toBeGreaterThanOrEqual(3);
    // Some steps finish while the events reach the client and its hang-up reaches the runner; not the rest of the job.
    expect(lastStep).toBeGreaterThanOrEqual(stepAtAbort);
    expect(lastStep).toBeLessThan(500);
    expect(all.some((e) => e.data.stage === "decode")).toBe(false);

    const done = await next;
    expect(done?.status).toBe(200);
    await waitFor(() => server().runner.queue.depth === 0, 10_000, "the queue to drain");
    expect(await inferences()).toBe(1);
    expect(log.lines.map((l) => l.msg)).toContain("job cancelled: the client disconnected");
  }, 60_000);
});

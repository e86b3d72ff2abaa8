/**
 * @module `GET /progress/{request_id}` on a real runner with a tiny SD model: a subscriber that connects before the
 * POST sees every denoising step in order, the decoding, then `end`; a late one sees the last state, or the job again
 * after the `Last-Event-ID` it names; failed requests
 * end with their status; an unknown id gets 404 after the wait; the route needs the token like generate routes.
 */
import { describe, expect, it } from "vitest";
import { createRunnerApp } from "../src/server/app.js";
import { memoryLogger, servedRunner, testConfig, waitFor } from "./helpers.js";
import { readEvents } from "./sse.js";

describe("progress of text-to-image jobs", () => {
  const { server, modelDir } = servedRunner(["tiny/sd15", "tiny/esrgan-x4"], {
    pipeline: "text-to-image",
    modelId: "tiny/sd15",
    authToken: "s3cret",
    // A POST on a busy shared machine can take seconds to arrive.
    progressWaitMs: 10_000,
  });
  const auth = { authorization: "Bearer s3cret" };
  const post = (requestId: string, body: Record<string, unknown>) =>
    fetch(`${server().url}/text-to-image`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", "x-request-id": requestId },
      body: JSON.stringify({ prompt: "a red cat", height: 32, width: 32, guidance_scale: 3, seed: 1, ...body }),
    });
  /** Subscribes, and resolves once the runner waits for that job (so it cannot miss a step), with the response to come. */
  const subscribeFirst = async (requestId: string) => {
    const response = fetch(`${server().url}/progress/${requestId}`, { headers: auth });
    await waitFor(() => server().runner.progress.waitingFor(requestId) === 1, 10_000, "the subscriber to wait");
    return { response };
  };

  it("shows an early subscriber every step in order, the decoding, then end", async () => {
    const { response: subscribed } = await subscribeFirst("job-steps");
    const res = await post("job-steps", { num_inference_steps: 12 });
    expect(res.status).toBe(200);
    expect((await res.json()).images).toHaveLength(1);
    const sub = await subscribed;
    expect(sub.status).toBe(200);
    expect(sub.headers.get("content-type")).toBe("text/event-stream");
    const events = await readEvents(sub);
    const denoise = Array.from({ length: 12 }, (_, i) => ({
      id: i + 1,
      event: "progress",
      data: { stage: "denoise", step: i + 1, total: 12, fraction: Math.round(((i + 1) / 12) * 1e4) / 1e4 },
    }));
    expect(events).toEqual([
      ...denoise,
      { id: 13, event: "progress", data: { stage: "decode", step: 1, total: 1, fraction: 1 } },
      { id: 14, event: "end", data: { status: 200 } },
    ]);
  });

  it("shows a late subscriber the last state and the end", async () => {
    expect((await post("job-late", { num_inference_steps: 3 })).status).toBe(200);
    const events = await readEvents(await fetch(`${server().url}/progress/job-late`, { headers: auth }));
    // Unwatched, the worker posted only the steps that end a stage, each with the range of steps before it: the
    // three denoising steps (ids 1–3), decode 1/1 (id 4).
    expect(events).toEqual([
      { id: 4, event: "progress", data: { stage: "decode", step: 1, total: 1, fraction: 1 } },
      { id: 5, event: "end", data: { status: 200 } },
    ]);
    // Every step is kept all the same, for a subscriber that asks for the job from its start.
    const replay = await readEvents(
      await fetch(`${server().url}/progress/job-late`, { headers: { ...auth, "last-event-id": "0" } }),
    );
    expect(replay.map((e) => [e.id, e.event, e.data.stage, e.data.step])).toEqual([
      [1, "progress", "denoise", 1],
      [2, "progress", "denoise", 2],
      [3, "progress", "denoise", 3],
      [4, "progress", "decode", 1],
      [5, "end", undefined, undefined],
    ]);
  });

  it("replays the job after the Last-Event-ID a subscriber names: 0 for all of it", async () => {
    // Watched from the start, so the worker posted every step; the late subscribers name where they got to.
    const { response: subscribed } = await subscribeFirst("job-replay");
    expect((await post("job-replay", { num_inference_steps: 4 })).status).toBe(200);
    const live = await readEvents(await subscribed);
    expect(live.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
    const from = async (lastEventId: string) =>
      readEvents(
        await fetch(`${server().url}/progress/job-replay`, { headers: { ...auth, "last-event-id": lastEventId } }),
      );
    expect(await from("0")).toEqual(live);
    expect(await from("4")).toEqual(live.slice(4));
    // The end itself, or an id past it (a bogus one): the end again, not an empty stream to reconnect to for ever.
    expect(await from("6")).toEqual(live.slice(5));
    expect(await from("999999")).toEqual(live.slice(5));
  });

  it("keeps every step of a job no one followed at first, for a subscriber that comes mid-job with Last-Event-ID 0", async () => {
    // 600 steps (under the 1000 events a job keeps) at 448×448, ~0.3 s here: 50 ms after the job opens the subscriber
    // comes mid-job (the build before this test missed 110–150 steps then). Earlier or later, the same must hold.
    const answered = post("job-midway", { num_inference_steps: 600, width: 448, height: 448 });
    // Unwatched at first, the worker posts no step until the subscriber comes; then the ones it skipped go first.
    // (The hub's own wait for the job does not subscribe to it.)
    expect(await server().runner.progress.find("job-midway")).toBeDefined();
    await new Promise((r) => setTimeout(r, 50));
    const events = await readEvents(
      await fetch(`${server().url}/progress/job-midway`, { headers: { ...auth, "last-event-id": "0" } }),
    );
    expect((await answered).status).toBe(200);
    const denoise = events.filter((e) => e.data.stage === "denoise").map((e) => e.data.step);
    expect(denoise).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: 602 }, (_, i) => i + 1));
    expect(events.at(-1)).toEqual({ id: 602, event: "end", data: { status: 200 } });
  });

  it("refuses a Last-Event-ID that is not an event id, with a 422 that names it", async () => {
    for (const bad of ["abc", "-1", "1.5"]) {
      const res = await fetch(`${server().url}/progress/job-replay`, { headers: { ...auth, "last-event-id": bad } });
      expect(res.status).toBe(422);
      const { detail } = await res.json();
      expect(detail[0].loc).toEqual(["header", "Last-Event-ID"]);
    }
  });

  it("ends a refused request with its status, and its message when the pipeline gave one", async () => {
    const { response: subscribed } = await subscribeFirst("job-400");
    expect((await post("job-400", { height: 500 })).status).toBe(400);
    expect(await readEvents(await subscribed)).toEqual([
      {
        id: 1,
        event: "end",
        data: { status: 400, msg: "Height and width must be divisible by 8, got height 500 and width 32" },
      },
    ]);
    expect((await post("job-422", { num_inference_steps: 0 })).status).toBe(422);
    const events = await readEvents(await fetch(`${server().url}/progress/job-422`, { headers: auth }));
    expect(events).toEqual([{ id: 1, event: "end", data: { status: 422 } }]);
  });

  it("answers 404 for an id no job had, after the wait", async () => {
    const short = await createRunnerApp(testConfig(modelDir(), { progressWaitMs: 200 }), memoryLogger());
    try {
      const t0 = performance.now();
      const res = await short.app.request("/progress/nobody");
      expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        detail: { msg: 'no job with request id "nobody" started within 0.2 s, and none ended in the last 60 s' },
      });
    } finally {
      await short.close();
    }
  });

  it("needs the bearer token, and refuses a malformed id", async () => {
    const res = await fetch(`${server().url}/progress/job-steps`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: { msg: "Invalid bearer token" } });
    const long = await fetch(`${server().url}/progress/${"x".repeat(129)}`, { headers: auth });
    expect(long.status).toBe(422);
    expect(JSON.stringify(await long.json())).toMatch(/request_id/);
  });
});

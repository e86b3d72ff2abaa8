/**
 * @module Livepeer's older asynchronous flow for image-to-video, through a real broadcaster on 127.0.0.1 in front of a
 * FAKE orchestrator: `POST /image-to-video` with `Prefer: respond-async` answers a `request_id`, and
 * `POST /image-to-video/result` answers `processing` until the job ends, then `complete` with the video or the error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiJob } from "./support/async-jobs.js";
import { startBroadcaster, type TestBroadcaster } from "./support/broadcaster.js";
import { type FakeOrchestrator, PNG_1X1, startFakeOrchestrator } from "./support/fake-orchestrator.js";

const MODEL = "tiny/svd";
const A = { authorization: "Bearer key-a" };
const B = { authorization: "Bearer key-b" };
/** An mp4's first box (`ftyp`), then filler: what the broadcaster checks an mp4 output starts with. */
const MP4 = Buffer.concat([Buffer.from("00000018667479706d70343200000000", "hex"), Buffer.alloc(200, 7)]);

let fake: FakeOrchestrator;
let t: TestBroadcaster;

/** `POST /image-to-video` with `Prefer: respond-async`: the 202's job. */
async function submitVideo(headers: Record<string, string> = A, path = "/image-to-video"): Promise<ApiJob> {
  const form = new FormData();
  form.append("model_id", MODEL);
  if (path === "/upscale") form.append("prompt", "");
  form.append("image", new Blob([PNG_1X1], { type: "image/png" }), "still.png");
  const res = await fetch(`${t.url}${path}`, {
    method: "POST",
    body: form,
    headers: { ...headers, prefer: "respond-async" },
  });
  expect(res.status).toBe(202);
  return (await res.json()) as ApiJob;
}

/** `POST /image-to-video/result` with `body` (JSON unless a string). */
async function result(body: unknown, headers: Record<string, string> = A) {
  const res = await fetch(`${t.url}/image-to-video/result`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls the result route until it stops answering `processing`. */
async function settled(requestId: string) {
  for (let i = 0; i < 400; i++) {
    const r = await result({ request_id: requestId });
    if (r.status !== 202) return r;
    expect(r.body).toEqual({ status: "processing" });
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${requestId} still processing`);
}

beforeAll(async () => {
  fake = await startFakeOrchestrator([
    { pipeline: "image-to-video", model_id: MODEL, capacity: 8 },
    { pipeline: "upscale", model_id: MODEL, capacity: 8 },
  ]);
  fake.outputType = "video/mp4";
  fake.outputBody = new Uint8Array(MP4);
  t = await startBroadcaster({ orchestrators: [fake.url], apiKeys: ["key-a", "key-b"], retryBudgetMs: 1000 });
  for (let i = 0; i < 100 && (await fetch(`${t.url}/ready`)).status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
});

describe("POST /image-to-video/result", () => {
  it("answers processing while the job runs, then the video, by the 202's request_id or its job id", async () => {
    fake.behaviour = { kind: "ok", delayMs: 300 };
    const job = await submitVideo();
    const early = await result({ request_id: job.request_id });
    expect(early).toEqual({ status: 202, body: { status: "processing" } });
    const done = await settled(job.request_id);
    expect(done.status).toBe(200);
    const images = (done.body.result as { images: Array<{ url: string; seed: number; nsfw: boolean }> }).images;
    expect(done.body.status).toBe("complete");
    expect(images).toEqual([{ url: expect.stringMatching(/\/outputs\/[A-Za-z0-9_-]+\.mp4$/), seed: 42, nsfw: false }]);
    const video = await fetch(images[0]!.url);
    expect(video.headers.get("content-type")).toBe("video/mp4");
    expect(Buffer.compare(Buffer.from(await video.arrayBuffer()), MP4)).toBe(0);
    expect(await result({ request_id: job.id })).toEqual(done);
  });

  it("answers the newest of the caller's jobs sent with one X-Request-Id", async () => {
    fake.behaviour = { kind: "ok" };
    await submitVideo({ ...A, "x-request-id": "order-9" });
    const second = await submitVideo({ ...A, "x-request-id": "order-9" });
    fake.behaviour = { kind: "status", status: 400, msg: "the image is too small" };
    const third = await submitVideo({ ...A, "x-request-id": "order-9" });
    const done = await settled("order-9");
    expect(done).toEqual({
      status: 200,
      body: { status: "complete", result: { error: { message: "the image is too small", status: 400 } } },
    });
    expect(third.request_id).toBe(second.request_id);
  });

  it("answers a cancelled job as complete with an error", async () => {
    fake.behaviour = { kind: "ok", delayMs: 5000 };
    const job = await submitVideo();
    const cancel = await fetch(`${t.url}/jobs/${job.id}/cancel`, { method: "POST", headers: A });
    expect([200, 202]).toContain(cancel.status);
    const done = await settled(job.id);
    expect(done).toEqual({
      status: 200,
      body: { status: "complete", result: { error: { message: `job ${job.id} was cancelled`, status: 499 } } },
    });
  });

  it("answers 400 for an id that names no image-to-video job of the caller's", async () => {
    fake.behaviour = { kind: "ok" };
    const mine = await submitVideo();
    const upscale = await submitVideo(A, "/upscale");
    for (const [id, headers] of [
      ["no-such-request", A],
      ["job_AAAAAAAAAAAAAAAAAAAAAA", A],
      [mine.id, B],
      [mine.request_id, B],
      [upscale.id, A],
      [upscale.request_id, A],
    ] as const) {
      const r = await result({ request_id: id }, headers);
      expect(r.status, id).toBe(400);
      expect(r.body).toEqual({ detail: { msg: `invalid request ID ${id}: no image-to-video job of yours has it` } });
    }
  });

  it("refuses a request without a key, or with a body that is not a request id, and changes nothing", async () => {
    const job = await submitVideo();
    expect((await result({ request_id: job.id }, {})).status).toBe(401);
    for (const body of [
      {},
      { request_id: 7 },
      { request_id: "" },
      { request_id: "x".repeat(129) },
      { request_id: "a b" },
    ]) {
      const r = await result(body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect((r.body.detail as Array<{ loc: string[] }>)[0]?.loc).toEqual(["body", "request_id"]);
    }
    const empty = await result({ request_id: "" });
    expect((empty.body.detail as unknown[])[0]).toEqual({
      loc: ["body", "request_id"],
      msg: "request_id must not be empty",
      type: "string_too_short",
    });
    const broken = await result("{not json");
    expect(broken.status).toBe(422);
    expect(broken.body).toMatchObject({ detail: [{ loc: ["body"], type: "json_invalid" }] });
    const text = await fetch(`${t.url}/image-to-video/result`, { method: "POST", headers: A, body: job.id });
    expect(text.status).toBe(415);
    expect((await settled(job.id)).status).toBe(200);
  });
});

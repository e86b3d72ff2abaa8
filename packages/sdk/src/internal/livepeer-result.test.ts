/**
 * @module Livepeer's asynchronous image-to-video flow through `client.submit`, against a scripted server on 127.0.0.1
 * that answers as go-livepeer's gateway does (a FAKE of it: that gateway cannot run here) and as our broadcaster's
 * `POST /image-to-video/result` does (packages/broadcaster/test/livepeer-async-result.test.ts): a 202 with only a
 * `request_id`, then `processing` until `complete` with the result or its error.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { json, type Step, startScriptedServer } from "../../test/scripted-server.js";
import { createClient } from "../client.js";
import {
  AbortError,
  BadRequestError,
  InternalServerError,
  MalformedResponseError,
  SdkError,
  ServiceUnavailableError,
} from "../errors.js";
import { JobCancelledError, type JobEvent } from "../jobs.js";

const RESULT = { images: [{ url: "http://gw/outputs/v.mp4", seed: 42, nsfw: false }] };
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
const processing = json(202, { status: "processing" });
const complete = (result: unknown) => json(200, { status: "complete", result });

/** go-livepeer's gateway: the 202 with a request_id for the submit, then `results` for each poll, the last repeating. */
async function livepeer(...results: Step[]) {
  let polls = 0;
  const server = await startScriptedServer([
    (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
      if (req.url === "/image-to-video") return json(202, { request_id: "a1b2c3d4" })(req, res, body);
      return results[Math.min(polls++, results.length - 1)]!(req, res, body);
    },
  ]);
  close = server.close;
  return server;
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe("Livepeer's asynchronous image-to-video flow", () => {
  it("polls POST /image-to-video/result with the request_id until the result, reporting progress", async () => {
    const server = await livepeer(processing, processing, complete(RESULT));
    const client = createClient({ baseUrl: server.url, apiKey: "k" });
    const job = await client.submit("imageToVideo", { modelId: "svd", image: PNG });
    expect([job.id, job.job.status, job.job.request_id]).toEqual(["a1b2c3d4", "queued", "a1b2c3d4"]);
    const seen: Array<[number, string]> = [];
    const result = await job.wait({ onProgress: (p, j) => seen.push([p.fraction, j.status]) });
    expect(result).toEqual(RESULT);
    expect(seen).toEqual([
      [0, "running"],
      [1, "succeeded"],
    ]);
    expect(job.job).toMatchObject({ status: "succeeded", pipeline: "image-to-video", model_id: "svd", result: RESULT });
    const polls = server.received.slice(1);
    expect(polls.map((r) => [r.method, r.url, r.headers["content-type"], r.headers.authorization])).toEqual(
      Array(3).fill(["POST", "/image-to-video/result", "application/json", "Bearer k"]),
    );
    expect(polls.map((r) => JSON.parse(r.body.toString()))).toEqual(Array(3).fill({ request_id: "a1b2c3d4" }));
  });

  it("yields a status event, then the result, from events(); refresh() polls once", async () => {
    const server = await livepeer(processing, complete(RESULT));
    const job = await createClient({ baseUrl: server.url }).submit("imageToVideo", { image: PNG });
    const events: JobEvent[] = [];
    for await (const e of job.events()) events.push(e);
    expect(events.map((e) => [e.type, e.id, e.type === "progress" ? "" : e.job.status])).toEqual([
      ["status", undefined, "running"],
      ["result", undefined, "succeeded"],
    ]);
    expect(await job.refresh()).toMatchObject({ status: "succeeded", result: RESULT });
  });

  it("rejects wait() with the error the synchronous call would have thrown, or JobCancelledError", async () => {
    const outcome = async (answer: unknown) => {
      const server = await livepeer(complete(answer));
      const c = createClient({ baseUrl: server.url });
      const err = await (await c.submit("imageToVideo", { image: PNG })).wait().catch((e) => e);
      await server.close();
      return err;
    };
    const small = await outcome({ error: { message: "the image is too small", status: 400 } });
    expect(small).toBeInstanceOf(BadRequestError);
    expect(small.message).toBe("[POST] /image-to-video: 400 Bad Request — the image is too small");
    expect(small.requestId).toBe("a1b2c3d4");
    // go-livepeer's own error has no status: it failed as a 500 would have.
    const failed = await outcome({ error: { message: "inference failed" } });
    expect(failed).toBeInstanceOf(InternalServerError);
    expect(failed.message).toBe("[POST] /image-to-video: 500 Internal Server Error — inference failed");
    const cancelled = await outcome({ error: { message: "job job_x was cancelled", status: 499 } });
    expect(cancelled).toBeInstanceOf(JobCancelledError);
    expect(cancelled.message).toBe("[POST] /image-to-video: job a1b2c3d4 was cancelled");
  });

  it("throws the result route's 400 for a request id the gateway does not know", async () => {
    const server = await livepeer(
      json(400, { detail: { msg: "invalid request ID a1b2c3d4: no image-to-video job of yours has it" } }),
    );
    const job = await createClient({ baseUrl: server.url }).submit("imageToVideo", { image: PNG });
    const err = await job.wait().catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toBe(
      "[POST] /image-to-video/result: 400 Bad Request — invalid request ID a1b2c3d4: no image-to-video job of yours has it",
    );
  });

  it("stops polling when the signal fires, and says cancel() does not exist in this flow", async () => {
    const server = await livepeer(processing);
    const job = await createClient({ baseUrl: server.url }).submit("imageToVideo", { image: PNG });
    const started = Date.now();
    const err = await job.wait({ signal: AbortSignal.timeout(200) }).catch((e) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(Date.now() - started).toBeLessThan(1000);
    const polled = server.received.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(server.received).toHaveLength(polled);
    const cancel = await job.cancel().catch((e) => e);
    expect(cancel).toBeInstanceOf(SdkError);
    expect(cancel.message).toBe(
      "[POST] /image-to-video/result: Livepeer's asynchronous image-to-video flow has no cancel; request a1b2c3d4 runs to its end",
    );
  });

  it("polls on through a burst of 502s (a proxy restarting), as an event stream reconnects", async () => {
    const page: Step = (_req, res) => void res.writeHead(502, { "content-type": "text/html" }).end("<html>502</html>");
    const server = await livepeer(processing, page, page, page, page, processing, complete(RESULT));
    const job = await createClient({ baseUrl: server.url }).submit("imageToVideo", { image: PNG });
    const events: string[] = [];
    for await (const e of job.events()) events.push(e.type);
    expect(events).toEqual(["status", "result"]);
    expect(job.job.result).toEqual(RESULT);
    expect(server.received).toHaveLength(8);
  }, 20_000);

  it("rejects with the 8th failed poll in a row, saying 8 attempts, and keeps the signal's word in between", async () => {
    const busy = json(503, { detail: { msg: "busy" } }, { "retry-after": "0" });
    const server = await livepeer(busy);
    const job = await createClient({ baseUrl: server.url }).submit("imageToVideo", { image: PNG });
    const err = await job.wait().catch((e) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err.message).toBe("[POST] /image-to-video/result: 503 Service Unavailable — busy (8 attempts)");
    expect(server.received).toHaveLength(9);
    const started = Date.now();
    const aborted = await job.wait({ signal: AbortSignal.timeout(100) }).catch((e) => e);
    expect(aborted).toBeInstanceOf(AbortError);
    expect(Date.now() - started).toBeLessThan(1000);
  }, 20_000);

  it("rejects a complete answer whose result is not { images: [{ url }] }", async () => {
    const server = await livepeer(complete({}));
    const err = await (await createClient({ baseUrl: server.url }).submit("imageToVideo", { image: PNG }))
      .wait()
      .catch((e) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.message).toBe(
      '[POST] /image-to-video/result: malformed answer — expected a complete answer whose result is a JSON object with an images array of objects with a url string, got 200 (application/json) with body "{\\"status\\":\\"complete\\",\\"result\\":{}}"',
    );
  });

  it("rejects at once a status other than Livepeer's processing and complete, naming it and those", async () => {
    // go-livepeer's ImageToVideoStatus has only these two; "done" was taken as "processing" and polled for ever.
    const server = await livepeer(processing, json(200, { status: "done", result: RESULT }));
    const job = await createClient({ baseUrl: server.url }).submit("imageToVideo", { image: PNG });
    const started = Date.now();
    const err = await job.wait({ signal: AbortSignal.timeout(3000) }).catch((e) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.message).toBe(
      `[POST] /image-to-video/result: malformed answer — expected status "processing" or "complete", not "done", got 200 (application/json) with body ${JSON.stringify(JSON.stringify({ status: "done", result: RESULT }))}`,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.received).toHaveLength(3);
    await expect(job.refresh()).rejects.toThrow('expected status "processing" or "complete", not "done"');
  });

  it("refuses any other 202 without a job id, instead of a handle of job undefined", async () => {
    const server = await startScriptedServer([json(202, { request_id: "a1b2c3d4" })]);
    close = server.close;
    const client = createClient({ baseUrl: server.url });
    const err = await client.submit("upscale", { prompt: "", image: PNG }).catch((e) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.message).toBe(
      '[POST] /upscale: malformed answer — expected a 202 with a job id (or, for imageToVideo, Livepeer\'s request_id), got 202 (application/json) with body "{\\"request_id\\":\\"a1b2c3d4\\"}"',
    );
    expect(server.received).toHaveLength(1);
  });
});

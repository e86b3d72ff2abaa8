/**
 * @module `jobs-max-active-per-key`: an API key with that many asynchronous jobs queued or running gets a 429 that
 * says so (with `Retry-After`) and makes no job, while another key still submits, a repeated idempotency key still
 * finds its job, and a job that ends makes room. Without API keys the callers share one count. The jobs stay active
 * because their only orchestrator never answers (an asynchronous job waits for one). `jobs-max-streams-per-key`: the
 * same for the event streams a key has open on the broadcaster; a stream that ends, however, makes room.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiJob, submitAsync, waitForJob } from "./support/async-jobs.js";
import { startBroadcaster, type TestBroadcaster } from "./support/broadcaster.js";

const JOB = { model_id: "tiny/sd", prompt: "a lighthouse", width: 64, height: 64, num_inference_steps: 2 };
const A = { authorization: "Bearer key-a" };
const B = { authorization: "Bearer key-b" };
/** Nothing listens there: jobs wait for an orchestrator until the test ends. */
const NOBODY = "http://127.0.0.1:9";
/** Its jobs never end, so a stop hands them back at once rather than wait out a grace. */
const NO_GRACE = { shutdownGrace: 0 };

async function submit(t: TestBroadcaster, headers: Record<string, string>) {
  const res = await submitAsync(t.url, JOB, headers);
  return { res, body: (await res.json()) as ApiJob & { detail?: { msg: string } } };
}

describe("the most active jobs one API key may have", () => {
  let t: TestBroadcaster;
  beforeAll(async () => {
    t = await startBroadcaster({
      ...NO_GRACE,
      orchestrators: [NOBODY],
      apiKeys: ["key-a", "key-b"],
      jobsMaxActivePerKey: 2,
    });
  });
  afterAll(async () => t?.close());

  it("answers 429 past it, makes no job, and lets other keys, repeats and freed room through", async () => {
    const first = await submit(t, { ...A, "idempotency-key": "first" });
    expect(first.res.status).toBe(202);
    expect((await submit(t, A)).res.status).toBe(202);
    const over = await submit(t, A);
    expect(over.res.status).toBe(429);
    expect(over.res.headers.get("retry-after")).toBe("5");
    expect(over.body).toEqual({
      detail: {
        msg: "this API key already has 2 asynchronous jobs queued or running, the most the gateway allows (jobs-max-active-per-key 2); submit again once one has ended, or cancel one",
      },
    });
    expect((await submit(t, B)).res.status).toBe(202);
    const repeat = await submit(t, { ...A, "idempotency-key": "first" });
    expect([repeat.res.status, repeat.res.headers.get("idempotent-replayed"), repeat.body.id]).toEqual([
      202,
      "true",
      first.body.id,
    ]);
    expect((await fetch(`${t.url}/jobs/${first.body.id}/cancel`, { method: "POST", headers: A })).status).toBe(202);
    expect((await waitForJob(t.url, first.body.id, { headers: A })).status).toBe("cancelled");
    expect((await submit(t, A)).res.status).toBe(202);
    expect((await submit(t, A)).res.status).toBe(429);
  });
});

describe("without API keys", () => {
  let t: TestBroadcaster;
  beforeAll(async () => {
    t = await startBroadcaster({ ...NO_GRACE, orchestrators: [NOBODY], jobsMaxActivePerKey: 1 });
  });
  afterAll(async () => t?.close());

  it("counts every caller's jobs together, and says so", async () => {
    expect((await submit(t, {})).res.status).toBe(202);
    const over = await submit(t, {});
    expect(over.res.status).toBe(429);
    expect(over.body.detail?.msg).toMatch(
      /^callers of this gateway \(it has no API keys\) already have 1 asynchronous job queued or running/,
    );
  });
});

describe("the most event streams one API key may have open", () => {
  let t: TestBroadcaster;
  beforeAll(async () => {
    t = await startBroadcaster({
      ...NO_GRACE,
      orchestrators: [NOBODY],
      apiKeys: ["key-a", "key-b"],
      jobsMaxStreamsPerKey: 2,
    });
  });
  afterAll(async () => t?.close());

  /** Opens a job's event stream and reads its first bytes (the stream is counted from then on). */
  async function open(id: string, headers: Record<string, string>) {
    const stop = new AbortController();
    const res = await fetch(`${t.url}/jobs/${id}/events`, { headers, signal: stop.signal });
    const reader = res.ok ? res.body!.getReader() : undefined;
    await reader?.read();
    /** The rest of the stream, to its end. */
    const rest = async () => {
      let text = "";
      for (let r = await reader!.read(); !r.done; r = await reader!.read()) text += Buffer.from(r.value).toString();
      return text;
    };
    return { res, stop, rest };
  }

  it("answers 429 past it, lets other keys and GET /jobs/{id} through, and a closed stream makes room", async () => {
    const job = (await submit(t, A)).body;
    const other = (await submit(t, B)).body;
    const first = await open(job.id, A);
    const second = await open(job.id, A);
    expect([first.res.status, second.res.status]).toEqual([200, 200]);
    const over = await open(job.id, A);
    expect(over.res.status).toBe(429);
    expect(over.res.headers.get("retry-after")).toBe("5");
    expect(await over.res.json()).toEqual({
      detail: {
        msg: "this API key already has 2 event streams open on this broadcaster, the most it allows (jobs-max-streams-per-key 2); close one, or read GET /jobs/{id} instead",
      },
    });
    expect((await fetch(`${t.url}/jobs/${job.id}`, { headers: A })).status).toBe(200);
    const b = await open(other.id, B);
    expect(b.res.status).toBe(200);
    // The client goes away: the broadcaster sees the stream end and uncounts it.
    first.stop.abort();
    let again = await open(job.id, A);
    for (let i = 0; again.res.status === 429 && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 20));
      again = await open(job.id, A);
    }
    expect(again.res.status).toBe(200);
    // Streams that end with the job's result are uncounted too.
    expect((await fetch(`${t.url}/jobs/${job.id}/cancel`, { method: "POST", headers: A })).status).toBe(202);
    for (const s of [second, again]) expect(await s.rest()).toContain("event: result");
    const after = await fetch(`${t.url}/jobs/${job.id}/events`, { headers: A });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain("event: result");
    b.stop.abort();
  });
});

/**
 * @module Asynchronous jobs on the embedded SQLite store, through a real broadcaster on 127.0.0.1 in front of a FAKE
 * orchestrator (scripted answers and delays): `Prefer: respond-async`, job status and result, the event stream and
 * its resumption, cancel (queued and running), idempotency keys, ownership by API key, failures, and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiJob, readEvents, submitAsync, waitForJob } from "./support/async-jobs.js";
import { startBroadcaster, type TestBroadcaster, textToImage } from "./support/broadcaster.js";
import { type FakeOrchestrator, startFakeOrchestrator } from "./support/fake-orchestrator.js";

const MODEL = "tiny/sd";
const KEY_A = "key-a";
const KEY_B = "key-b";
const A = { authorization: `Bearer ${KEY_A}` };
const B = { authorization: `Bearer ${KEY_B}` };
const JOB = { model_id: MODEL, prompt: "a lighthouse", width: 64, height: 64, num_inference_steps: 2 };

let fake: FakeOrchestrator;
let t: TestBroadcaster;

beforeAll(async () => {
  fake = await startFakeOrchestrator([
    { pipeline: "text-to-image", model_id: MODEL, capacity: 8 },
    { pipeline: "upscale", model_id: MODEL, capacity: 8 },
  ]);
  t = await startBroadcaster({
    orchestrators: [fake.url],
    apiKeys: [KEY_A, KEY_B],
    jobsConcurrency: 1,
    retryBudgetMs: 1000,
  });
  // Wait until the broadcaster has polled the fake's capabilities.
  for (let i = 0; i < 100; i++) {
    if ((await textToImage(t.url, JOB, A)).status === 200) break;
    await new Promise((r) => setTimeout(r, 50));
  }
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const submit = async (body: Record<string, unknown> = JOB, headers: Record<string, string> = A) => {
  const res = await submitAsync(t.url, body, headers);
  return { res, job: (await res.json()) as ApiJob };
};

describe("Prefer: respond-async", () => {
  it("answers 202 with the queued job, Location and Preference-Applied, then runs it to the sync route's answer", async () => {
    fake.behaviour = { kind: "ok" };
    const before = fake.jobs.length;
    const { res, job } = await submit(JOB, { ...A, "x-request-id": "async-req-1" });
    expect(res.status).toBe(202);
    expect(res.headers.get("preference-applied")).toBe("respond-async");
    expect(res.headers.get("location")).toBe(`${t.url}/jobs/${job.id}`);
    expect(job).toMatchObject({
      status: "queued",
      pipeline: "text-to-image",
      model_id: MODEL,
      request_id: "async-req-1",
      progress: { fraction: 0 },
      cancel_requested: false,
    });
    expect(job.id).toMatch(/^job_[A-Za-z0-9_-]{22}$/);
    const done = await waitForJob(t.url, job.id, { headers: A });
    expect(done.status).toBe("succeeded");
    expect(done.progress).toEqual({ fraction: 1 });
    expect(done.result?.images).toHaveLength(1);
    expect(done.result?.images[0]).toMatchObject({ seed: 42, nsfw: false });
    expect(done.result?.images[0]?.url).toMatch(new RegExp(`^${t.url}/outputs/[A-Za-z0-9_-]+\\.png$`));
    expect(Date.parse(done.finished_at!)).toBeGreaterThanOrEqual(Date.parse(done.started_at!));
    const png = await fetch(done.result!.images[0]!.url);
    expect(png.status).toBe(200);
    expect(fake.jobs.length).toBe(before + 1);
    // Upstream the job goes by its id, which no other caller can choose; the caller's id stays in the job and logs.
    expect(fake.jobs.at(-1)).toMatchObject({ requestId: job.id, fields: { prompt: "a lighthouse" } });
  });

  it("sends two callers' jobs upstream under ids of their own, though the callers sent one X-Request-Id", async () => {
    fake.behaviour = { kind: "ok" };
    const before = fake.jobs.length;
    const one = await submit(JOB, { ...A, "x-request-id": "order-1" });
    const two = await submit(JOB, { ...B, "x-request-id": "order-1" });
    await waitForJob(t.url, one.job.id, { headers: A });
    await waitForJob(t.url, two.job.id, { headers: B });
    expect(
      fake.jobs
        .slice(before)
        .map((j) => j.requestId)
        .sort(),
    ).toEqual([one.job.id, two.job.id].sort());
    expect([one.job.request_id, two.job.request_id]).toEqual(["order-1", "order-1"]);
  });

  it("leaves the synchronous route as it was without the preference", async () => {
    fake.behaviour = { kind: "ok" };
    const res = await textToImage(t.url, JOB, { ...A, prefer: "return=minimal" });
    expect(res.status).toBe(200);
    expect(res.headers.get("preference-applied")).toBeNull();
    expect(Object.keys(await res.json())).toEqual(["images"]);
  });

  it("keeps an uploaded file past the request and sends its bytes to the orchestrator", async () => {
    fake.behaviour = { kind: "ok" };
    const bytes = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 31) % 251);
    const form = new FormData();
    form.append("model_id", MODEL);
    form.append("prompt", "");
    form.append("image", new Blob([bytes], { type: "image/png" }), "big.png");
    const res = await fetch(`${t.url}/upscale`, {
      method: "POST",
      body: form,
      headers: { ...A, prefer: "respond-async" },
    });
    expect(res.status).toBe(202);
    const job = (await res.json()) as ApiJob;
    const uploads = fake.uploads.length;
    expect((await waitForJob(t.url, job.id, { headers: A })).status).toBe("succeeded");
    expect(fake.uploads.length).toBe(uploads + 1);
    expect(Buffer.compare(fake.uploads.at(-1)!, Buffer.from(bytes))).toBe(0);
  });

  it("records an orchestrator's 4xx as the job's error, in the usual shape", async () => {
    fake.behaviour = { kind: "status", status: 400, msg: "Height and width must be divisible by 8" };
    const { job } = await submit();
    const done = await waitForJob(t.url, job.id, { headers: A });
    fake.behaviour = { kind: "ok" };
    expect(done.status).toBe("failed");
    expect(done.error).toEqual({ status: 400, detail: { msg: "Height and width must be divisible by 8" } });
    expect(done.result).toBeUndefined();
  });

  it("refuses a model no orchestrator offers with the sync route's 400, and queues nothing", async () => {
    const res = await submitAsync(t.url, { ...JOB, model_id: "nobody/has-it" }, { ...A, "idempotency-key": "typo-1" });
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    expect(((await res.json()) as { detail: { msg: string } }).detail.msg).toMatch(
      /^model_id "nobody\/has-it" is not offered for text-to-image by any orchestrator; offered: /,
    );
    // No job was made of the refused request: the same key with the corrected body is not a conflict.
    const fixed = await submitAsync(t.url, JOB, { ...A, "idempotency-key": "typo-1" });
    expect(fixed.status).toBe(202);
    expect(fixed.headers.get("idempotent-replayed")).toBeNull();
    expect((await waitForJob(t.url, ((await fixed.json()) as ApiJob).id, { headers: A })).status).toBe("succeeded");
  });

  it("answers the job a key made when the request is sent again after its model was withdrawn", async () => {
    const key = { ...A, "idempotency-key": "withdrawn-1" };
    const first = await submitAsync(t.url, JOB, key);
    expect(first.status).toBe(202);
    const made = (await first.json()) as ApiJob;
    await waitForJob(t.url, made.id, { headers: A });
    const offered = fake.capabilities;
    fake.capabilities = [];
    try {
      // Once the broadcaster has read the orchestrator's /info without the model, a new request is refused …
      const deadline = Date.now() + 10_000;
      let fresh: Response;
      do {
        await new Promise((r) => setTimeout(r, 50));
        fresh = await submitAsync(t.url, JOB, A);
      } while (fresh.status === 202 && Date.now() < deadline);
      expect(fresh.status).toBe(400);
      // … but the same request with its key is the job it made, as sending again must be safe.
      const again = await submitAsync(t.url, JOB, key);
      expect(again.status).toBe(202);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(((await again.json()) as ApiJob).id).toBe(made.id);
    } finally {
      fake.capabilities = offered;
      // The next tests need the model back: wait until the broadcaster has read it again.
      for (let i = 0; i < 200 && (await textToImage(t.url, JOB, A)).status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });
});

describe("a job that fails alike on two orchestrators", () => {
  it("fails at once with the sync route's 500, without waiting to try them again or holding them back", async () => {
    const fakes = await Promise.all(
      [0, 1].map(() => startFakeOrchestrator([{ pipeline: "text-to-image", model_id: MODEL }])),
    );
    const gw = await startBroadcaster({
      orchestrators: fakes.map((f) => f.url),
      apiKeys: [KEY_A],
      backoffBaseMs: 5000,
    });
    try {
      for (const f of fakes) f.behaviour = { kind: "status", status: 500, msg: "unsupported pixel format" };
      const started = Date.now();
      const res = await submitAsync(gw.url, JOB, A);
      expect(res.status).toBe(202);
      const done = await waitForJob(gw.url, ((await res.json()) as ApiJob).id, { headers: A });
      // An asynchronous job otherwise tries failed orchestrators again once their holds (5 s here) end.
      expect(Date.now() - started).toBeLessThan(4000);
      expect(done.status).toBe("failed");
      expect(done.error?.status).toBe(500);
      expect((done.error!.detail as { msg: string }).msg).toMatch(
        /^text-to-image\/tiny\/sd failed the same way on 2 orch/,
      );
      expect(fakes.map((f) => f.jobs.length)).toEqual([1, 1]);
      expect(gw.b.registry.list().map((o) => o.heldUntil("text-to-image", MODEL) > Date.now())).toEqual([false, false]);
    } finally {
      await gw.close();
      await Promise.all(fakes.map((f) => f.close()));
    }
  });
});

describe("the event stream", () => {
  it("sends queued, running and the result with sequence ids, then closes; resumes after Last-Event-ID", async () => {
    fake.behaviour = { kind: "ok", delayMs: 150 };
    const { job } = await submit();
    const all = await readEvents(t.url, job.id, { headers: A });
    expect(all.status).toBe(200);
    expect(all.contentType).toMatch(/^text\/event-stream/);
    expect(all.events.map((e) => [e.id, e.event, JSON.parse(e.data).status])).toEqual([
      ["1", "status", "queued"],
      ["2", "status", "running"],
      ["3", "result", "succeeded"],
    ]);
    expect(JSON.parse(all.events[2]!.data).result.images).toHaveLength(1);
    const resumed = await readEvents(t.url, job.id, { headers: A, lastEventId: "1" });
    expect(resumed.events.map((e) => e.id)).toEqual(["2", "3"]);
    // At the result, or past it (an id it never sent): the result again, not an empty stream to reconnect to.
    for (const lastEventId of ["3", "999"]) {
      const afterEnd = await readEvents(t.url, job.id, { headers: A, lastEventId });
      expect(afterEnd.status).toBe(200);
      expect(afterEnd.events).toEqual([all.events[2]]);
    }
    fake.behaviour = { kind: "ok" };
  });

  it("rejects a malformed Last-Event-ID with a 422", async () => {
    const { job } = await submit();
    const res = await readEvents(t.url, job.id, { headers: A, lastEventId: "abc" });
    expect(res.status).toBe(422);
  });
});

describe("cancel", () => {
  it("cancels a queued job at once (it never reaches an orchestrator) and a running one at its upstream call", async () => {
    fake.behaviour = { kind: "ok", delayMs: 5000 };
    const aborted = fake.aborted;
    const logged = t.logs.length;
    const { job: running } = await submit({ ...JOB, prompt: "slow one" });
    const { job: queued } = await submit({ ...JOB, prompt: "never runs" });
    await waitForJob(t.url, running.id, { headers: A, until: (j) => j.status === "running" });

    const q = await fetch(`${t.url}/jobs/${queued.id}/cancel`, { method: "POST", headers: A });
    expect(q.status).toBe(200);
    expect(await q.json()).toMatchObject({ status: "cancelled", cancel_requested: true });

    const r = await fetch(`${t.url}/jobs/${running.id}/cancel`, { method: "POST", headers: A });
    expect(r.status).toBe(202);
    expect(await r.json()).toMatchObject({ status: "running", cancel_requested: true });
    const done = await waitForJob(t.url, running.id, { headers: A });
    expect(done.status).toBe("cancelled");
    await expect.poll(() => fake.aborted).toBe(aborted + 1);
    expect(fake.jobs.some((j) => j.fields.prompt === "never runs")).toBe(false);
    // Logged as the cancel it was, not as a client that went away.
    const cut = t.logs.slice(logged).filter((l) => String(l.msg).endsWith("upstream call cancelled"));
    expect(cut.map((l) => [l.msg, l.why])).toEqual([["upstream call cancelled", "job cancelled"]]);

    const again = await fetch(`${t.url}/jobs/${queued.id}/cancel`, { method: "POST", headers: A });
    expect(again.status).toBe(200);
    fake.behaviour = { kind: "ok" };
  });

  it("refuses to cancel a job that already succeeded (409)", async () => {
    const { job } = await submit();
    await waitForJob(t.url, job.id, { headers: A });
    const res = await fetch(`${t.url}/jobs/${job.id}/cancel`, { method: "POST", headers: A });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      detail: { msg: `job ${job.id} already succeeded; only queued or running jobs can be cancelled` },
    });
  });
});

describe("Idempotency-Key", () => {
  it("answers the same job for the same key and body, and a 422 for another body", async () => {
    const key = `k-${Date.now()}`;
    const first = await submit(JOB, { ...A, "idempotency-key": key });
    // Field order and defaults spelled out do not make another request.
    const same = await submit(
      { num_inference_steps: 2, height: 64, width: 64, prompt: "a lighthouse", model_id: MODEL, guidance_scale: 7.5 },
      { ...A, "idempotency-key": key },
    );
    expect(same.res.status).toBe(202);
    expect(same.res.headers.get("idempotent-replayed")).toBe("true");
    expect(first.res.headers.get("idempotent-replayed")).toBeNull();
    expect(same.job.id).toBe(first.job.id);

    const other = await submitAsync(t.url, { ...JOB, prompt: "another" }, { ...A, "idempotency-key": key });
    expect(other.status).toBe(422);
    expect(await other.json()).toEqual({
      detail: [
        {
          loc: ["header", "Idempotency-Key"],
          msg: `Idempotency-Key "${key}" was already used for another request (job ${first.job.id}, text-to-image); send the same request again to get that job, or use a new key`,
          type: "idempotency_key_reused",
        },
      ],
    });
    // Keys are per API key: B's use of the same key makes B's own job.
    const forB = await submit(JOB, { ...B, "idempotency-key": key });
    expect(forB.res.status).toBe(202);
    expect(forB.job.id).not.toBe(first.job.id);
  });
});

describe("non-ASCII header values", () => {
  // fetch sends each character of a header value as one byte: these strings are the UTF-8 bytes of "clé-1", etc.
  const utf8 = (text: string) => Buffer.from(text, "utf8").toString("latin1");

  it("quotes a refused Idempotency-Key and Webhook-Url as the UTF-8 the client sent, not as Latin-1", async () => {
    const key = await submitAsync(t.url, JOB, { ...A, "idempotency-key": utf8("clé-1") });
    expect(key.status).toBe(422);
    const keyIssue = ((await key.json()) as { detail: Array<{ loc: string[]; msg: string }> }).detail[0]!;
    expect(keyIssue.loc).toEqual(["header", "Idempotency-Key"]);
    expect(keyIssue.msg).toMatch(/, got "clé-1"$/);
    const url = await submitAsync(t.url, JOB, { ...A, "webhook-url": utf8("https://hooks.example.com/é a") });
    expect(url.status).toBe(422);
    const urlIssue = ((await url.json()) as { detail: Array<{ loc: string[]; msg: string }> }).detail[0]!;
    expect(urlIssue.msg).toContain('got "https://hooks.example.com/é a"');
  });
});

describe("ownership", () => {
  it("hides a job from every other API key (404 on read, stream and cancel)", async () => {
    const { job } = await submit();
    for (const [method, path] of [
      ["GET", `/jobs/${job.id}`],
      ["GET", `/jobs/${job.id}/events`],
      ["POST", `/jobs/${job.id}/cancel`],
    ] as const) {
      const res = await fetch(`${t.url}${path}`, { method, headers: B });
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ detail: { msg: `no job ${job.id}` } });
    }
    expect((await fetch(`${t.url}/jobs/${job.id}`)).status).toBe(401);
    expect((await fetch(`${t.url}/jobs/${job.id}`, { headers: A })).status).toBe(200);
  });
});

describe("bad input", () => {
  it.each([
    [{ "webhook-url": "ftp://example.com/x" }, "Webhook-Url"],
    [{ "webhook-url": "http://" }, "Webhook-Url"],
    // The header sent twice, as Node joins it: taken as one URL whose path ran on into the second.
    [{ "webhook-url": "https://hooks.example.com/a, https://hooks.example.com/b" }, "Webhook-Url"],
    [{ "webhook-secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }, "Webhook-Secret"],
    [{ "webhook-url": "http://127.0.0.1:9/x", "webhook-secret": "whsec_c2hvcnQ=" }, "Webhook-Secret"],
  ])("rejects %j with a 422 at that header and queues nothing", async (headers, name) => {
    const res = await submitAsync(t.url, JOB, { ...A, ...headers });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { detail: Array<{ loc: string[]; msg: string }> };
    expect(body.detail[0]!.loc).toEqual(["header", name]);
    expect(body.detail[0]!.msg.length).toBeGreaterThan(10);
  });

  it("answers 422 for a malformed job id and 404 for an unknown one", async () => {
    const bad = await fetch(`${t.url}/jobs/not-a-job`, { headers: A });
    expect(bad.status).toBe(422);
    const unknown = await fetch(`${t.url}/jobs/job_AAAAAAAAAAAAAAAAAAAAAA`, { headers: A });
    expect(unknown.status).toBe(404);
  });
});

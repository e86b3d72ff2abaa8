/**
 * @module Two broadcasters sharing one PostgreSQL job store (a schema of this test's own, dropped afterwards), in
 * front of a FAKE orchestrator: a job submitted through A runs on A and is read, streamed (live, through
 * LISTEN/NOTIFY), cancelled and its output downloaded through B, which runs no jobs itself; idempotency keys hold
 * across broadcasters.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Broadcaster, createBroadcaster } from "../src/index.js";
import { type ApiJob, sseEvents, submitAsync, waitForJob } from "./support/async-jobs.js";
import { startBroadcaster, type TestBroadcaster, textToImage } from "./support/broadcaster.js";
import { type FakeOrchestrator, startFakeOrchestrator } from "./support/fake-orchestrator.js";
import { pgQuery, testSchema } from "./support/postgres.js";

const MODEL = "tiny/sd";
const JOB = { model_id: MODEL, prompt: "two gateways", width: 64, height: 64, num_inference_steps: 1 };
const db = testSchema("two");

let fake: FakeOrchestrator;
let a: TestBroadcaster;
/** B serves HTTP through app.request() and is never started: it runs no jobs. */
let b: Broadcaster;
const viaB = (path: string, init?: RequestInit) => b.app.request(`http://gateway-b${path}`, init);

beforeAll(async () => {
  fake = await startFakeOrchestrator([
    { pipeline: "text-to-image", model_id: MODEL },
    { pipeline: "upscale", model_id: MODEL },
  ]);
  const shared = { jobsDb: db.url, jobsDbSchema: db.schema, outputs: { kind: "postgres" as const } };
  a = await startBroadcaster({ ...shared, orchestrators: [fake.url], jobsLeaseMs: 1500 });
  b = createBroadcaster({ ...shared, logLevel: "silent" });
  await b.ready;
  for (let i = 0; i < 100; i++) {
    if ((await textToImage(a.url, JOB)).status === 200) break;
    await new Promise((r) => setTimeout(r, 50));
  }
});

afterAll(async () => {
  await a?.close();
  await b?.stop();
  await fake?.close();
  await db.drop();
});

describe("a job made through A", () => {
  it("is read, streamed live and downloaded through B", async () => {
    fake.behaviour = { kind: "ok", delayMs: 400 };
    const res = await submitAsync(a.url, JOB);
    expect(res.status).toBe(202);
    const job = (await res.json()) as ApiJob;
    // B's stream starts before the job ends and follows it live to its result.
    const live = await viaB(`/jobs/${job.id}/events`);
    expect(live.status).toBe(200);
    const seen: Array<[string | undefined, string, string]> = [];
    for await (const e of sseEvents(live)) {
      seen.push([e.id, e.event, JSON.parse(e.data).status]);
      if (seen.length === 1)
        expect(((await (await viaB(`/jobs/${job.id}`)).json()) as ApiJob).status).not.toBe("succeeded");
    }
    expect(seen).toEqual([
      ["1", "status", "queued"],
      ["2", "status", "running"],
      ["3", "result", "succeeded"],
    ]);
    const fromB = (await (await viaB(`/jobs/${job.id}`)).json()) as ApiJob;
    expect(fromB.status).toBe("succeeded");
    expect(fromB).toEqual(await waitForJob(a.url, job.id));
    const name = new URL(fromB.result!.images[0]!.url).pathname;
    const png = await viaB(name);
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    fake.behaviour = { kind: "ok" };
  });

  it("is cancelled through B while it runs on A: A aborts its call to the orchestrator", async () => {
    fake.behaviour = { kind: "ok", delayMs: 10_000 };
    const aborted = fake.aborted;
    const job = (await (await submitAsync(a.url, JOB)).json()) as ApiJob;
    await waitForJob(a.url, job.id, { until: (j) => j.status === "running" });
    const res = await viaB(`/jobs/${job.id}/cancel`, { method: "POST" });
    expect(res.status).toBe(202);
    const done = await waitForJob(a.url, job.id, { timeoutMs: 5000 });
    expect(done.status).toBe("cancelled");
    await expect.poll(() => fake.aborted).toBe(aborted + 1);
    const rows = await pgQuery<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${db.schema}".job_events WHERE job_id = $1 AND type = 'result'`,
      [job.id],
    );
    expect(rows[0]!.n).toBe(1);
    fake.behaviour = { kind: "ok" };
  });

  it("keeps an upload made through B in the store, where A, which runs the job, reads it", async () => {
    fake.behaviour = { kind: "ok" };
    const bytes = new Uint8Array(2.2 * 1024 * 1024).map((_, i) => (i * 29) % 251);
    const form = new FormData();
    form.append("model_id", MODEL);
    form.append("prompt", "");
    form.append("image", new Blob([bytes], { type: "image/png" }), "upload.png");
    const res = await viaB("/upscale", { method: "POST", body: form, headers: { prefer: "respond-async" } });
    expect(res.status).toBe(202);
    const job = (await res.json()) as ApiJob;
    const uploads = fake.uploads.length;
    expect((await waitForJob(a.url, job.id)).status).toBe("succeeded");
    expect(fake.uploads.length).toBe(uploads + 1);
    expect(Buffer.compare(fake.uploads.at(-1)!, Buffer.from(bytes))).toBe(0);
    // The input left the store with the job.
    const left = await pgQuery(`SELECT 1 FROM "${db.schema}".job_files WHERE job_id = $1`, [job.id]);
    expect(left).toEqual([]);
  });

  it("keeps its Idempotency-Key across broadcasters", async () => {
    const key = `shared-${Date.now()}`;
    const first = (await (await submitAsync(a.url, JOB, { "idempotency-key": key })).json()) as ApiJob;
    const again = await viaB("/text-to-image", {
      method: "POST",
      headers: { "content-type": "application/json", prefer: "respond-async", "idempotency-key": key },
      body: JSON.stringify(JOB),
    });
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(((await again.json()) as ApiJob).id).toBe(first.id);
  });
});

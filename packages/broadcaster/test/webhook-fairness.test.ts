/**
 * @module One API key's dead webhook receiver does not hold up other keys' deliveries: key A makes 24 jobs whose
 * receiver accepts connections and never answers (each attempt holds its slot for the whole webhook timeout), then
 * key B makes one; B's two events arrive within about one timeout, not after A's 48 attempts have each waited theirs
 * 8 at a time. On the SQLite store (one process) and on PostgreSQL (graphile-worker's named queues).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiJob, startBlackHole, startWebhookReceiver, submitAsync, waitForJob } from "./support/async-jobs.js";
import { startBroadcaster } from "./support/broadcaster.js";
import { type FakeOrchestrator, startFakeOrchestrator } from "./support/fake-orchestrator.js";
import { jobStores } from "./support/postgres.js";

const MODEL = "tiny/sd";
const JOB = { model_id: MODEL, prompt: "a lighthouse", width: 64, height: 64, num_inference_steps: 1 };
const TIMEOUT_MS = 1000;
const cleanups: Array<() => Promise<unknown> | unknown> = [];
let fake: FakeOrchestrator;
let blackHole: string;

beforeAll(async () => {
  fake = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: MODEL, capacity: 100 }]);
  cleanups.push(() => fake.close());
  const hole = await startBlackHole();
  blackHole = hole.url;
  cleanups.push(() => hole.close());
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const stores = jobStores("fair", cleanups);

describe.each(stores)("on %s", (_name, store) => {
  it("delivers another key's events while one key's receiver never answers", async () => {
    const hook = await startWebhookReceiver();
    cleanups.push(() => hook.close());
    const t = await startBroadcaster({
      ...store(),
      orchestrators: [fake.url],
      apiKeys: ["key-a", "key-b"],
      webhookTimeoutMs: TIMEOUT_MS,
      webhookAllowNetworks: ["127.0.0.1"],
    });
    cleanups.push(() => t.close());
    await expect.poll(async () => (await fetch(`${t.url}/ready`)).status, { timeout: 10_000 }).toBe(200);
    fake.behaviour = { kind: "ok" };
    const as = (key: string, url: string) => ({ authorization: `Bearer ${key}`, "webhook-url": url });
    const ids = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const res = await submitAsync(t.url, { ...JOB, prompt: `a ${i}` }, as("key-a", blackHole));
        expect(res.status).toBe(202);
        return ((await res.json()) as ApiJob).id;
      }),
    );
    for (const id of ids) await waitForJob(t.url, id, { headers: { authorization: "Bearer key-a" } });

    const res = await submitAsync(t.url, JOB, as("key-b", hook.url));
    const b = ((await res.json()) as ApiJob).id;
    const started = Date.now();
    await waitForJob(t.url, b, { headers: { authorization: "Bearer key-b" } });
    await expect.poll(() => hook.accepted().length, { timeout: 20_000, interval: 20 }).toBe(2);
    const ms = Date.now() - started;
    console.log(`${_name}: key B's two events arrived ${ms} ms after its job, behind key A's 48 stuck deliveries`);
    // Before: A's 48 attempts went first, 8 at a time, each holding its slot for the timeout (≈ 6 s).
    expect(ms).toBeLessThan(3 * TIMEOUT_MS);
  }, 60_000);
});

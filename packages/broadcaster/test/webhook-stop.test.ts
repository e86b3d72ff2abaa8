/**
 * @module A broadcaster that stops while a webhook delivery waits on a receiver that never answers: the delivery is
 * cut short and due again at once, so the stop takes its grace, not the webhook timeout, and warns of nothing. On the
 * SQLite store (one process) and on PostgreSQL.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type ApiJob, startBlackHole, submitAsync, waitForJob } from "./support/async-jobs.js";
import { startBroadcaster } from "./support/broadcaster.js";
import { startFakeOrchestrator } from "./support/fake-orchestrator.js";
import { jobStores, pgQuery } from "./support/postgres.js";

const MODEL = "tiny/sd";
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const stores = jobStores("hookstop", cleanups);

describe.each(stores)("on %s", (name, store) => {
  it("cuts a delivery in flight short and stops within its grace, leaving it due", async () => {
    const fake = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: MODEL }]);
    cleanups.push(() => fake.close());
    const hole = await startBlackHole();
    cleanups.push(() => hole.close());
    const db = store();
    const t = await startBroadcaster({
      ...db,
      orchestrators: [fake.url],
      webhookTimeoutMs: 20_000,
      webhookAllowNetworks: ["127.0.0.1"],
      shutdownGrace: 1,
    });
    cleanups.push(() => t.close());
    await expect.poll(async () => (await fetch(`${t.url}/ready`)).status, { timeout: 10_000 }).toBe(200);
    const job = { model_id: MODEL, prompt: "a hook", width: 64, height: 64 };
    const res = await submitAsync(t.url, job, { "webhook-url": hole.url });
    const { id } = (await res.json()) as ApiJob;
    await waitForJob(t.url, id);
    await expect.poll(hole.taken, { timeout: 10_000 }).toBeGreaterThan(0);
    const started = Date.now();
    await t.b.stop();
    const ms = Date.now() - started;
    console.log(`${name}: stopped ${ms} ms after SIGTERM with a delivery in flight (grace 1 s, webhook timeout 20 s)`);
    // Before: the stop waited for the receiver until the hand-back and close limits ran out (≈ 6 s), and warned.
    expect(ms).toBeLessThan(3000);
    const stuck = ["running async jobs were not handed back in time", "the stores' connections did not close"];
    expect(t.logs.filter((l) => stuck.some((m) => String(l.msg).startsWith(m)))).toEqual([]);
    if (db.jobsDbSchema) {
      const rows = await pgQuery(
        `SELECT status, attempts, last_error FROM "${db.jobsDbSchema}".webhook_deliveries WHERE job_id = $1`,
        [id],
      );
      expect(rows).toContainEqual({
        status: "pending",
        attempts: 1,
        last_error: "the broadcaster stopped before the receiver answered",
      });
    }
  }, 60_000);
});

/**
 * @module A job that ends while its PostgreSQL job store cannot be reached, through a TCP proxy of the test's own
 * (support/pg-proxy.ts): it records its end once the store is back within its lease, instead of running again from
 * the start, keeps its outputs when a write of that end committed though its answer was lost, and offers its outputs
 * again to an output store in that database that failed to take them.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type ApiJob, submitAsync, waitForJob } from "./support/async-jobs.js";
import { OUTAGE_MODEL, outageFixtures } from "./support/outage-fixture.js";
import { pgQuery } from "./support/postgres.js";

const JOB = { model_id: OUTAGE_MODEL, prompt: "ending", width: 64, height: 64, num_inference_steps: 1 };
const { cleanup, fixture, gatewayVia } = outageFixtures(500);
afterAll(cleanup, 120_000);

/**
 * A job (lease 6 s) whose answer comes while the store refuses connections; the store is back 2 s later, before
 * the lease ends.
 */
async function endDuringOutage(label: string, options: Parameters<typeof gatewayVia>[3] = {}) {
  const f = await fixture(label);
  const t = await gatewayVia(f.proxy, f.db, f.fake, { jobsLeaseMs: 6000, ...options });
  f.fake.behaviour = { kind: "ok", delayMs: 800 };
  const job = (await (await submitAsync(t.url, JOB)).json()) as ApiJob;
  await expect.poll(() => f.fake.jobs.length, { interval: 10 }).toBe(1);
  await f.proxy.refuse();
  await expect.poll(() => f.fake.completed.length, { timeout: 5000, interval: 10 }).toBe(1);
  await new Promise((r) => setTimeout(r, 2000));
  await f.proxy.up();
  return { f, t, job };
}

describe("a store that cannot be reached as a job ends", () => {
  it("records the end once the store is back, within the lease: the job is not run again", async () => {
    const { f, t, job } = await endDuringOutage("ending");
    // Before: the end was not recorded, and once the lease ran out the job ran again from the start.
    expect((await waitForJob(t.url, job.id, { timeoutMs: 10_000 })).status).toBe("succeeded");
    expect(await pgQuery(`SELECT runs, takeovers FROM "${f.db.schema}".jobs WHERE id = $1`, [job.id])).toEqual([
      { runs: 1, takeovers: 0 },
    ]);
    expect(f.fake.jobs).toHaveLength(1);
    expect(t.logs.filter((l) => String(l.msg).startsWith("could not record the job's end")).map((l) => l.msg)).toEqual([
      "could not record the job's end; trying again while the run holds the job",
    ]);
  }, 30_000);

  it("offers its outputs again to an output store that fails as the job ends: the work is kept", async () => {
    // The outputs are kept in the same database, which refuses connections as they come.
    const { f, t, job } = await endDuringOutage("outputs_back", { outputs: { kind: "postgres" } });
    // Before: failed for good with "the gateway could not store the job's outputs right now; retry later" (503).
    const done = await waitForJob(t.url, job.id, { timeoutMs: 15_000 });
    expect(done.status).toBe("succeeded");
    expect((await fetch(done.result!.images[0]!.url)).status).toBe(200);
    expect(await pgQuery(`SELECT runs, takeovers FROM "${f.db.schema}".jobs WHERE id = $1`, [job.id])).toEqual([
      { runs: 1, takeovers: 0 },
    ]);
    expect(f.fake.jobs).toHaveLength(1);
  }, 30_000);

  it("keeps the outputs of an end whose write committed though its answer was lost", async () => {
    const f = await fixture("lost_answer");
    const t = await gatewayVia(f.proxy, f.db, f.fake, { jobsLeaseMs: 6000 });
    f.fake.behaviour = { kind: "ok", delayMs: 500 };
    const job = (await (await submitAsync(t.url, JOB)).json()) as ApiJob;
    await expect.poll(() => f.fake.jobs.length, { interval: 10 }).toBe(1);
    // The transaction that records the end commits; the broadcaster never hears so, and writes it again.
    f.proxy.loseAnswerTo("COMMIT");
    const done = await waitForJob(t.url, job.id, { timeoutMs: 10_000 });
    expect(done.status).toBe("succeeded");
    // The second write finds the job ended: taken for a lost lease, the outputs the job names would be deleted.
    await expect.poll(() => t.logs.some((l) => l.msg === "async job done"), { timeout: 5000 }).toBe(true);
    const output = await fetch(done.result!.images[0]!.url);
    expect(output.status).toBe(200);
    expect(t.logs.some((l) => l.msg === "lease lost before the job ended; its outcome was dropped")).toBe(false);
    expect(f.fake.jobs).toHaveLength(1);
  }, 30_000);
});

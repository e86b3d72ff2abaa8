/**
 * @module `jobs-concurrency` bounds the asynchronous jobs one broadcaster runs at once on PostgreSQL with
 * `jobs-start here`, where a job accepted with a free slot starts here at once and the others go through the queue:
 * the queue's runners take entries only into the slots the jobs started here left. Before, each counted apart, and a
 * burst ran up to twice the setting. An in-process broadcaster in front of a slow FAKE orchestrator that counts
 * the calls it answers at once.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type ApiJob, submitAsync, waitForJob } from "./support/async-jobs.js";
import { PG_GATEWAY_MODEL as MODEL, pgGateway } from "./support/pg-gateway.js";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe("a burst of asynchronous jobs (PostgreSQL, jobs-start here)", () => {
  it("never runs more than jobs-concurrency upstream calls at once, and runs every job", async () => {
    const { t, fake } = await pgGateway("burst", cleanups, { jobsStart: "here", jobsConcurrency: 2 });
    fake.behaviour = { kind: "ok", delayMs: 1500 };
    const ids = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const res = await submitAsync(t.url, { model_id: MODEL, prompt: `burst ${i}`, width: 64, height: 64 });
        expect(res.status).toBe(202);
        return ((await res.json()) as ApiJob).id;
      }),
    );
    const done = await Promise.all(ids.map((id) => waitForJob(t.url, id, { timeoutMs: 40_000 })));
    expect(done.map((j) => j.status)).toEqual(Array(8).fill("succeeded"));
    expect(fake.jobs).toHaveLength(8);
    console.log(`8 jobs at jobs-concurrency 2: at most ${fake.peakInFlight} upstream calls at once`);
    expect(fake.peakInFlight).toBe(2);
  }, 60_000);
});

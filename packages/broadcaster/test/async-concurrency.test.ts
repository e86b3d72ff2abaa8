/**
 * @module `jobs-concurrency` bounds the asynchronous jobs one broadcaster runs at once on PostgreSQL with
 * `jobs-start here`, where a job accepted with a free slot starts here at once and the others go through the queue:
 * the queue's runners take entries only into the slots the jobs started here left. Before, each counted apart, and a
 * burst ran up to twice the setting. A runner holding an entry while every slot is busy waits for one (a job's end
 * wakes it) rather than hand the entry back at once and take the next: the queue's entries are counted (a trigger of
 * the test's own on graphile-worker's table) so that a runner cycling the backlog would show. An in-process
 * broadcaster in front of a slow FAKE orchestrator that counts the calls it answers at once.
 */
import { afterAll, describe, expect, it } from "vitest";
import { FULL_WAIT_MS } from "../src/async-jobs/postgres-claim-retry.js";
import { type ApiJob, submitAsync, waitForJob } from "./support/async-jobs.js";
import { PG_GATEWAY_MODEL as MODEL, pgGateway } from "./support/pg-gateway.js";
import { pgQuery } from "./support/postgres.js";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const JOBS = 12;
const CONCURRENCY = 4;
const FAKE_JOB_MS = 1000;

describe("a burst of asynchronous jobs (PostgreSQL, jobs-start here)", () => {
  it("never runs more than jobs-concurrency upstream calls at once, and runs every job", async () => {
    const { t, fake, db } = await pgGateway("burst", cleanups, {
      jobsStart: "here",
      jobsConcurrency: CONCURRENCY,
    });
    fake.behaviour = { kind: "ok", delayMs: FAKE_JOB_MS };
    // Every entry written into the queue: the burst's own, and each one a runner hands back.
    const q = `"${db.schema}_queue"`;
    await pgQuery(`CREATE SEQUENCE ${q}.entries_written`);
    await pgQuery(`CREATE FUNCTION ${q}.count_entry() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM nextval('${q}.entries_written'); RETURN NEW; END $$`);
    await pgQuery(`CREATE TRIGGER count_entry AFTER INSERT ON ${q}._private_jobs FOR EACH ROW
      EXECUTE FUNCTION ${q}.count_entry()`);
    const started = Date.now();
    const ids = await Promise.all(
      Array.from({ length: JOBS }, async (_, i) => {
        const res = await submitAsync(t.url, { model_id: MODEL, prompt: `burst ${i}`, width: 64, height: 64 });
        expect(res.status).toBe(202);
        return ((await res.json()) as ApiJob).id;
      }),
    );
    const done = await Promise.all(ids.map((id) => waitForJob(t.url, id, { timeoutMs: 40_000 })));
    const elapsed = Date.now() - started;
    expect(done.map((j) => j.status)).toEqual(Array(JOBS).fill("succeeded"));
    expect(fake.jobs).toHaveLength(JOBS);
    const [count] = await pgQuery<{ n: string; called: boolean }>(
      `SELECT last_value AS n, is_called AS called FROM ${q}.entries_written`,
    );
    const written = count!.called ? Number(count!.n) : 0;
    console.log(
      `${JOBS} jobs at jobs-concurrency ${CONCURRENCY}: at most ${fake.peakInFlight} upstream calls at once, ` +
        `${elapsed} ms in all, ${written} queue entries written`,
    );
    expect(fake.peakInFlight).toBe(CONCURRENCY);
    // One entry per job that was not started here (at least CONCURRENCY were), and a hand-back only after
    // FULL_WAIT_MS in vain, which jobs of half that leave no reason for: JOBS leaves room for CONCURRENCY of them on
    // a loaded machine. Handing entries back at once, due 0.5 s later, wrote 16 for these 12 jobs.
    expect(FAKE_JOB_MS * 2).toBeLessThanOrEqual(FULL_WAIT_MS);
    expect(written).toBeLessThanOrEqual(JOBS);
  }, 60_000);
});

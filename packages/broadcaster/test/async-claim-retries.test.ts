/**
 * @module A claim that fails on PostgreSQL: the store refuses it for a while (a trigger of the test's own on the
 * real database raises for the first N claims), with an error that means the store is unavailable or with any
 * other. The job is claimed again within a bounded delay — not after graphile-worker's exponential retry delay
 * (e^attempts s), while the sweep took the job for alive — and a job the store refuses to claim every time ends
 * `failed` with a message that says so. An in-process broadcaster in front of a FAKE orchestrator.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type ApiJob, submitAsync, waitForJob } from "./support/async-jobs.js";
import { PG_GATEWAY_MODEL, pgGateway } from "./support/pg-gateway.js";
import { pgQuery } from "./support/postgres.js";

const JOB = { model_id: PG_GATEWAY_MODEL, prompt: "claim", width: 64, height: 64, num_inference_steps: 1 };
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/**
 * A broadcaster on a schema of its own, every job through the queue, whose store refuses the first `refusals` claims
 * (updates of a queued job to running) with SQLSTATE `code`.
 */
async function refusingStore(label: string, refusals: number, code: string) {
  const { t, fake, db } = await pgGateway(label, cleanups, { jobsStart: "queue", jobsLeaseMs: 3000 });
  const s = `"${db.schema}"`;
  // A sequence, not a table: nextval is not rolled back with the refused claim.
  await pgQuery(`CREATE SEQUENCE ${s}.claims`);
  await pgQuery(`CREATE FUNCTION ${s}.refuse_claims() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.status = 'queued' AND NEW.status = 'running' AND nextval('${s}.claims') <= ${refusals} THEN
        RAISE EXCEPTION 'claim refused by the test' USING ERRCODE = '${code}';
      END IF;
      RETURN NEW;
    END $$`);
  await pgQuery(`CREATE TRIGGER refuse_claims BEFORE UPDATE ON ${s}.jobs FOR EACH ROW
    EXECUTE FUNCTION ${s}.refuse_claims()`);
  const claims = async () => Number((await pgQuery<{ n: string }>(`SELECT last_value AS n FROM ${s}.claims`))[0]!.n);
  return { t, fake, claims };
}

/** Submits a job and waits for its end; returns it and the time from submission to its end. */
async function submitAndWait(url: string) {
  const started = Date.now();
  const job = (await (await submitAsync(url, JOB)).json()) as ApiJob;
  const done = await waitForJob(url, job.id, { timeoutMs: 20_000 });
  return { done, waitedMs: Date.now() - started };
}

describe("a claim the job store refuses for a while (PostgreSQL, jobs-start queue)", () => {
  it("claims the job again within the bounded delay while the store is unavailable, and runs it", async () => {
    // 53300 too_many_connections: the store cannot serve now.
    const { t, claims } = await refusingStore("claimbusy", 4, "53300");
    const { done, waitedMs } = await submitAndWait(t.url);
    expect(done.status).toBe("succeeded");
    expect(await claims()).toBe(5);
    // Retries due after 0.25, 0.5, 1 and 2 s, each taken within the queue's 1 s poll (graphile-worker's own delays:
    // 2.7, 7.4, 20 and 55 s, 86 s in all).
    expect(waitedMs).toBeLessThan(12_000);
    console.log(`4 claims failed (store unavailable), job succeeded ${waitedMs} ms after submission`);
    expect(t.logs.filter((l) => l.msg === "could not claim the job; trying again")).toHaveLength(4);
  }, 30_000);

  it("claims the job again after refusals that are not an outage, and runs it", async () => {
    const { t, claims } = await refusingStore("claimrefused", 3, "P0001");
    const { done, waitedMs } = await submitAndWait(t.url);
    expect(done.status).toBe("succeeded");
    expect(await claims()).toBe(4);
    expect(waitedMs).toBeLessThan(10_000);
    const tried = t.logs.filter((l) => l.msg === "could not claim the job; trying again");
    expect(tried.map((l) => [l.level, l.error])).toEqual(Array(3).fill(["warn", "claim refused by the test"]));
    console.log(`3 claims refused, job succeeded ${waitedMs} ms after submission`);
  }, 30_000);

  it("does not count a claim rolled back by a serialization failure as a refusal", async () => {
    // 40001 serialization_failure, as many times as refusals end a job.
    const { t, claims } = await refusingStore("claimserial", 5, "40001");
    const { done } = await submitAndWait(t.url);
    expect(done.status).toBe("succeeded");
    expect(await claims()).toBe(6);
  }, 30_000);

  it("ends a job the store refuses to claim every time failed, with a message that says so", async () => {
    const { t, fake, claims } = await refusingStore("claimnever", 1000, "P0001");
    const { done, waitedMs } = await submitAndWait(t.url);
    expect(done.status).toBe("failed");
    expect(done.error).toEqual({
      status: 500,
      detail: {
        msg:
          "internal error: the job store refused to start the job 5 times in a row " +
          "(claim refused by the test); it is not tried again",
      },
    });
    expect(await claims()).toBe(5);
    expect(fake.jobs).toHaveLength(0);
    expect(waitedMs).toBeLessThan(12_000);
    console.log(`a job whose claim is always refused ended failed ${waitedMs} ms after submission`);
  }, 30_000);
});

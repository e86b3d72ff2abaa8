/**
 * @module A PostgreSQL job store that fails under a broadcaster, through a TCP proxy of the test's own in front of
 * the test database (support/pg-proxy.ts), so the shared database itself is never stopped: a store that goes
 * silent or refuses connections gets 503s with `Retry-After` within the store's time limit and `/ready` 503, not
 * hung requests or 500s; a broadcaster that cannot renew its leases stops its job before another takes it over;
 * shutdown ends within its grace whatever the store does; start-up errors name `jobs-db`; and the jobs of a
 * broadcaster that died are taken over within a lease and one heartbeat; a PostgreSQL output store that goes silent
 * gets the same 503 on `GET /outputs/{name}`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresJobStore } from "../src/async-jobs/postgres-store.js";
import type { Claim } from "../src/async-jobs/store.js";
import { createBroadcaster } from "../src/index.js";
import { outputName } from "../src/outputs/store.js";
import { type ApiJob, submitAsync, waitForJob } from "./support/async-jobs.js";
import { startBroadcaster, type TestBroadcaster } from "./support/broadcaster.js";
import { newJob } from "./support/new-job.js";
import { OUTAGE_MODEL, outageFixtures } from "./support/outage-fixture.js";
import { pgQuery, testSchema } from "./support/postgres.js";

const MODEL = OUTAGE_MODEL;
const JOB = { model_id: MODEL, prompt: "outage", width: 64, height: 64, num_inference_steps: 1 };
/** The store's time limit in these tests (`jobsDbTimeoutMs`), ms. */
const LIMIT_MS = 1000;

const { cleanups, cleanup, fixture, gatewayVia } = outageFixtures(LIMIT_MS);
afterAll(cleanup, 120_000);

/** A request's status, body, `Retry-After` and time taken; a request past `abortMs` throws. */
async function timed(url: string, init: RequestInit = {}, abortMs = 15_000) {
  const started = Date.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(abortMs) });
  const body = (await res.json()) as { detail?: { msg?: string } };
  return {
    status: res.status,
    msg: body.detail?.msg,
    retryAfter: res.headers.get("retry-after"),
    ms: Date.now() - started,
  };
}

const submit = (url: string) =>
  timed(`${url}/text-to-image`, {
    method: "POST",
    headers: { "content-type": "application/json", prefer: "respond-async" },
    body: JSON.stringify(JOB),
  });

const level = (t: TestBroadcaster, lvl: string) => t.logs.filter((l) => l.level === lvl);

describe("a job store that cannot be reached", () => {
  let f: Awaited<ReturnType<typeof fixture>>;
  let t: TestBroadcaster;
  let job: ApiJob;
  beforeAll(async () => {
    f = await fixture("outage");
    t = await gatewayVia(f.proxy, f.db, f.fake);
    job = (await (await submitAsync(t.url, JOB)).json()) as ApiJob;
    await waitForJob(t.url, job.id);
  });

  it("starts without warnings (graphile-worker's pool-size notice is not connection trouble)", () => {
    // The one warning this set-up earns: its outputs are local while the job store is shared.
    expect(level(t, "warn").map((l) => l.msg)).toEqual([
      "outputs are kept in a local directory while the job store is shared",
    ]);
  });

  it("silent: GET /jobs/{id}, a submit and /ready answer 503 within the time limit; all is back once it answers", async () => {
    f.proxy.blackhole();
    const read = await timed(`${t.url}/jobs/${job.id}`);
    expect(read).toMatchObject({ status: 503, retryAfter: "5" });
    // The database's own message (its host, a statement) goes to the log, never to the caller.
    expect(read.msg).toBe("job store unavailable: timed out; retry later");
    // One time limit for the query (the pool's connection went silent under it).
    expect(read.ms).toBeLessThan(LIMIT_MS + 1500);
    const made = await submit(t.url);
    expect(made).toMatchObject({ status: 503, retryAfter: "5" });
    expect(made.msg).toBe("job store unavailable: timed out; retry later");
    // A new connection that never answers: connecting is bounded by the same limit.
    expect(made.ms).toBeLessThan(LIMIT_MS + 1500);
    const ready = await timed(`${t.url}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.msg).toBe("job store unavailable: timed out");
    console.log(
      `silent store (limit ${LIMIT_MS} ms): GET /jobs/{id} 503 in ${read.ms} ms, submit 503 in ${made.ms} ms`,
    );

    await f.proxy.up();
    await expect.poll(async () => (await timed(`${t.url}/jobs/${job.id}`)).status, { timeout: 10_000 }).toBe(200);
    await expect.poll(async () => (await timed(`${t.url}/ready`)).status, { timeout: 10_000 }).toBe(200);
    expect((await submit(t.url)).status).toBe(202);
    expect(level(t, "error")).toEqual([]);
    expect(t.logs.filter((l) => l.msg === "job store unreachable")).toHaveLength(1);
    expect(t.logs.filter((l) => l.msg === "job store reachable again")).toHaveLength(1);
  }, 30_000);

  it("refusing: 503 at once, /ready 503 until it is back, a warning per request and no unhandled error", async () => {
    const before = t.logs.length;
    await f.proxy.refuse();
    const read = await timed(`${t.url}/jobs/${job.id}`);
    expect(read).toMatchObject({ status: 503, retryAfter: "5" });
    expect(read.msg).toBe("job store unavailable: cannot connect; retry later");
    expect(read.ms).toBeLessThan(1000);
    expect((await submit(t.url)).status).toBe(503);
    const changes = () =>
      t.logs.slice(before).filter((l) => l.msg === "job store unreachable" || l.msg === "job store still unreachable");
    const logged = changes().length;
    for (let i = 0; i < 10; i++) {
      const ready = await timed(`${t.url}/ready`);
      expect([ready.status, ready.msg]).toEqual([503, "job store unavailable: cannot connect"]);
    }
    // The full reason is logged once per change of state (reset, then refused), not at every probe.
    expect(changes().length).toBe(logged);
    expect(changes().at(-1)).toMatchObject({
      level: "warn",
      reason: "cannot connect",
      error: expect.stringMatching(/ECONNREFUSED 127\.0\.0\.1:\d+/),
    });
    const lines = t.logs.slice(before);
    expect(lines.filter((l) => l.level === "error")).toEqual([]);
    expect(lines.filter((l) => l.msg === "job store unavailable").map((l) => l.level)).toEqual(["warn", "warn"]);

    await f.proxy.up();
    await expect.poll(async () => (await timed(`${t.url}/ready`)).status, { timeout: 10_000 }).toBe(200);
    expect((await timed(`${t.url}/jobs/${job.id}`)).status).toBe(200);
    expect((await submit(t.url)).status).toBe(202);
  }, 30_000);
});

describe("a broadcaster cut off from its store", () => {
  it("stops its running job when the lease runs out unrenewed, before another broadcaster takes it over", async () => {
    const f = await fixture("cutoff");
    const leaseMs = 1500;
    const cut = await gatewayVia(f.proxy, f.db, f.fake, { jobsLeaseMs: leaseMs, jobsDbTimeoutMs: 500 });
    const other = await startBroadcaster({
      orchestrators: [f.fake.url],
      jobsDb: f.db.url,
      jobsDbSchema: f.db.schema,
      jobsLeaseMs: leaseMs,
    });
    cleanups.push(() => other.close());
    f.fake.behaviour = { kind: "ok", delayMs: 60_000 };
    const job = (await (await submitAsync(cut.url, JOB)).json()) as ApiJob;
    await expect.poll(() => f.fake.jobs.length).toBe(1);
    // The run that takes over succeeds at once.
    f.fake.behaviour = { kind: "ok" };
    const cutAt = Date.now();
    f.proxy.blackhole();
    let stoppedAt = 0;
    let takenAt = 0;
    await expect
      .poll(
        () => {
          if (!stoppedAt && f.fake.aborted === 1) stoppedAt = Date.now();
          if (!takenAt && f.fake.jobs.length === 2) takenAt = Date.now();
          return stoppedAt > 0 && takenAt > 0;
        },
        { timeout: 4 * leaseMs, interval: 10 },
      )
      .toBe(true);
    console.log(
      `store cut off (lease ${leaseMs} ms): the job stopped ${stoppedAt - cutAt} ms after, ` +
        `taken over ${takenAt - cutAt} ms after`,
    );
    expect(stoppedAt).toBeLessThanOrEqual(takenAt);
    expect(stoppedAt - cutAt).toBeLessThanOrEqual(leaseMs + 200);
    expect((await waitForJob(other.url, job.id)).status).toBe("succeeded");
    const rows = await pgQuery<{ runs: number; results: number }>(
      `SELECT runs, (SELECT count(*)::int FROM "${f.db.schema}".job_events e
                     WHERE e.job_id = j.id AND e.type = 'result') AS results
       FROM "${f.db.schema}".jobs j WHERE id = $1`,
      [job.id],
    );
    expect(rows).toEqual([{ runs: 2, results: 1 }]);
    expect(f.fake.completed).toHaveLength(1);
    expect(cut.logs.some((l) => l.level === "warn" && String(l.msg).startsWith("lease ran out"))).toBe(true);
    await f.proxy.up();
  }, 30_000);

  it("runs the job it stopped again once the store is back, with no other broadcaster", async () => {
    const f = await fixture("alone");
    const leaseMs = 1500;
    const t = await gatewayVia(f.proxy, f.db, f.fake, { jobsLeaseMs: leaseMs, jobsDbTimeoutMs: 500 });
    f.fake.behaviour = { kind: "ok", delayMs: 60_000 };
    const job = (await (await submitAsync(t.url, JOB)).json()) as ApiJob;
    await expect.poll(() => f.fake.jobs.length).toBe(1);
    f.fake.behaviour = { kind: "ok" };
    f.proxy.blackhole();
    await expect.poll(() => f.fake.aborted, { timeout: 4 * leaseMs, interval: 20 }).toBe(1);
    const backAt = Date.now();
    await f.proxy.up();
    // Before: its heartbeats, answered again, renewed the lease of the job it had stopped: "running" for good.
    expect((await waitForJob(t.url, job.id, { timeoutMs: 6 * leaseMs })).status).toBe("succeeded");
    console.log(`store back: the stopped job ran again and succeeded ${Date.now() - backAt} ms after`);
    expect(await pgQuery(`SELECT runs FROM "${f.db.schema}".jobs WHERE id = $1`, [job.id])).toEqual([{ runs: 2 }]);
    expect(f.fake.completed).toHaveLength(1);
  }, 30_000);
});

describe("an idle broadcaster", () => {
  it("stays not ready through an outage its heartbeats span, and logs it once", async () => {
    const f = await fixture("idle");
    const t = await gatewayVia(f.proxy, f.db, f.fake, { jobsLeaseMs: 600, jobsDbTimeoutMs: 500 });
    await expect.poll(async () => (await timed(`${t.url}/ready`)).status).toBe(200);
    f.proxy.blackhole();
    await expect.poll(async () => (await timed(`${t.url}/ready`)).status, { timeout: 5000 }).toBe(503);
    // Heartbeats every 200 ms. With no job to renew each made no query, yet marked the store reachable until the
    // sweep after it timed out: /ready answered 200 most of the time, and the log said "reachable again" and
    // "unreachable" at every turn.
    const statuses: number[] = [];
    for (const end = Date.now() + 2000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
      statuses.push((await timed(`${t.url}/ready`)).status);
    }
    expect(statuses.filter((s) => s !== 503)).toEqual([]);
    await f.proxy.up();
    await expect.poll(async () => (await timed(`${t.url}/ready`)).status, { timeout: 10_000 }).toBe(200);
    expect(t.logs.filter((l) => l.msg === "job store unreachable")).toHaveLength(1);
    expect(t.logs.filter((l) => l.msg === "job store reachable again")).toHaveLength(1);
  }, 30_000);
});

describe("stopping", () => {
  it("ends within the grace and a few seconds while the store is silent, and takes no new work meanwhile", async () => {
    const f = await fixture("stop");
    const t = await gatewayVia(f.proxy, f.db, f.fake, { shutdownGrace: 1 });
    f.fake.behaviour = { kind: "ok", delayMs: 60_000 };
    await submitAsync(t.url, JOB);
    await expect.poll(() => f.fake.jobs.length).toBe(1);
    f.proxy.blackhole();
    const started = Date.now();
    const stopped = t.b.stop().then(() => Date.now() - started);
    // Requests on connections opened before the stop (here: in-process) are refused.
    const ready = await t.b.app.request("/ready");
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { detail: { msg: string } }).detail.msg).toMatch(/^stopping/);
    const late = await t.b.app.request("/text-to-image", {
      method: "POST",
      headers: { "content-type": "application/json", prefer: "respond-async" },
      body: JSON.stringify(JOB),
    });
    expect(late.status).toBe(503);
    expect(late.headers.get("retry-after")).toBe("1");
    const ms = await Promise.race([stopped, new Promise<number>((r) => setTimeout(() => r(Infinity), 15_000))]);
    console.log(`stop with a silent store (shutdown grace 1 s): ${ms} ms`);
    // The grace, then at most a few seconds for connections that never close.
    expect(ms).toBeLessThan(1000 + 3500);
    // The running job's call to the orchestrator was given up when the grace ran out.
    expect(f.fake.aborted).toBe(1);
    await f.proxy.up();
  }, 30_000);
});

describe("start-up", () => {
  it("names jobs-db, without its password, within the time limit, when the store refuses or stays silent", async () => {
    const f = await fixture("start");
    const withPassword = new URL(f.proxy.url);
    withPassword.password = "hunter2";
    for (const outage of ["refuse", "blackhole"] as const) {
      if (outage === "refuse") await f.proxy.refuse();
      else {
        await f.proxy.up();
        f.proxy.blackhole();
      }
      const b = createBroadcaster({
        port: 0,
        orchestrators: [f.fake.url],
        jobsDb: withPassword.href,
        jobsDbSchema: f.db.schema,
        jobsDbTimeoutMs: 500,
        logLevel: "silent",
      });
      const started = Date.now();
      const err = await b.start().then(
        () => new Error("started"),
        (e: Error) => e,
      );
      const ms = Date.now() - started;
      console.log(`start-up with a store that ${outage}s connections: ${ms} ms, "${err.message}"`);
      expect(err.message).toContain(
        `could not open the job store at jobs-db postgres://postgres@127.0.0.1:${f.proxy.port}/`,
      );
      expect(err.message).not.toContain("hunter2");
      if (outage === "refuse") expect(err.message).toMatch(/ECONNREFUSED/);
      else expect(err.message).toMatch(/no answer within jobs-db-timeout-ms, 500 ms/);
      expect(ms).toBeLessThan(3000);
      await b.stop();
    }
    await f.proxy.up();
  }, 30_000);
});

describe("takeover", () => {
  it("starts within a lease and one heartbeat of the dead holder's last renewal", async () => {
    const db = testSchema("takeover");
    cleanups.push(() => db.drop());
    const leaseMs = 3000;
    const dead = new PostgresJobStore({ url: db.url, schema: db.schema });
    const alive = new PostgresJobStore({ url: db.url, schema: db.schema });
    await dead.init();
    await alive.init();
    cleanups.push(() => Promise.all([dead.close(), alive.close()]));
    const claimedAt = new Map<string, number>();
    await alive.start({
      holder: "alive",
      concurrency: 8,
      leaseMs,
      deliveryTimeoutMs: 1000,
      runJob: async (claim: Claim) => void claimedAt.set(claim.job.id, Date.now()),
      deliver: async () => ({ ok: true }),
      running: () => [],
      onHeartbeat: () => {},
    });
    // Six jobs claimed by a holder that never renews them, their leases ending a sixth of a lease apart: whatever
    // the phase of the sweep, one of them expires just after a sweep.
    const leasedUntil = new Map<string, number>();
    for (let i = 0; i < 6; i++) {
      const sent = Date.now();
      const { job } = await dead.create(newJob(), { here: { holder: "dead", leaseMs } });
      leasedUntil.set(job.id, sent + leaseMs);
      await new Promise((r) => setTimeout(r, leaseMs / 6));
    }
    await expect.poll(() => claimedAt.size, { timeout: 3 * leaseMs, interval: 50 }).toBe(6);
    const late = [...leasedUntil].map(([id, until]) => claimedAt.get(id)! - until);
    console.log(`takeover after the lease ran out (lease ${leaseMs} ms): ${late.join(", ")} ms`);
    // One heartbeat is a third of the lease; the rest is the queue's wake-up and the claim. A sweep once per lease
    // leaves one of the six waiting five sixths of a lease or more.
    expect(Math.max(...late)).toBeLessThan(leaseMs / 3 + 900);
  }, 30_000);
});

describe("a PostgreSQL output store that goes silent", () => {
  it("answers GET /outputs/{name} 503 within the time limit, and the output again once it answers", async () => {
    const f = await fixture("outputs_outage");
    const t = await gatewayVia(f.proxy, f.db, f.fake, { outputs: { kind: "postgres" } });
    const bytes = new Uint8Array(3000).fill(7);
    const name = await t.b.store.put(outputName("mp4"), bytes, "video/mp4", bytes.length);
    const url = `${t.url}/outputs/${name}`;
    expect((await fetch(url)).status).toBe(200);
    f.proxy.blackhole();
    for (const init of [{}, { headers: { range: "bytes=0-9" } }, { method: "HEAD" }]) {
      const started = Date.now();
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
      expect([res.status, res.headers.get("retry-after")]).toEqual([503, "5"]);
      if (init.method !== "HEAD") {
        expect(((await res.json()) as { detail: { msg: string } }).detail.msg).toBe(
          "output store unavailable: timed out; retry later",
        );
      }
      expect(Date.now() - started).toBeLessThan(LIMIT_MS + 1500);
    }
    expect(t.logs.filter((l) => l.msg === "output store unavailable")).toHaveLength(3);
    await f.proxy.up();
    await expect.poll(async () => (await fetch(url)).status, { timeout: 10_000 }).toBe(200);
    expect(new Uint8Array(await (await fetch(url)).arrayBuffer())).toEqual(bytes);
    expect(level(t, "error")).toEqual([]);
  }, 60_000);
});

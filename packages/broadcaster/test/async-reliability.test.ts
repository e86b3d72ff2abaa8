/**
 * @module Reliability of asynchronous jobs with real `avs-broadcaster` processes (the built bin) in front of a FAKE
 * orchestrator with slow jobs: 50 jobs in flight across two broadcasters on PostgreSQL, one killed with SIGKILL —
 * 50 of 50 finish, each exactly once, and a webhook receiver that fails its first 3 deliveries still gets every
 * event; a job running on A cancelled through B; a broadcaster on SQLite killed and restarted loses no job; a job
 * whose broadcasters keep dying under it fails once `jobs-max-takeovers` is spent, on either store.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { type ApiJob, startWebhookReceiver, submitAsync, waitForJob } from "./support/async-jobs.js";
import { type BroadcasterProcess, startBroadcasterProcess } from "./support/broadcaster-process.js";
import { startFakeOrchestrator } from "./support/fake-orchestrator.js";
import { pgQuery, testSchema } from "./support/postgres.js";

const MODEL = "tiny/sd";
const JOB = { model_id: MODEL, width: 64, height: 64, num_inference_steps: 1 };
const started: BroadcasterProcess[] = [];
const cleanups: Array<() => Promise<unknown> | unknown> = [];

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  for (const c of cleanups.reverse()) await c();
});

async function broadcaster(args: string[]): Promise<BroadcasterProcess> {
  const p = await startBroadcasterProcess(args);
  started.push(p);
  return p;
}

describe("two broadcasters on PostgreSQL", () => {
  it("finish 50 of 50 jobs, none twice, when the one running many of them is killed; every webhook event arrives", async () => {
    const db = testSchema("kill");
    cleanups.push(() => db.drop());
    const fake = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: MODEL, capacity: 100 }]);
    cleanups.push(() => fake.close());
    const hook = await startWebhookReceiver({ failFirst: 3 });
    cleanups.push(() => hook.close());
    fake.behaviour = { kind: "ok", delayMs: 4000 };
    const args = [
      ...["--orchestrator", fake.url, "--jobs-db", db.url, "--jobs-db-schema", db.schema],
      // `/info` every second: a probe's deadline is max(0.5 s, the interval), and at 0.5 s a loaded machine marked the
      // fake orchestrator unreachable now and then (jobs failed with 503 "none of 1 orchestrator(s) is reachable").
      // A 3 s lease (heartbeats every second): at 1.5 s, a CI run at load ~10 saw B's own heartbeats late, its jobs
      // taken over again and again until jobs-max-takeovers failed all 50 ("stopped without ending 4 times").
      ...["--jobs-concurrency", "50", "--jobs-lease-ms", "3000", "--info-interval-ms", "1000"],
      ...["--webhook-retry-base-ms", "200", "--webhook-retry-max-ms", "1000", "--webhook-timeout-ms", "1000"],
      ...["--webhook-allow-networks", "127.0.0.1"],
    ];
    const [a, b] = await Promise.all([broadcaster(args), broadcaster(args)]);
    // Both have seen the orchestrator before the first job.
    for (const p of [a!, b!])
      await expect.poll(async () => (await fetch(`${p.url}/ready`)).status, { timeout: 10_000 }).toBe(200);

    const ids = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const url = i % 2 ? b!.url : a!.url;
        const res = await submitAsync(url, { ...JOB, prompt: `job ${i}` }, { "webhook-url": hook.url });
        expect(res.status).toBe(202);
        return ((await res.json()) as ApiJob).id;
      }),
    );
    // Kill A while the jobs are in flight and A holds many of them (its holder id carries its pid).
    const running = async () =>
      (
        await pgQuery<{ all: number; a: number }>(
          `SELECT count(*)::int AS all, count(*) FILTER (WHERE holder LIKE $1)::int AS a
           FROM "${db.schema}".jobs WHERE status = 'running'`,
          [`%:${a!.pid}:%`],
        )
      )[0]!;
    await expect
      .poll(
        async () => {
          const r = await running();
          return r.all >= 40 && r.a >= 10;
        },
        { timeout: 15_000, interval: 50 },
      )
      .toBe(true);
    const { all: inFlight, a: held } = await running();
    const killedAt = Date.now();
    await a!.kill();

    const done = await Promise.all(ids.map((id) => waitForJob(b!.url, id, { timeoutMs: 60_000 })));
    const allDoneMs = Date.now() - killedAt;
    expect(done.map((j) => j.status)).toEqual(ids.map(() => "succeeded"));

    const rows = await pgQuery<{ id: string; runs: number; results: number }>(
      `SELECT j.id, j.runs, (SELECT count(*)::int FROM "${db.schema}".job_events e
                              WHERE e.job_id = j.id AND e.type = 'result') AS results
       FROM "${db.schema}".jobs j`,
    );
    expect(rows).toHaveLength(50);
    // Each job ended once, and each stored its result once.
    expect(rows.every((r) => r.results === 1)).toBe(true);
    const outputs = await pgQuery<{ n: number }>(`SELECT count(*)::int AS n FROM "${db.schema}".outputs`);
    expect(outputs[0]!.n).toBe(50);
    // The jobs A held were started again by B.
    const taken = rows.filter((r) => r.runs > 1).length;
    expect(taken).toBeGreaterThanOrEqual(held);
    const completed = new Map<string, number>();
    for (const r of fake.completed) completed.set(r, (completed.get(r) ?? 0) + 1);
    console.log(
      `kill -9 with ${inFlight} jobs running, ${held} of them on A: ${taken} taken over by B, 50/50 succeeded ` +
        `${allDoneMs} ms after the kill; orchestrator calls ${fake.jobs.length}, aborted by the kill ${fake.aborted}, ` +
        `answered twice ${[...completed.values()].filter((n) => n > 1).length}`,
    );

    // Every job's two events reached the receiver (retried past its first 3 failures), signed with one id each.
    await expect
      .poll(
        async () => {
          const jobs = await Promise.all(ids.map((id) => waitForJob(b!.url, id)));
          return jobs.every(
            (j) => j.webhook!.deliveries.length === 2 && j.webhook!.deliveries.every((d) => d.status === "delivered"),
          );
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBe(true);
    expect(hook.received.slice(0, 3).map((r) => r.answered)).toEqual([500, 500, 500]);
    const got = new Map<string, Set<string>>();
    for (const r of hook.accepted()) {
      const p = JSON.parse(r.body) as { type: string; data: ApiJob };
      got.set(p.data.id, (got.get(p.data.id) ?? new Set()).add(p.type));
    }
    expect(ids.every((id) => got.get(id)?.size === 2 && got.get(id)?.has("job.succeeded"))).toBe(true);
  }, 120_000);

  it("cancels through B a job running on A", async () => {
    const db = testSchema("cancel");
    cleanups.push(() => db.drop());
    const fake = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: MODEL }]);
    cleanups.push(() => fake.close());
    fake.behaviour = { kind: "ok", delayMs: 20_000 };
    const common = ["--orchestrator", fake.url, "--jobs-db", db.url, "--jobs-db-schema", db.schema];
    const a = await broadcaster(common);
    const job = (await (await submitAsync(a.url, { ...JOB, prompt: "cancel me" })).json()) as ApiJob;
    await waitForJob(a.url, job.id, { until: (j) => j.status === "running" });
    // B starts only now, so the job cannot be B's.
    const b = await broadcaster(common);
    const res = await fetch(`${b.url}/jobs/${job.id}/cancel`, { method: "POST" });
    expect(res.status).toBe(202);
    expect((await waitForJob(b.url, job.id, { timeoutMs: 5000 })).status).toBe("cancelled");
    await expect.poll(() => fake.aborted).toBe(1);
    expect(fake.completed).toEqual([]);
  }, 60_000);

  it("fails a job whose broadcasters keep dying under it once jobs-max-takeovers is spent, and says why", async () => {
    // A job that kills the broadcaster running it (memory, a crash) was taken over by the next one, for ever.
    const db = testSchema("poison");
    cleanups.push(() => db.drop());
    const fake = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: MODEL }]);
    cleanups.push(() => fake.close());
    fake.behaviour = { kind: "ok", delayMs: 60_000 };
    const args = [
      ...["--orchestrator", fake.url, "--jobs-db", db.url, "--jobs-db-schema", db.schema],
      ...["--jobs-lease-ms", "1500", "--info-interval-ms", "1000", "--jobs-max-takeovers", "1"],
    ];
    const holderOf = async (id: string) =>
      (await pgQuery<{ holder: string | null }>(`SELECT holder FROM "${db.schema}".jobs WHERE id = $1`, [id]))[0]!
        .holder;
    const a = await broadcaster(args);
    const job = (await (await submitAsync(a.url, { ...JOB, prompt: "poison" })).json()) as ApiJob;
    await expect.poll(() => fake.jobs.length, { timeout: 10_000 }).toBe(1);
    await a.kill();
    // B takes it over (takeover 1 of the 1 allowed), and dies under it too.
    const b = await broadcaster(args);
    await expect.poll(async () => (await holderOf(job.id))?.includes(`:${b.pid}:`), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => fake.jobs.length, { timeout: 10_000 }).toBe(2);
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/^avs_broadcaster_async_job_takeovers_total 1$/m);
    await b.kill();
    const c = await broadcaster(args);
    const done = await waitForJob(c.url, job.id, { timeoutMs: 15_000 });
    expect(done.status).toBe("failed");
    expect(done.error).toEqual({
      status: 500,
      detail: {
        msg:
          "the job stopped without ending 2 times: each time, the broadcaster running it stopped renewing its lease " +
          "(it was killed or crashed, or cut off from the job store); it was run again 1 time, the most " +
          "jobs-max-takeovers allows, so it is not run again",
      },
    });
    // C never sent it to the orchestrator.
    expect(fake.jobs.length).toBe(2);
    const rows = await pgQuery<{ runs: number; takeovers: number }>(
      `SELECT runs, takeovers FROM "${db.schema}".jobs WHERE id = $1`,
      [job.id],
    );
    expect(rows).toEqual([{ runs: 3, takeovers: 2 }]);
  }, 90_000);
});

describe("one broadcaster on SQLite", () => {
  it("loses no job when killed with SIGKILL and restarted, nor when stopped with SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "avs-sqlite-restart-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const fake = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: MODEL }]);
    cleanups.push(() => fake.close());
    fake.behaviour = { kind: "ok", delayMs: 600 };
    const args = [
      ...["--orchestrator", fake.url, "--jobs-db", join(dir, "jobs.sqlite"), "--output-dir", join(dir, "out")],
      ...["--jobs-concurrency", "1", "--jobs-lease-ms", "1500"],
    ];
    const first = await broadcaster(args);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push(((await (await submitAsync(first.url, { ...JOB, prompt: `restart ${i}` })).json()) as ApiJob).id);
    }
    await waitForJob(first.url, ids[0]!, { until: (j) => j.status === "running" });
    await first.kill();

    const second = await broadcaster(args);
    await waitForJob(second.url, ids[2]!, { until: (j) => j.status !== "queued", timeoutMs: 20_000 });
    await second.stop();

    const third = await broadcaster(args);
    const done = await Promise.all(ids.map((id) => waitForJob(third.url, id, { timeoutMs: 30_000 })));
    expect(done.map((j) => j.status)).toEqual(ids.map(() => "succeeded"));
    await third.stop();
    const sqlite = new Database(join(dir, "jobs.sqlite"), { readonly: true });
    const rows = sqlite
      .prepare(
        "SELECT id, runs, (SELECT count(*) FROM job_events e WHERE e.job_id = j.id AND e.type = 'result') AS results FROM jobs j",
      )
      .all() as Array<{ id: string; runs: number; results: number }>;
    sqlite.close();
    expect(rows.map((r) => r.results)).toEqual(ids.map(() => 1));
    // The job running at the kill ran again after the restart.
    expect(rows.find((r) => r.id === ids[0])!.runs).toBeGreaterThanOrEqual(2);
  }, 90_000);

  it("fails the job it was running when killed, with jobs-max-takeovers 0, instead of running it again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "avs-sqlite-takeovers-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const fake = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: MODEL }]);
    cleanups.push(() => fake.close());
    fake.behaviour = { kind: "ok", delayMs: 60_000 };
    const args = [
      ...["--orchestrator", fake.url, "--jobs-db", join(dir, "jobs.sqlite"), "--output-dir", join(dir, "out")],
      ...["--jobs-lease-ms", "1500", "--jobs-max-takeovers", "0"],
    ];
    const first = await broadcaster(args);
    const job = (await (await submitAsync(first.url, { ...JOB, prompt: "once" })).json()) as ApiJob;
    await expect.poll(() => fake.jobs.length, { timeout: 10_000 }).toBe(1);
    await first.kill();
    const second = await broadcaster(args);
    const done = await waitForJob(second.url, job.id, { timeoutMs: 15_000 });
    expect(done.status).toBe("failed");
    expect(done.error!.status).toBe(500);
    expect((done.error!.detail as { msg: string }).msg).toMatch(
      /^the job stopped without ending 1 time: .*; it was run again 0 times, the most jobs-max-takeovers allows/,
    );
    expect(fake.jobs.length).toBe(1);
    await second.stop();
  }, 60_000);
});

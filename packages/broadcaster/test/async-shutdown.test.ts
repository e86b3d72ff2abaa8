/**
 * @module A broadcaster's stop with asynchronous jobs running: they go on to their end within `shutdown-grace`
 * (their leases renewed meanwhile), no new job is claimed, and only those still running when the grace runs out are
 * handed back to the queue (counted as hand-backs, not takeovers). Real `avs-broadcaster` processes on PostgreSQL
 * in front of a FAKE orchestrator with slow jobs; an in-process broadcaster on SQLite for the metrics.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { type ApiJob, submitAsync, waitForJob } from "./support/async-jobs.js";
import { startBroadcaster } from "./support/broadcaster.js";
import { type BroadcasterProcess, startBroadcasterProcess } from "./support/broadcaster-process.js";
import { startFakeOrchestrator } from "./support/fake-orchestrator.js";
import { pgQuery, testSchema } from "./support/postgres.js";

/** A job shorter than the grace, and one longer. */
const SHORT = "tiny/short";
const LONG = "tiny/long";
/**
 * Submits a short job, a long one, and — once the fake has both, so the broadcaster runs two jobs, its most — a third
 * that waits in the queue; returns their ids.
 */
async function threeJobs(url: string, fake: { jobs: unknown[] }) {
  const submit = async (model: string, prompt: string) =>
    ((await (await submitAsync(url, { model_id: model, prompt, width: 64, height: 64 })).json()) as ApiJob).id;
  const short = await submit(SHORT, "short");
  const long = await submit(LONG, "long");
  await expect.poll(() => fake.jobs.length, { timeout: 10_000 }).toBe(2);
  return { short, long, queued: await submit(SHORT, "queued") };
}
const started: BroadcasterProcess[] = [];
const cleanups: Array<() => Promise<unknown> | unknown> = [];

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  for (const c of cleanups.reverse()) await c();
});

/** A schema of the test's own, dropped at the end, and a reader of its job rows. */
function schema(label: string) {
  const db = testSchema(label);
  cleanups.push(() => db.drop());
  const row = async (id: string) =>
    (
      await pgQuery<{ status: string; runs: number; takeovers: number; holder: string | null }>(
        `SELECT status, runs, takeovers, holder FROM "${db.schema}".jobs WHERE id = $1`,
        [id],
      )
    )[0]!;
  return { ...db, row };
}

async function fakeWithTwoSpeeds(shortMs: number, longMs: number) {
  const fake = await startFakeOrchestrator([
    { pipeline: "text-to-image", model_id: SHORT },
    { pipeline: "text-to-image", model_id: LONG },
  ]);
  cleanups.push(() => fake.close());
  fake.behaviourByModel = {
    [SHORT]: { kind: "ok", delayMs: shortMs },
    [LONG]: { kind: "ok", delayMs: longMs },
  };
  return fake;
}

/** The value of an unlabelled counter in a Prometheus text exposition (0 when absent). */
function counter(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : 0;
}

describe("SIGTERM with asynchronous jobs running (PostgreSQL, real processes)", () => {
  it("ends the job shorter than the grace here, hands the longer one back, and claims nothing new", async () => {
    const db = schema("drain");
    const { row } = db;
    // The short job outlasts the lease: it ends here only if the stopping broadcaster keeps renewing it.
    const fake = await fakeWithTwoSpeeds(4000, 20_000);
    const args = [
      ...["--orchestrator", fake.url, "--jobs-db", db.url, "--jobs-db-schema", db.schema],
      ...["--jobs-concurrency", "2", "--jobs-lease-ms", "1500", "--info-interval-ms", "1000"],
      // Every job through the queue, whose runners take at most jobs-concurrency: a third job waits there.
      ...["--jobs-start", "queue"],
      // A hand-back is not a takeover: with none allowed, the job handed back still runs again.
      ...["--jobs-max-takeovers", "0"],
    ];
    const a = await startBroadcasterProcess([...args, "--shutdown-grace", "8"]);
    started.push(a);
    await expect.poll(async () => (await fetch(`${a.url}/ready`)).status, { timeout: 10_000 }).toBe(200);
    const { short, long, queued } = await threeJobs(a.url, fake);
    expect(await row(queued)).toMatchObject({ status: "queued", runs: 0 });

    const signalled = Date.now();
    const exited = new Promise<number | null>((r) => a.child.once("exit", (code) => r(code)));
    a.child.kill("SIGTERM");
    // The short job ends on A, within the grace, though its lease (1.5 s) is shorter than what was left of it.
    await expect.poll(async () => (await row(short)).status, { timeout: 8000, interval: 100 }).toBe("succeeded");
    // A had a free slot from then on, and did not claim the queued job.
    expect(await row(queued)).toMatchObject({ status: "queued", runs: 0 });
    const code = await exited;
    const exitMs = Date.now() - signalled;
    expect(code).toBe(0);
    // The long one was handed back as the grace ran out: queued at once (not left for its lease to run out).
    expect(await row(long)).toMatchObject({ status: "queued", runs: 1, takeovers: 0, holder: null });
    expect(await row(short)).toMatchObject({ status: "succeeded", runs: 1, takeovers: 0 });
    expect(await row(queued)).toMatchObject({ status: "queued", runs: 0 });
    const handedBack = a.logs.filter((l) => l.msg === "handed back to the queue: the shutdown grace ran out");
    expect(handedBack.map((l) => l.job_id)).toEqual([long]);
    expect(a.logs.find((l) => l.msg === "async jobs handed back")).toMatchObject({ handed_back: 1 });
    expect(a.logs.some((l) => l.msg === "async job done" && l.job_id === short)).toBe(true);

    // B takes over the long one at once and runs the queued one.
    const b = await startBroadcasterProcess(args);
    started.push(b);
    const done = await Promise.all([long, queued].map((id) => waitForJob(b.url, id, { timeoutMs: 60_000 })));
    expect(done.map((j) => j.status)).toEqual(["succeeded", "succeeded"]);
    expect(await row(long)).toMatchObject({ runs: 2, takeovers: 0 });
    expect(await row(queued)).toMatchObject({ runs: 1, takeovers: 0 });
    // The short job went upstream once; the long one twice (its second run under its own id).
    const sent = fake.jobs.map((j) => j.requestId);
    expect(sent.filter((id) => id === short)).toHaveLength(1);
    expect(sent.filter((id) => id?.startsWith(long))).toEqual([long, `${long}.run2`]);
    // A hand-back is not a takeover.
    expect(counter(await (await fetch(`${b.url}/metrics`)).text(), "avs_broadcaster_async_job_takeovers_total")).toBe(
      0,
    );
    console.log(`SIGTERM to exit with one job handed back (grace 8 s): ${exitMs} ms`);
    await b.stop();
  }, 120_000);
});

describe("SIGTERM with a job waiting for orchestrator capacity (PostgreSQL, real processes)", () => {
  it("hands the waiting job back at once, and gives the grace to the job running upstream only", async () => {
    const db = schema("drainwait");
    const { row } = db;
    const fake = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: SHORT, capacity: 1 }]);
    cleanups.push(() => fake.close());
    fake.enforceCapacity = true;
    fake.behaviour = { kind: "ok", delayMs: 4000 };
    const a = await startBroadcasterProcess([
      ...["--orchestrator", fake.url, "--jobs-db", db.url, "--jobs-db-schema", db.schema],
      ...["--jobs-concurrency", "2", "--jobs-lease-ms", "1500", "--info-interval-ms", "1000"],
      ...["--shutdown-grace", "8"],
    ]);
    started.push(a);
    await expect.poll(async () => (await fetch(`${a.url}/ready`)).status, { timeout: 10_000 }).toBe(200);
    const submit = async (prompt: string) =>
      ((await (await submitAsync(a.url, { model_id: SHORT, prompt, width: 64, height: 64 })).json()) as ApiJob).id;
    const upstream = await submit("upstream");
    await expect.poll(() => fake.jobs.length, { timeout: 10_000 }).toBe(1);
    // The orchestrator's one slot is taken: the second job waits for it.
    const waiting = await submit("waiting");
    await waitForJob(a.url, waiting, { until: (j) => j.progress.stage === "waiting", timeoutMs: 10_000 });

    const signalled = Date.now();
    const exited = new Promise<number | null>((r) => a.child.once("exit", (code) => r(code)));
    a.child.kill("SIGTERM");
    // Handed back at once: before, it kept waiting through the grace, took the slot the first job left after 4 s,
    // and was sent upstream only to be cut off (and run again elsewhere) as the grace ran out.
    await expect.poll(async () => (await row(waiting)).status, { timeout: 1500, interval: 50 }).toBe("queued");
    const handedBackMs = Date.now() - signalled;
    expect(await row(waiting)).toMatchObject({ runs: 1, holder: null });
    expect(await row(upstream)).toMatchObject({ status: "running", runs: 1 });
    // The job upstream keeps the grace and ends here; then the process exits, without waiting out the grace.
    expect(await exited).toBe(0);
    const exitMs = Date.now() - signalled;
    expect(await row(upstream)).toMatchObject({ status: "succeeded", runs: 1 });
    expect(await row(waiting)).toMatchObject({ status: "queued", runs: 1 });
    expect(exitMs).toBeLessThan(7000);
    expect(fake.jobs.map((j) => j.requestId)).toEqual([upstream]);
    const early = a.logs.filter((l) => l.msg === "handed back to the queue: stopping, and not upstream yet");
    expect(early.map((l) => l.job_id)).toEqual([waiting]);
    expect(a.logs.find((l) => l.msg === "async jobs handed back")).toMatchObject({ handed_back: 1 });
    console.log(`SIGTERM: waiting job handed back after ${handedBackMs} ms, exit after ${exitMs} ms (grace 8 s)`);
  }, 60_000);
});

describe("stop() with asynchronous jobs running (SQLite, in process)", () => {
  it("counts a job handed back as a hand-back, not a takeover, and claims nothing after the stop", async () => {
    const fake = await fakeWithTwoSpeeds(1000, 30_000);
    const t = await startBroadcaster({
      orchestrators: [fake.url],
      jobsConcurrency: 2,
      jobsLeaseMs: 1500,
      shutdownGrace: 3,
    });
    cleanups.push(() => t.close());
    const { short, long, queued } = await threeJobs(t.url, fake);
    await t.b.stop();
    const sqlite = new Database(join(t.dir, "jobs.sqlite"), { readonly: true });
    const [s, l, q] = [short, long, queued].map((id) =>
      sqlite.prepare("SELECT status, runs, takeovers FROM jobs WHERE id = ?").get(id),
    );
    sqlite.close();
    expect(s).toMatchObject({ status: "succeeded", runs: 1 });
    expect(l).toMatchObject({ status: "queued", runs: 1, takeovers: 0 });
    expect(q).toMatchObject({ status: "queued", runs: 0 });
    const metrics = await t.b.metrics.registry.metrics();
    expect(counter(metrics, "avs_broadcaster_async_job_handbacks_total")).toBe(1);
    expect(counter(metrics, "avs_broadcaster_async_job_takeovers_total")).toBe(0);
    // The handed-back job's call to the orchestrator was closed.
    await expect.poll(() => fake.aborted).toBe(1);
  }, 60_000);
});

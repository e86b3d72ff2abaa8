/**
 * @module graphile-worker's queue rows after a broadcaster is killed with SIGKILL (real `avs-broadcaster` processes,
 * a FAKE orchestrator, one PostgreSQL schema): the entry the dead broadcaster held is retired when another takes its
 * job over (`job_key` replace mode: key cleared, attempts spent, still locked by the dead worker pool); the
 * survivors' sweep deletes it once the job no longer runs, and leaves the entries of live broadcasters alone.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type ApiJob, submitAsync, waitForJob } from "./support/async-jobs.js";
import { type BroadcasterProcess, startBroadcasterProcess } from "./support/broadcaster-process.js";
import { startFakeOrchestrator } from "./support/fake-orchestrator.js";
import { pgQuery, testSchema } from "./support/postgres.js";

const MODEL = "tiny/sd";
const SLOW = "tiny/slow";
const JOB = { width: 64, height: 64, num_inference_steps: 1 };
const started: BroadcasterProcess[] = [];
const cleanups: Array<() => Promise<unknown> | unknown> = [];

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  for (const c of cleanups.reverse()) await c();
}, 60_000);

async function broadcaster(args: string[]): Promise<BroadcasterProcess> {
  const p = await startBroadcasterProcess(args);
  started.push(p);
  return p;
}

/** A row of graphile-worker's `_private_jobs`, with its task's name. */
interface QueueRow {
  id: string;
  task: string;
  job: string;
  key: string | null;
  locked_by: string | null;
  spent: boolean;
}

describe("queue entries of a broadcaster killed with SIGKILL", () => {
  it("are deleted once their job ended elsewhere; a live broadcaster's entry stays", async () => {
    const db = testSchema("retired");
    cleanups.push(() => db.drop());
    const fake = await startFakeOrchestrator([
      { pipeline: "text-to-image", model_id: MODEL },
      { pipeline: "text-to-image", model_id: SLOW },
    ]);
    cleanups.push(() => fake.close());
    fake.behaviour = { kind: "ok", delayMs: 6000 };
    fake.behaviourByModel[SLOW] = { kind: "ok", delayMs: 180_000 };
    const args = [
      ...["--orchestrator", fake.url, "--jobs-db", db.url, "--jobs-db-schema", db.schema],
      ...["--jobs-lease-ms", "4000", "--info-interval-ms", "1000"],
    ];
    const rows = () =>
      pgQuery<QueueRow>(
        `SELECT p.id::text, t.identifier AS task, p.payload->>'id' AS job, p.key, p.locked_by,
           p.attempts >= p.max_attempts AS spent
         FROM "${db.schema}_queue"._private_jobs p JOIN "${db.schema}_queue"._private_tasks t ON t.id = p.task_id
         ORDER BY p.id`,
      );
    const holderOf = async (id: string) =>
      (await pgQuery<{ holder: string | null }>(`SELECT holder FROM "${db.schema}".jobs WHERE id = $1`, [id]))[0]!
        .holder;
    // Every job through the queue (so each has an entry); A alone at first, with one slot, so the job is A's.
    const a = await broadcaster([...args, "--jobs-start", "queue", "--jobs-concurrency", "1"]);
    const job = (await (await submitAsync(a.url, { ...JOB, model_id: MODEL, prompt: "dies with A" })).json()) as ApiJob;
    await expect.poll(async () => (await holderOf(job.id)) ?? "", { timeout: 10_000 }).toMatch(`:${a.pid}:`);
    // B runs a long job the whole time: its entry is held by a live worker pool, and must stay held.
    const b = await broadcaster([...args, "--jobs-start", "queue"]);
    const slow = (await (await submitAsync(b.url, { ...JOB, model_id: SLOW, prompt: "slow" })).json()) as ApiJob;
    await expect.poll(async () => (await holderOf(slow.id)) ?? "", { timeout: 10_000 }).toMatch(`:${b.pid}:`);
    const before = await rows();
    const deadPool = before.find((r) => r.job === job.id)!.locked_by!;
    const livePool = before.find((r) => r.job === slow.id)!.locked_by!;
    expect(deadPool).toMatch(/^pool-/);
    expect(livePool).not.toBe(deadPool);
    // Retired rows as they may also be found (retired an hour ago): locked by a live pool that holds another row
    // (unlocking that pool would free the slow job's entry for a second handler), locked by a pool that holds no
    // other row but whose job still runs under a live lease, and one graphile-worker unlocked after 4 hours.
    const retire = (job: string, pool: string | null) =>
      pgQuery<{ id: string }>(
        `INSERT INTO "${db.schema}_queue"._private_jobs (task_id, payload, run_at, attempts, max_attempts, key,
           locked_at, locked_by, updated_at)
         SELECT id, json_build_object('id', $1::text), now(), 25, 25, NULL, now() - interval '1 hour', $2,
           now() - interval '1 hour'
         FROM "${db.schema}_queue"._private_tasks WHERE identifier = 'avs_job' RETURNING id::text`,
        [job, pool],
      );
    const kept = [...(await retire("job_gone", livePool)), ...(await retire(slow.id, "pool-gone"))];
    await pgQuery(`UPDATE "${db.schema}_queue"._private_jobs SET locked_at = NULL WHERE id = $1`, [
      (await retire(job.id, "pool-reset"))[0]!.id,
    ]);
    await a.kill();

    // B takes the job over: A's entry is retired (no key, attempts spent), still locked by A's dead pool. About 12 s
    // here (a lease, a heartbeat, the 6 s job); a CI machine loaded twice over once took more than 30. With a 1.5 s
    // lease the job was once still running after 60 s on a loaded CI machine: B's own renewals have little room
    // under such load (a run whose renewal is late is stopped and runs again), so the lease is 4 s.
    const done = await waitForJob(b.url, job.id, { timeoutMs: 60_000 });
    expect(done.status).toBe("succeeded");
    // Then B's sweep deletes it, and only it.
    await expect
      .poll(async () => (await rows()).filter((r) => r.locked_by === deadPool), { timeout: 20_000, interval: 250 })
      .toEqual([]);
    const slowRow = before.find((r) => r.job === slow.id)!;
    expect(await rows()).toEqual([
      { ...slowRow, locked_by: livePool },
      { id: kept[0]!.id, task: "avs_job", job: "job_gone", key: null, locked_by: livePool, spent: true },
      { id: kept[1]!.id, task: "avs_job", job: slow.id, key: null, locked_by: "pool-gone", spent: true },
    ]);
    expect((await waitForJob(b.url, slow.id, { until: () => true })).status).toBe("running");
    expect(fake.jobs.filter((j) => j.fields.prompt === "slow")).toHaveLength(1);
    expect((await fetch(`${b.url}/jobs/${slow.id}/cancel`, { method: "POST" })).status).toBe(202);
  }, 120_000);
});

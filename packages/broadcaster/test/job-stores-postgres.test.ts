/**
 * @module What only the PostgreSQL job store does: a job created already claimed (`jobs-start here`), and its queue's
 * runners surviving another schema's migration on the same database.
 */
import { describe, expect, it } from "vitest";
import type { PostgresJobStore } from "../src/async-jobs/postgres-store.js";
import { jobStoreFixtures } from "./support/job-store-fixtures.js";
import { newJob } from "./support/new-job.js";
import { pgQuery } from "./support/postgres.js";

const { stores, recorder } = jobStoreFixtures("avs-job-stores-pg-");

describe("PostgreSQL job store only", () => {
  const open = (label: string) => stores[1]![1](label) as PostgresJobStore;

  it("creates a job already claimed for jobs-start here, in one write, with both its events and a lease", async () => {
    const store = open("here");
    await store.init();
    try {
      // A lease long enough that the checks below run inside it on a loaded machine (300 ms did not, once).
      const created = await store.create(newJob(), { here: { holder: "holder-h", leaseMs: 1500 } });
      // The answer shows the job as it was created; the claim is the run that starts it.
      expect(created).toMatchObject({ kind: "created", job: { status: "queued", runs: 0 } });
      expect(created.claim).toMatchObject({
        holder: "holder-h",
        run: 1,
        job: { status: "running", holder: "holder-h" },
      });
      const id = created.job.id;
      expect((await store.events(id, 0)).map((e) => [e.seq, (e.data as { status: string }).status])).toEqual([
        [1, "queued"],
        [2, "running"],
      ]);
      // Held: no queue entry, and nobody else claims it while the lease lasts.
      const entries = await pgQuery(`SELECT 1 FROM "${store.names.queueSchema}".jobs WHERE key = $1`, [id]);
      expect(entries).toEqual([]);
      expect(await store.claim(id, "holder-other", 300)).toBeUndefined();
      // Its holder gone, the sweep re-queues it once the lease runs out, and the next run is fenced as run 2.
      await new Promise((r) => setTimeout(r, 1600));
      expect(await store.requeueExpired(300)).toBeGreaterThanOrEqual(1);
      expect(await store.claim(id, "holder-other", 300)).toMatchObject({ run: 2 });
      expect(await store.finish(created.claim!, { status: "cancelled" })).toBe(false);
    } finally {
      await store.close();
    }
  });

  it("keeps taking jobs after a store on another schema of the database migrates its queue", async () => {
    const store = open("survivor");
    await store.init();
    const r = recorder("holder-s", 2000);
    await store.start(r.workers);
    const other = open("newcomer");
    try {
      // graphile-worker announces a fresh schema's breaking migrations on a channel every schema's runners hear.
      await other.init();
      await new Promise((done) => setTimeout(done, 300));
      const job = (await store.create(newJob())).job;
      await expect.poll(() => r.claims.some((c) => c.job.id === job.id), { timeout: 5000 }).toBe(true);
      r.release(job.id);
      expect(process.exitCode ?? 0).toBe(0);
    } finally {
      await other.close();
      await store.close();
    }
  }, 15_000);
});

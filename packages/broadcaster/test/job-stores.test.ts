/**
 * @module The two job stores hold to one contract, checked on each (SQLite in a temporary file, PostgreSQL in a
 * schema of this test's own): creation with idempotency keys, input files in chunks, leases that another holder
 * takes over once they run out, writes fenced by the run number (a job ends once), cancels, progress, notifications
 * and cleanup. Two store objects on one database stand for two broadcasters. What only the PostgreSQL store does is in
 * job-stores-postgres.test.ts.
 */
import { describe, expect, it } from "vitest";
import { newJobId } from "../src/async-jobs/model.js";
import { type JobChange, TooManyActiveJobsError } from "../src/async-jobs/store.js";
import { jobStoreFixtures } from "./support/job-store-fixtures.js";
import { newJob } from "./support/new-job.js";

const { stores, recorder } = jobStoreFixtures("avs-job-stores-");

describe.each(stores)("%s job store", (_name, open) => {
  it("creates jobs, answers an idempotency key with its job, and keeps file inputs in chunks", async () => {
    const store = open(`create${_name[0]}`);
    await store.init();
    try {
      const bytes = new Uint8Array(2.5 * 1024 * 1024).map((_, i) => (i * 7) % 253);
      const job = newJob({
        idempotencyKey: "k1",
        bodyHash: "h1",
        inputs: { fields: { prompt: "x" }, files: { image: { name: "a.png", type: "image/png", size: bytes.length } } },
        files: { image: new Blob([bytes]) },
      });
      const created = await store.create(job);
      expect(created.kind).toBe("created");
      expect(created.job).toMatchObject({ id: job.id, status: "queued", runs: 0, progress: { fraction: 0 } });
      expect((await store.create({ ...job, id: newJobId() })).job.id).toBe(job.id);
      expect((await store.create({ ...job, id: newJobId() })).kind).toBe("existing");
      expect((await store.create({ ...job, id: newJobId(), bodyHash: "h2" })).kind).toBe("conflict");
      expect((await store.create({ ...job, id: newJobId(), owner: "owner-2" })).kind).toBe("created");
      expect((await store.byIdempotencyKey(job.owner, "k1"))?.id).toBe(job.id);
      expect((await store.byIdempotencyKey("owner-2", "k1"))?.owner).toBe("owner-2");
      expect(await store.byIdempotencyKey(job.owner, "k2")).toBeUndefined();
      expect(await store.byIdempotencyKey("owner-3", "k1")).toBeUndefined();
      const chunks: Uint8Array[] = [];
      for await (const c of store.readFile(job.id, "image")) chunks.push(c);
      expect(chunks.map((c) => c.length)).toEqual([1048576, 1048576, 524288]);
      expect(Buffer.compare(Buffer.concat(chunks), bytes)).toBe(0);
      expect((await store.events(job.id, 0)).map((e) => [e.seq, e.type])).toEqual([[1, "status"]]);
    } finally {
      await store.close();
    }
  });

  it("finds an owner's newest job of a pipeline by its request id", async () => {
    const store = open(`request${_name[0]}`);
    await store.init();
    try {
      const i2v = { pipeline: "image-to-video", requestId: "order-7" };
      await store.create(newJob(i2v));
      const newest = await store.create(newJob(i2v));
      await store.create(newJob({ ...i2v, pipeline: "upscale" }));
      await store.create(newJob({ ...i2v, owner: "owner-2" }));
      expect((await store.byRequestId("owner-1", "order-7", "image-to-video"))?.id).toBe(newest.job.id);
      expect((await store.byRequestId("owner-2", "order-7", "image-to-video"))?.owner).toBe("owner-2");
      expect(await store.byRequestId("owner-1", "order-8", "image-to-video")).toBeUndefined();
      expect(await store.byRequestId("owner-3", "order-7", "image-to-video")).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it("makes no job past an owner's limit of active jobs, but still finds a repeated key's job", async () => {
    const store = open(`limit${_name[0]}`);
    await store.init();
    try {
      const limit = { maxActive: 2 };
      const first = await store.create(newJob({ idempotencyKey: "k1", bodyHash: "h1" }), limit);
      await store.create(newJob(), limit);
      const third = await store.create(newJob(), limit).catch((e: unknown) => e);
      expect(third).toBeInstanceOf(TooManyActiveJobsError);
      expect(third).toMatchObject({ active: 2, maxActive: 2 });
      // Another owner has a count of its own; a repeat of a key finds its job at the limit.
      expect((await store.create(newJob({ owner: "owner-2" }), limit)).kind).toBe("created");
      const again = await store.create(newJob({ idempotencyKey: "k1", bodyHash: "h1" }), limit);
      expect([again.kind, again.job.id]).toEqual(["existing", first.job.id]);
      // A job that ends (a cancelled one) makes room.
      await store.requestCancel(first.job.id);
      expect((await store.create(newJob(), limit)).kind).toBe("created");
      await expect(store.create(newJob(), limit)).rejects.toBeInstanceOf(TooManyActiveJobsError);
    } finally {
      await store.close();
    }
  });

  it("holds an owner's limit under a burst of creations with uploads, from two broadcasters on one database", async () => {
    const [one, two] = [open(`burst${_name[0]}`), open(`burst${_name[0]}`)];
    await Promise.all([one.init(), two.init()]);
    try {
      const bytes = new Uint8Array(2 * 1024 * 1024).fill(5);
      const upload = () => ({
        inputs: { fields: {}, files: { image: { name: "a.png", type: "image/png", size: bytes.length } } },
        files: { image: new Blob([bytes]) },
      });
      const burst = await Promise.allSettled(
        Array.from({ length: 16 }, (_, i) => (i % 2 ? one : two).create(newJob(upload()), { maxActive: 5 })),
      );
      const made = burst.filter((r) => r.status === "fulfilled");
      const refused = burst.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
      expect(made).toHaveLength(5);
      expect(refused).toHaveLength(11);
      for (const err of refused) expect(err).toMatchObject({ name: "TooManyActiveJobsError", active: 5, maxActive: 5 });
      // Nothing of a refused job is left: only the five made have their upload.
      for (const r of made) {
        const chunks: Uint8Array[] = [];
        for await (const c of one.readFile(
          (r as PromiseFulfilledResult<{ job: { id: string } }>).value.job.id,
          "image",
        )) {
          chunks.push(c);
        }
        expect(Buffer.concat(chunks).length).toBe(bytes.length);
      }
      await expect(two.create(newJob(), { maxActive: 5 })).rejects.toBeInstanceOf(TooManyActiveJobsError);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it("lets another holder take a job whose lease ran out, and fences the first holder's writes", async () => {
    const [one, two] = [open(`takeover${_name[0]}`), open(`takeover${_name[0]}`)];
    await Promise.all([one.init(), two.init()]);
    const changes: JobChange[] = [];
    const unwatch = two.watch((c) => changes.push(c));
    try {
      const { job } = await one.create(newJob());
      const r1 = recorder("holder-1", 400);
      await one.start(r1.workers);
      await expect.poll(() => r1.claims.some((c) => c.job.id === job.id), { timeout: 5000 }).toBe(true);
      const first = r1.claims.find((c) => c.job.id === job.id)!;
      expect(first.run).toBe(1);
      expect(first.job.takeovers).toBe(0);
      expect(first.takenOver).toBe(false);
      await expect.poll(() => r1.beats.some((b) => b.some((h) => h.id === job.id && h.run === 1))).toBe(true);
      expect(await one.progress(first, { fraction: 0.5, stage: "denoise", step: 1, total: 2 })).toBe(true);
      // Holder 1 dies: no more heartbeats (its stop waits for its handler, which the test holds until the end).
      const dying = one.stop();
      const r2 = recorder("holder-2", 400);
      await two.start(r2.workers);
      await expect.poll(() => r2.claims.some((c) => c.job.id === job.id), { timeout: 10_000 }).toBe(true);
      const second = r2.claims.find((c) => c.job.id === job.id)!;
      expect(second.run).toBe(2);
      // Taken from a holder that stopped renewing: a takeover, which jobs-max-takeovers and the metric count.
      expect(second.job.takeovers).toBe(1);
      expect(second.takenOver).toBe(true);
      expect(await one.progress(first, { fraction: 0.9 })).toBe(false);
      expect(await one.finish(first, { status: "succeeded", media: [] })).toBe(false);
      expect(
        await two.finish(second, { status: "succeeded", media: [{ name: "out.png", seed: 1, nsfw: false }] }),
      ).toBe(true);
      expect(await two.finish(second, { status: "failed", error: { status: 500, detail: { msg: "again" } } })).toBe(
        false,
      );
      r1.release(job.id);
      r2.release(job.id);
      await dying;
      const events = await two.events(job.id, 0);
      expect(events.map((e) => [e.type, (e.data as { status?: string }).status ?? "progress"])).toEqual([
        ["status", "queued"],
        ["status", "running"],
        ["progress", "progress"],
        ["status", "running"],
        ["result", "succeeded"],
      ]);
      expect(await two.get(job.id)).toMatchObject({
        status: "succeeded",
        runs: 2,
        takeovers: 1,
        progress: { fraction: 1 },
      });
      await expect.poll(() => changes.some((c) => c.jobId === job.id && c.kind === "events")).toBe(true);
    } finally {
      unwatch();
      await Promise.all([one.close(), two.close()]);
    }
  });

  it("leaves the lease of a job its holder stopped without ending it to run out, so the job runs again", async () => {
    // As a broadcaster whose heartbeats could not reach the store for a lease: it stops the job, and once the store
    // answers again its heartbeats must not keep that job "running" with nobody running it.
    const store = open(`stopped${_name[0]}`);
    await store.init();
    try {
      const { job } = await store.create(newJob());
      const r = recorder("holder-1", 400);
      await store.start(r.workers);
      await expect.poll(() => r.claims.some((c) => c.job.id === job.id), { timeout: 5000 }).toBe(true);
      await expect.poll(() => r.beats.some((b) => b.some((h) => h.id === job.id))).toBe(true);
      r.release(job.id);
      // Claimed again (run 2) by the same holder once its lease ran out unrenewed.
      await expect.poll(() => r.claims.some((c) => c.job.id === job.id && c.run === 2), { timeout: 10_000 }).toBe(true);
      expect(await store.get(job.id)).toMatchObject({ status: "running", runs: 2, takeovers: 1 });
      r.release(job.id);
    } finally {
      await store.close();
    }
  });

  it("counts no takeover for a job handed back on stop and claimed again", async () => {
    const store = open(`handback${_name[0]}`);
    await store.init();
    try {
      const { job } = await store.create(newJob());
      const r = recorder("holder-1", 60_000);
      await store.start(r.workers);
      await expect.poll(() => r.claims.some((c) => c.job.id === job.id), { timeout: 5000 }).toBe(true);
      const first = r.claims.find((c) => c.job.id === job.id)!;
      expect(await store.release(first)).toBe(true);
      r.release(job.id);
      await expect.poll(() => r.claims.some((c) => c.job.id === job.id && c.run === 2), { timeout: 10_000 }).toBe(true);
      const again = r.claims.find((c) => c.run === 2)!;
      expect(again.job).toMatchObject({ status: "running", takeovers: 0 });
      expect(again.takenOver).toBe(false);
      r.release(job.id);
    } finally {
      await store.close();
    }
  });

  it("cancels a queued job at once and flags a running one for its holder", async () => {
    const store = open(`cancel${_name[0]}`);
    await store.init();
    const changes: JobChange[] = [];
    const unwatch = store.watch((c) => changes.push(c));
    try {
      const queued = (await store.create(newJob())).job;
      const cancelled = await store.requestCancel(queued.id);
      expect(cancelled).toMatchObject({ status: "cancelled", cancelRequested: true });
      expect((await store.events(queued.id, 0)).map((e) => e.type)).toEqual(["status", "result"]);
      const running = (await store.create(newJob())).job;
      const r = recorder("holder-c", 2000);
      await store.start(r.workers);
      await expect.poll(() => r.claims.some((c) => c.job.id === running.id), { timeout: 5000 }).toBe(true);
      expect(await store.requestCancel(running.id)).toMatchObject({ status: "running", cancelRequested: true });
      await expect.poll(() => changes.some((c) => c.jobId === running.id && c.kind === "cancel")).toBe(true);
      await expect
        .poll(() => r.beats.some((b) => b.some((h) => h.id === running.id && h.cancelRequested)), { timeout: 5000 })
        .toBe(true);
      const claim = r.claims.find((c) => c.job.id === running.id)!;
      expect(await store.finish(claim, { status: "cancelled" })).toBe(true);
      r.release(running.id);
      expect(await store.cleanup(Date.now() + 1000)).toBeGreaterThanOrEqual(2);
      expect(await store.get(queued.id)).toBeUndefined();
      expect(await store.events(running.id, 0)).toEqual([]);
    } finally {
      unwatch();
      await store.close();
    }
  });

  it("keeps each job for the retention of the broadcaster that made it, whichever one ends or sweeps it", async () => {
    // Two broadcasters on one database: `short` with a job-retention-ms of 200 ms, `long` with one of an hour.
    const short = open(`keep${_name[0]}`);
    const long = open(`keep${_name[0]}`);
    await short.init();
    await long.init();
    try {
      const mine = (await short.create(newJob(), { keepMs: 200 })).job;
      const theirs = (await long.create(newJob(), { keepMs: 3600_000 })).job;
      // Made without a retention of its own, as an older release makes jobs.
      const legacy = (await long.create(newJob())).job;
      await short.requestCancel(mine.id);
      await long.requestCancel(legacy.id);
      // `long`'s job is run and ended by `short`: it keeps the retention it was made with.
      const r = recorder("holder-k", 2000);
      await short.start(r.workers);
      await expect.poll(() => r.claims.some((c) => c.job.id === theirs.id), { timeout: 5000 }).toBe(true);
      // The claim carries the job's retention: its outputs are kept as long, whoever runs it (Job.outputKeepMs).
      expect(r.claims.find((c) => c.job.id === theirs.id)!.job.keepMs).toBe(3600_000);
      expect(await short.finish(r.claims.find((c) => c.job.id === theirs.id)!, { status: "cancelled" })).toBe(true);
      r.release(theirs.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Past its own retention, `short`'s job goes in any broadcaster's sweep; the legacy job ended 300 ms ago stays
      // for `long` (an hour) and goes for `short` (200 ms), each by its own setting, as before.
      expect(await long.cleanup(Date.now() - 3600_000)).toBe(1);
      expect(await long.get(mine.id)).toBeUndefined();
      expect(await short.get(legacy.id)).toMatchObject({ status: "cancelled" });
      expect(await short.cleanup(Date.now() - 200)).toBe(1);
      expect(await long.get(legacy.id)).toBeUndefined();
      expect(await short.get(theirs.id)).toMatchObject({ status: "cancelled" });
      expect((await short.events(theirs.id, 0)).length).toBeGreaterThan(0);
    } finally {
      await short.close();
      await long.close();
    }
  });
});

/**
 * @module The change hub's shared reads: fifty event streams of one job, woken by each of its changes, cost one read
 * of the store per change, not fifty, and each still gets exactly the events after its own position — including a
 * stream further behind than the others. A real SQLite store, its `events` counted.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { ChangeHub } from "../src/async-jobs/change-hub.js";
import type { JobEvent } from "../src/async-jobs/model.js";
import { SqliteJobStore } from "../src/async-jobs/sqlite-store.js";
import type { Claim, JobStore } from "../src/async-jobs/store.js";
import { newJob } from "./support/new-job.js";

const dir = mkdtempSync(join(tmpdir(), "avs-change-hub-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("reads a job's new events once per change for all its streams, each from its own position", async () => {
  const store = new SqliteJobStore(join(dir, "jobs.sqlite"));
  await store.init();
  let reads = 0;
  const counted = {
    watch: (fn: Parameters<JobStore["watch"]>[0]) => store.watch(fn),
    events: (id: string, after: number) => {
      reads++;
      return store.events(id, after);
    },
  } as unknown as JobStore;
  const hub = new ChangeHub(counted, () => {});
  try {
    const { job } = await store.create(newJob());
    let claim: Claim | undefined;
    await store.start({
      holder: "h",
      concurrency: 1,
      leaseMs: 60_000,
      deliveryTimeoutMs: 1000,
      runJob: (c) => {
        claim = c;
        return new Promise(() => {});
      },
      running: () => (claim ? [claim.job.id] : []),
      deliver: async () => ({ ok: true }),
      onHeartbeat: () => {},
    });
    await expect.poll(() => claim !== undefined).toBe(true);

    /** A stream: reads from its position whenever woken, one read at a time, as `jobEventStream` does. */
    const stream = (from: number) => {
      const got: JobEvent[] = [];
      let last = from;
      let reading = Promise.resolve();
      const pull = () => {
        reading = reading.then(async () => {
          const events = await hub.events(job.id, last);
          got.push(...events);
          last = events.at(-1)?.seq ?? last;
        });
      };
      hub.subscribe(job.id, pull);
      pull();
      return { got, settled: () => reading };
    };
    const streams = Array.from({ length: 50 }, () => stream(2));
    const behind = stream(0);
    await Promise.all([...streams, behind].map((s) => s.settled()));
    const before = reads;
    // The 50 streams at seq 2 shared one read, the one at 0 made its own.
    expect(before).toBeLessThanOrEqual(3);

    for (let step = 1; step <= 3; step++) {
      expect(await store.progress(claim!, { fraction: step / 4, stage: "denoise", step, total: 4 })).toBe(true);
      await expect
        .poll(() => streams.every((s) => s.got.at(-1)?.seq === 2 + step) && behind.got.at(-1)?.seq === 2 + step)
        .toBe(true);
    }
    await Promise.all([...streams, behind].map((s) => s.settled()));
    console.log(`51 streams, 3 changes: ${reads - before} reads of the store (one per stream would be 153)`);
    expect(reads - before).toBeLessThanOrEqual(6);
    for (const s of streams) expect(s.got.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(behind.got.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  } finally {
    hub.close();
    await store.close();
  }
});

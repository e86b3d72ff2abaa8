/**
 * @module Waiting for capacity and telling the gateway's own failures from an orchestrator's, against FAKE
 * orchestrators whose capacity is real (a job past it is answered 503 `insufficient capacity`, `/info` counts the jobs
 * running): busy answers are not failed attempts, a job whose orchestrators are all full waits for a slot within its
 * budget without asking again and again, and an output store that fails holds back no orchestrator.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CapacityQueue } from "../src/orchestrators/capacity-queue.js";
import { submitAsync, waitForJob } from "./support/async-jobs.js";
import { startBroadcaster, textToImage } from "./support/broadcaster.js";
import { type FakeCapability, type FakeOrchestrator, startFakeOrchestrator } from "./support/fake-orchestrator.js";

const CAP: FakeCapability = { pipeline: "text-to-image", model_id: "tiny/sd-turbo", capacity: 1 };
const JOB = { model_id: "tiny/sd-turbo", prompt: "a fox", width: 64, height: 64, num_inference_steps: 1 };

let open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.map((x) => x.close()));
  open = [];
});

/** Fake orchestrators of capacity 1 that enforce it, each job taking `delayMs`. */
async function fakes(n: number, delayMs: number): Promise<FakeOrchestrator[]> {
  const list = await Promise.all(Array.from({ length: n }, () => startFakeOrchestrator([{ ...CAP }])));
  for (const f of list) {
    f.enforceCapacity = true;
    f.behaviour = { kind: "ok", delayMs, inline: true };
  }
  open.push(...list);
  return list;
}

async function gateway(orchestrators: string[], options: Parameters<typeof startBroadcaster>[0] = {}) {
  const t = await startBroadcaster({ orchestrators, ...options });
  open.unshift(t);
  return t;
}

/** A gateway in front of one orchestrator of capacity 1 that a first job of `delayMs` keeps full from 100 ms on. */
async function full(delayMs: number, options: Parameters<typeof startBroadcaster>[0] = {}) {
  const o = (await fakes(1, delayMs))[0]!;
  const t = await gateway([o.url], options);
  const first = textToImage(t.url, JOB);
  await sleep(100);
  return { o, t, first };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const busyAnswers = (list: FakeOrchestrator[]) => list.reduce((n, f) => n + f.busyAnswers, 0);

describe("the capacity queue", () => {
  it("wakes waiters oldest ticket first, and drops one at once when its signal aborts", async () => {
    const q = new CapacityQueue();
    const [a, b, c] = [q.ticket(), q.ticket(), q.ticket()];
    const order: number[] = [];
    const gone = new AbortController();
    const waits = [
      q.wait(c, 10_000, new AbortController().signal).then(() => order.push(c)),
      q.wait(a, 10_000, new AbortController().signal).then(() => order.push(a)),
      q.wait(b, 10_000, gone.signal).catch((e: unknown) => order.push(e === "gone" ? -1 : -2)),
    ];
    expect(q.size).toBe(3);
    gone.abort("gone");
    await waits[2];
    expect(q.size).toBe(2);
    q.wake();
    await Promise.all(waits);
    expect(order).toEqual([-1, a, c]);
    expect(q.size).toBe(0);
  });
});

describe("busy orchestrators", () => {
  it("runs 8 jobs sent at once through two gateways to two orchestrators of capacity 1, busy answers not counted", async () => {
    const list = await fakes(2, 400);
    // One attempt per job: a busy answer counted as an attempt would fail the job.
    const gateways = await Promise.all(
      [0, 1].map(() =>
        gateway(
          list.map((f) => f.url),
          { maxAttempts: 1 },
        ),
      ),
    );
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => textToImage(gateways[i % 2]!.url, JOB).then((r) => r.status)),
    );
    expect(answers).toEqual(Array(8).fill(200));
    // Four rounds of two slots, at least.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(list.reduce((n, f) => n + f.completed.length, 0)).toBe(8);
    // Jobs wait for a slot instead of asking: only the two gateways racing for one slot get a busy answer, a few
    // times, not one per waiting job and second.
    expect(busyAnswers(list)).toBeLessThanOrEqual(6);
    for (const t of gateways) expect(t.b.registry.waiting.size).toBe(0);
  });

  it("serves jobs waiting for capacity in their order of arrival, without sending one to a full orchestrator", async () => {
    const o = (await fakes(1, 150))[0]!;
    const t = await gateway([o.url]);
    const answers: Array<Promise<number>> = [];
    for (let i = 0; i < 5; i++) {
      answers.push(textToImage(t.url, JOB, { "x-request-id": `job-${i}` }).then((r) => r.status));
      await sleep(30);
    }
    expect(await Promise.all(answers)).toEqual(Array(5).fill(200));
    expect(o.completed).toEqual(["job-0", "job-1", "job-2", "job-3", "job-4"]);
    expect(o.busyAnswers).toBe(0);
  });

  it("answers 503 with Retry-After when the retry budget ends while every orchestrator is full", async () => {
    const { o, t, first } = await full(2000, { retryBudgetMs: 500 });
    const started = Date.now();
    const res = await textToImage(t.url, JOB);
    const ms = Date.now() - started;
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const msg = (await res.json()).detail.msg as string;
    expect(msg).toBe(
      "no orchestrators available for text-to-image/tiny/sd-turbo: every eligible orchestrator is at capacity; " +
        "retry budget of 500 ms spent",
    );
    // It waited out its budget, and the full orchestrator never saw it.
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(1500);
    expect(o.jobs).toHaveLength(1);
    expect(o.busyAnswers).toBe(0);
    expect((await first).status).toBe(200);
  });

  it("says the retry budget was spent when an orchestrator that is always busy held the job to its end", async () => {
    const [o] = await fakes(1, 0);
    o!.behaviour = { kind: "status", status: 503, msg: "insufficient capacity", retryAfter: 1 };
    const t = await gateway([o!.url], { retryBudgetMs: 2500 });
    const res = await textToImage(t.url, JOB);
    expect(res.status).toBe(503);
    expect((await res.json()).detail.msg).toMatch(
      /: \d busy answers \(HTTP 503\); every eligible orchestrator is held back \(busy or failing\); retry budget of 2500 ms spent$/,
    );
  });

  it("stops waiting at once when the client goes away: the job never reaches the orchestrator", async () => {
    const { o, t, first } = await full(1000);
    const ctl = new AbortController();
    const second = textToImage(t.url, JOB, {}, ctl.signal).catch((e: Error) => e.name);
    await expect.poll(() => t.b.registry.waiting.size).toBe(1);
    ctl.abort();
    expect(await second).toBe("AbortError");
    await expect.poll(() => t.b.registry.waiting.size, { timeout: 300 }).toBe(0);
    expect((await first).status).toBe(200);
    // Had it still waited, the freed slot would have gone to it.
    await sleep(400);
    expect(o.jobs).toHaveLength(1);
    expect(o.busyAnswers).toBe(0);
  });
});

describe("asynchronous jobs waiting for capacity", () => {
  it("wait past the synchronous retry budget rather than fail while every orchestrator is briefly full", async () => {
    const { o, t, first } = await full(1200, { retryBudgetMs: 300, jobsConcurrency: 2 });
    const res = await submitAsync(t.url, JOB);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    // While it waits, the job says so: running, at its fraction so far, in the stage `waiting`.
    const waiting = await waitForJob(t.url, id, { until: (j) => j.progress.stage === "waiting", timeoutMs: 5000 });
    expect(waiting).toMatchObject({ status: "running", progress: { fraction: 0, stage: "waiting" } });
    const done = await waitForJob(t.url, id, { timeoutMs: 10_000 });
    expect(done.status).toBe("succeeded");
    expect((await first).status).toBe(200);
    expect(o.completed).toHaveLength(2);
    expect(o.busyAnswers).toBe(0);
  });

  it("wait while the orchestrator is unreachable and run once it is back; a synchronous job still gets 503 at once", async () => {
    const [o] = await fakes(1, 0);
    const t = await gateway([o!.url], { infoIntervalMs: 200 });
    await expect.poll(async () => (await fetch(`${t.url}/ready`)).status).toBe(200);
    o!.infoDown = true;
    await expect.poll(async () => (await fetch(`${t.url}/ready`)).status).toBe(503);
    const started = Date.now();
    expect((await textToImage(t.url, JOB)).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(1000);
    const { id } = (await (await submitAsync(t.url, JOB)).json()) as { id: string };
    const waiting = await waitForJob(t.url, id, { until: (j) => j.progress.stage === "waiting", timeoutMs: 5000 });
    expect(waiting.status).toBe("running");
    await sleep(1000);
    expect(o!.jobs).toHaveLength(0);
    o!.infoDown = false;
    expect((await waitForJob(t.url, id, { timeoutMs: 10_000 })).status).toBe("succeeded");
    expect(o!.jobs).toHaveLength(1);
  });

  it("try their only orchestrator again once its hold-back ends after it failed them; a synchronous job fails", async () => {
    const [o] = await fakes(1, 0);
    o!.behaviour = { kind: "status", status: 500, msg: "the runner died during the job" };
    const t = await gateway([o!.url], { backoffBaseMs: 300 });
    expect((await textToImage(t.url, JOB)).status).toBe(503);
    const { id } = (await (await submitAsync(t.url, JOB)).json()) as { id: string };
    await expect.poll(() => o!.jobs.length).toBe(2);
    o!.behaviour = { kind: "ok", inline: true };
    const done = await waitForJob(t.url, id, { timeoutMs: 10_000 });
    expect(done.status).toBe("succeeded");
    expect(o!.jobs).toHaveLength(3);
  });

  it("fail once every attempt is used on orchestrators that keep failing them", async () => {
    const [o] = await fakes(1, 0);
    o!.behaviour = { kind: "status", status: 500, msg: "out of memory" };
    const t = await gateway([o!.url], { backoffBaseMs: 100 });
    const { id } = (await (await submitAsync(t.url, JOB)).json()) as { id: string };
    const done = await waitForJob(t.url, id, { timeoutMs: 10_000 });
    expect(done.status).toBe("failed");
    expect(JSON.stringify(done.error)).toMatch(/attempt 3 failed \(HTTP 500\)/);
    expect(o!.jobs).toHaveLength(3);
  });

  it("wait when their only orchestrator goes down during an attempt, and run once it is back", async () => {
    const [o] = await fakes(1, 0);
    const t = await gateway([o!.url], { infoIntervalMs: 200, backoffBaseMs: 100 });
    await expect.poll(async () => (await fetch(`${t.url}/ready`)).status).toBe(200);
    o!.behaviour = { kind: "drop" };
    o!.infoDown = true;
    const { id } = (await (await submitAsync(t.url, JOB)).json()) as { id: string };
    await waitForJob(t.url, id, { until: (j) => j.progress.stage === "waiting", timeoutMs: 5000 });
    // Down for a while: the job waits rather than spend its attempts.
    await sleep(1500);
    expect(o!.jobs).toHaveLength(1);
    o!.behaviour = { kind: "ok", inline: true };
    o!.infoDown = false;
    expect((await waitForJob(t.url, id, { timeoutMs: 10_000 })).status).toBe("succeeded");
    expect(o!.jobs).toHaveLength(2);
  });

  it("stop waiting at once when cancelled: the job never reaches the orchestrator", async () => {
    const { o, t, first } = await full(1500, { jobsConcurrency: 2 });
    const { id } = (await (await submitAsync(t.url, JOB)).json()) as { id: string };
    await expect.poll(() => t.b.registry.waiting.size).toBe(1);
    const cancelled = Date.now();
    expect((await fetch(`${t.url}/jobs/${id}/cancel`, { method: "POST" })).status).toBe(202);
    const done = await waitForJob(t.url, id, { timeoutMs: 5000 });
    expect(done.status).toBe("cancelled");
    expect(Date.now() - cancelled).toBeLessThan(1000);
    expect(t.b.registry.waiting.size).toBe(0);
    expect((await first).status).toBe(200);
    await sleep(300);
    expect(o.jobs).toHaveLength(1);
  });
});

describe("the gateway's own output store", () => {
  it.each([
    ["decoded from the answer", true],
    ["streamed from the orchestrator", false],
  ])(
    "failing on an output %s is not the orchestrator's failure: 503, nothing held back or retried",
    async (_, inline) => {
      const list = await fakes(2, 0);
      for (const f of list) f.behaviour = { kind: "ok", inline };
      const t = await gateway(
        list.map((f) => f.url),
        { backoffBaseMs: 10_000 },
      );
      const put = t.b.store.put.bind(t.b.store);
      t.b.store.put = async () => {
        throw new Error("Connection terminated unexpectedly");
      };
      const res = await textToImage(t.url, JOB);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect((await res.json()).detail.msg).toBe(
        "the gateway could not store the job's outputs right now; retry later",
      );
      // The job ran on one orchestrator, which is neither held back nor counted as failing; none other was tried.
      const ran = list.filter((f) => f.jobs.length > 0);
      expect(ran).toHaveLength(1);
      const o = t.b.registry.list().find((x) => x.url === ran[0]!.url)!;
      expect(o.backoff.failures).toBe(0);
      expect(o.capabilityBackoff(CAP.pipeline, CAP.model_id).failures).toBe(0);
      expect(o.heldUntil(CAP.pipeline, CAP.model_id)).toBe(0);
      expect(o.stats(CAP.pipeline, CAP.model_id).samples).toBe(0);
      const line = t.logs.find((l) => l.msg === "output store failed; orchestrator not held back");
      expect(String(line?.reason)).toContain("Connection terminated unexpectedly");
      expect(t.logs.some((l) => l.msg === "attempt failed; orchestrator held back")).toBe(false);

      // An output the orchestrator breaks off while it is fetched is still the orchestrator's failure.
      t.b.store.put = put;
      if (!inline) {
        ran[0]!.brokenOutputs = true;
        const other = list.find((f) => f !== ran[0])!;
        let retried: Response | undefined;
        // Until a job lands on the broken one first (the pick is random between equals).
        for (let i = 0; i < 20 && ran[0]!.outputGets < 2; i++) retried = await textToImage(t.url, JOB);
        expect(retried?.status).toBe(200);
        expect(o.backoff.failures).toBe(1);
        expect(other.completed.length).toBeGreaterThanOrEqual(1);
      } else expect((await textToImage(t.url, JOB)).status).toBe(200);
    },
  );
});

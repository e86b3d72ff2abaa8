/**
 * @module Real per-step progress of asynchronous jobs: a broadcaster (SQLite, then two on one PostgreSQL schema of
 * this test's own) in front of a real `avs-orchestrator` process running a real `avs-runner` on the tiny SD model.
 * A long denoise job's `GET /jobs/{id}` and event stream carry the runner's steps, strictly increasing, many of
 * them, throttled; the stream resumes with `Last-Event-ID`; the other broadcaster sees the same progress; a cancel
 * stops the job on the runner and gives the orchestrator's slot back; a job over before its follower connected still
 * reports its last step, and a follower that never finishes holds the result no longer than `SETTLE_MS`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { followProgress, type ProgressEvent } from "@ai-video-subnet/runner-client";
import { TINY_SD } from "@ai-video-subnet/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobProgress } from "../src/async-jobs/model.js";
import { runRequestId } from "../src/async-jobs/run-request-id.js";
import {
  type Broadcaster,
  createBroadcaster,
  followOrchestratorProgress,
  overallFraction,
  type ProgressSource,
} from "../src/index.js";
import { SETTLE_MS } from "../src/jobs/dispatch.js";
import { type ApiJob, readEvents, type SseEvent, sseEvents, submitAsync, waitForJob } from "./support/async-jobs.js";
import { startBroadcaster, type TestBroadcaster, textToImage } from "./support/broadcaster.js";
import { type OrchestratorProcess, startOrchestratorProcess, workspace } from "./support/network.js";
import { testSchema } from "./support/postgres.js";

const SECRET = "progress-secret";
// A job of 1000 small steps (a few hundred ms with the tiny model); progress writes are throttled to one per 20 ms here.
const JOB = { model_id: TINY_SD, prompt: "a red cube", width: 256, height: 256, num_inference_steps: 1000, seed: 3 };

const ws = workspace();
let orch: OrchestratorProcess;

// A job to cancel: four times the work, so it is still far from its end when a cancel sent at its first steps reaches
// the runner (on a quiet machine the 256×256 job could be all but done once the broadcaster saw its first progress).
const LONG_JOB = { ...JOB, width: 512, height: 512 };

// The cancel test's job: sixteen times the work of JOB, since its cancel crosses three processes (broadcaster,
// orchestrator, runner) before it stops the denoise loop, each a wait for a core on a loaded machine, while the runner
// goes on stepping: a CI run at load ~10 saw the 512×512 job end (200) before its cancel reached the runner.
const CANCEL_JOB = { ...JOB, width: 1024, height: 1024 };

// The runners inherit it through the orchestrator: room for a 1024×1024 job of 1000 steps.
process.env.MAX_SD_WORK = String(1024 * 1024 * 1000);

beforeAll(async () => {
  ws.install(TINY_SD);
  orch = await startOrchestratorProcess(ws, [{ pipeline: "text-to-image", model_id: TINY_SD, warm: true }], {
    secret: SECRET,
  });
}, 120_000);

afterAll(async () => {
  await orch?.stop();
  ws.cleanup();
});

/** Waits until the broadcaster has polled the orchestrator: a one-step synchronous job answers 200. */
async function ready(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await textToImage(url, { ...JOB, num_inference_steps: 1 })).status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function fractions(events: SseEvent[]): number[] {
  return events.filter((e) => e.event === "progress").map((e) => (JSON.parse(e.data) as { fraction: number }).fraction);
}

describe("overallFraction", () => {
  it("maps a chain job's two stages in order: SVD inside 0–0.6, then FILM inside 0.6–0.99, never going back", () => {
    const svd = [
      ...[1, 2, 3].map((step) => ({ stage: "denoise", step, total: 3 })),
      ...[1, 2].map((step) => ({ stage: "decode", step, total: 2 })),
    ].map((e) => ({ ...e, pipeline: "image-to-video" }));
    const film = [1, 24, 48].map((step) => ({
      stage: "interpolate",
      step,
      total: 48,
      pipeline: "frame-interpolation",
    }));
    const fractions = [...svd, ...film].map(overallFraction);
    expect(fractions).toEqual([0.1818, 0.3636, 0.5455, 0.5727, 0.6, 0.6081, 0.795, 0.99]);
    // A plain job's steps (no pipeline) keep the single-job spans.
    expect(overallFraction({ stage: "denoise", step: 3, total: 3 })).toBe(0.9);
    expect(overallFraction({ stage: "interpolate", step: 48, total: 48 })).toBe(0.99);
  });
});

describe("async job progress through the orchestrator (SQLite)", () => {
  let t: TestBroadcaster;
  beforeAll(async () => {
    t = await startBroadcaster({ orchestrators: [{ url: orch.url, secret: SECRET }], jobsProgressIntervalMs: 20 });
    await ready(t.url);
  });
  afterAll(async () => t?.close());

  it("carries the runner's denoise steps, strictly increasing, then the result; the stream resumes", async () => {
    // The long job: at 256×256 a quiet machine ran all 1000 steps in ~80 ms, 4 progress writes at one per 20 ms.
    const res = await submitAsync(t.url, LONG_JOB);
    expect(res.status).toBe(202);
    const job = (await res.json()) as ApiJob;
    const midway = await waitForJob(t.url, job.id, { until: (j) => j.progress.fraction > 0 && j.status === "running" });
    // A busy machine may read the job first once its denoising is over: the stream below has every step.
    expect(["denoise", "decode"]).toContain(midway.progress.stage);
    const { events } = await readEvents(t.url, job.id);
    const steps = events.filter((e) => e.event === "progress").map((e) => JSON.parse(e.data) as JobProgress);
    expect(steps).toContainEqual(expect.objectContaining({ stage: "denoise", total: 1000 }));
    expect(events.at(-1)!.event).toBe("result");
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ status: "succeeded", progress: { fraction: 1 } });
    const seen = fractions(events);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    expect(seen.every((f) => f > 0 && f <= 1)).toBe(true);
    // Resumed after the second progress event: exactly the events after it.
    const progress = events.filter((e) => e.event === "progress");
    const resumed = await readEvents(t.url, job.id, { lastEventId: progress[1]!.id! });
    expect(resumed.events.map((e) => e.id)).toEqual(
      events.slice(events.findIndex((e) => e.id === progress[1]!.id) + 1).map((e) => e.id),
    );
  }, 120_000);

  it("cancel stops the job on the runner at its next step and frees the orchestrator's slot", async () => {
    const job = (await (await submitAsync(t.url, CANCEL_JOB, { "x-request-id": "cancel-me" })).json()) as ApiJob;
    await waitForJob(t.url, job.id, { until: (j) => (j.progress.step ?? 0) >= 2 });
    expect((await fetch(`${t.url}/jobs/${job.id}/cancel`, { method: "POST" })).status).toBe(202);
    expect((await waitForJob(t.url, job.id)).status).toBe("cancelled");
    const inUse = async () =>
      ((await (await fetch(`${orch.url}/info`)).json()) as { capabilities: Array<{ in_use: number }> }).capabilities[0]!
        .in_use;
    for (let i = 0; i < 100 && (await inUse()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await inUse()).toBe(0);
    // The orchestrator keeps how the job ended: stopped on the runner, well short of its 1000 steps.
    const events: ProgressEvent[] = [];
    for await (const e of followProgress(orch.url, job.id, { token: SECRET })) events.push(e);
    expect(events.at(-1)).toMatchObject({ type: "end" });
    expect((events.at(-1) as { status: number }).status).toBeGreaterThanOrEqual(400);
    const steps = events.filter((e) => e.type === "progress").map((e) => (e as { step: number }).step);
    expect(Math.max(0, ...steps)).toBeLessThan(1000);
  }, 120_000);
});

/**
 * A proxy in front of the orchestrator that forwards everything, but ends the first `GET /progress` stream (cleanly,
 * before the job's end event) once it has carried two progress events; it records each progress request's
 * `Last-Event-ID`, status and the ids of the events it forwarded.
 */
async function startCuttingProxy(target: string) {
  const upstream = new URL(target);
  type ProgressRequest = { lastEventId: string | undefined; status?: number; forwardedIds: number[] };
  const progressRequests: ProgressRequest[] = [];
  const server = http.createServer((req, res) => {
    const record: ProgressRequest | undefined =
      req.method === "GET" && req.url!.startsWith("/progress/")
        ? { lastEventId: req.headers["last-event-id"] as string | undefined, forwardedIds: [] }
        : undefined;
    if (record) progressRequests.push(record);
    const cut = record !== undefined && progressRequests.length === 1;
    const up = http.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (!record) {
          answer.pipe(res);
          return;
        }
        record.status = answer.statusCode;
        // Event by event, so the cut falls between two events.
        let pending = "";
        let progressEvents = 0;
        answer.setEncoding("utf8");
        answer.on("data", (text: string) => {
          // A busy machine hands over chunks already read even after the cut's destroy(): they are not forwarded.
          if (res.writableEnded) return;
          pending += text;
          for (let at = pending.indexOf("\n\n"); at !== -1; at = pending.indexOf("\n\n")) {
            const event = pending.slice(0, at + 2);
            pending = pending.slice(at + 2);
            const id = /^id: (\d+)$/m.exec(event);
            if (id) record.forwardedIds.push(Number(id[1]));
            res.write(event);
            if (/^event: progress$/m.test(event)) progressEvents++;
            if (cut && progressEvents === 2) {
              answer.destroy();
              res.end();
              return;
            }
          }
        });
        answer.on("end", () => res.end());
      },
    );
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    progressRequests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("async job progress when the orchestrator's stream breaks", () => {
  let t: TestBroadcaster;
  let proxy: Awaited<ReturnType<typeof startCuttingProxy>>;
  beforeAll(async () => {
    proxy = await startCuttingProxy(orch.url);
    t = await startBroadcaster({ orchestrators: [{ url: proxy.url, secret: SECRET }], jobsProgressIntervalMs: 20 });
    await ready(t.url);
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
  });

  it("follows the stream again from its last event and keeps reporting steps", async () => {
    const res = await submitAsync(t.url, LONG_JOB);
    const job = (await res.json()) as ApiJob;
    const { events } = await readEvents(t.url, job.id);
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ status: "succeeded" });
    // The first stream ended after two progress events; the broadcaster came back with the last id it had read.
    expect(proxy.progressRequests.length).toBe(2);
    const [first, second] = proxy.progressRequests;
    // (Its first event is the job's first step, or its last state if the job had begun when the follow connected.)
    expect(first).toMatchObject({ lastEventId: undefined, status: 200 });
    expect(first!.forwardedIds).toHaveLength(2);
    const cutAt = first!.forwardedIds[1]!;
    expect(second).toMatchObject({ lastEventId: String(cutAt), status: 200 });
    // The second stream started right after it.
    expect(second!.forwardedIds[0]).toBe(cutAt + 1);
    // Without the second stream the job's progress would have stopped two steps in; it reached the decode.
    expect(Math.max(...fractions(events))).toBeGreaterThanOrEqual(0.9);
  }, 120_000);
});

describe("async job progress when the job ends before its subscription connects", () => {
  let t: TestBroadcaster;
  const lateFollows: string[] = [];
  // The broadcaster's own follower, started only once the orchestrator has ended the job: a job shorter than the
  // subscription's set-up (a small upscale on a fast machine) without the timing luck.
  const late: ProgressSource = (attempt, onProgress) =>
    (async () => {
      const { orchestrator, requestId, signal } = attempt;
      try {
        for await (const e of followProgress(orchestrator.url, requestId, { token: SECRET, signal })) {
          if (e.type === "end") break;
        }
      } catch {
        return;
      }
      lateFollows.push(requestId);
      await followOrchestratorProgress(attempt, onProgress);
    })();
  beforeAll(async () => {
    t = await startBroadcaster({
      orchestrators: [{ url: orch.url, secret: SECRET }],
      jobsProgressIntervalMs: 20,
      progressSource: late,
    });
    await ready(t.url);
  });
  afterAll(async () => t?.close());

  it("still reports the job's last step, before the result", async () => {
    const job = (await (
      await submitAsync(t.url, { ...JOB, width: 64, height: 64, num_inference_steps: 4 })
    ).json()) as ApiJob;
    const { events } = await readEvents(t.url, job.id);
    expect(events.map((e) => e.event)).toEqual(["status", "status", "progress", "result"]);
    // The orchestrator keeps an ended job's last state: the decode's last step.
    expect(fractions(events)).toEqual([0.99]);
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ status: "succeeded", progress: { fraction: 1 } });
    expect(lateFollows).toEqual([job.id]);
  }, 60_000);

  it("does not hold the result for a follower that never finishes: it is stopped after SETTLE_MS", async () => {
    const stopped: number[] = [];
    // Never reads anything; resolves only when its attempt's signal aborts.
    const stuck: ProgressSource = ({ signal }) =>
      new Promise<void>((resolve) =>
        signal.addEventListener("abort", () => {
          stopped.push(performance.now());
          resolve();
        }),
      );
    const s = await startBroadcaster({ orchestrators: [{ url: orch.url, secret: SECRET }], progressSource: stuck });
    try {
      await ready(s.url);
      const submitted = performance.now();
      const job = (await (
        await submitAsync(s.url, { ...JOB, width: 64, height: 64, num_inference_steps: 4 })
      ).json()) as ApiJob;
      const done = await waitForJob(s.url, job.id, { until: (j) => j.status === "succeeded" });
      expect(done.progress).toEqual({ fraction: 1 });
      // Its follower was waited for SETTLE_MS after the attempt succeeded, then let go.
      expect(stopped).toHaveLength(1);
      expect(stopped[0]! - submitted).toBeGreaterThanOrEqual(SETTLE_MS);
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe("async job progress across two broadcasters (PostgreSQL)", () => {
  const db = testSchema("progress");
  let a: TestBroadcaster;
  let b: Broadcaster;
  beforeAll(async () => {
    const shared = { jobsDb: db.url, jobsDbSchema: db.schema, outputs: { kind: "postgres" as const } };
    a = await startBroadcaster({
      ...shared,
      orchestrators: [{ url: orch.url, secret: SECRET }],
      jobsProgressIntervalMs: 20,
    });
    b = createBroadcaster({ ...shared, logLevel: "silent" });
    await b.ready;
    await ready(a.url);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.stop();
    await db.drop();
  });

  it("shows the job's steps live through the broadcaster that does not run it", async () => {
    // The long job, as above: enough steps for 5 progress writes however fast the machine is.
    const job = (await (await submitAsync(a.url, LONG_JOB)).json()) as ApiJob;
    const live = await b.app.request(`http://gateway-b/jobs/${job.id}/events`);
    expect(live.status).toBe(200);
    const events: SseEvent[] = [];
    for await (const e of sseEvents(live)) events.push(e);
    expect(events.at(-1)!.event).toBe("result");
    const seen = fractions(events);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    const final = (await (await b.app.request(`http://gateway-b/jobs/${job.id}`)).json()) as ApiJob;
    expect(final).toMatchObject({ status: "succeeded", progress: { fraction: 1 } });
  }, 120_000);
});

describe("runRequestId", () => {
  it("keeps the job's id for its first run, marks later runs, and stays within 128 characters", () => {
    expect(runRequestId("job-1", 1)).toBe("job-1");
    expect(runRequestId("job-1", 12)).toBe("job-1.run12");
    const long = runRequestId("x".repeat(128), 2);
    expect(long).toHaveLength(128);
    expect(long.endsWith("x.run2")).toBe(true);
  });
});

describe("async job progress after a hand-back, on the same orchestrator (PostgreSQL)", () => {
  const db = testSchema("progress_run2");
  const shared = { jobsDb: db.url, jobsDbSchema: db.schema, outputs: { kind: "postgres" as const } };
  const gateway = (options: { shutdownGrace?: number } = {}) =>
    startBroadcaster({
      ...shared,
      orchestrators: [{ url: orch.url, secret: SECRET }],
      jobsProgressIntervalMs: 20,
      ...options,
    });
  afterAll(async () => db.drop());

  it("reports the second run's own steps: it is not taken for the run that was cut off", async () => {
    // No grace: A hands its running job back as it stops (with one, the job would end on A).
    const a = await gateway({ shutdownGrace: 0 });
    let b: TestBroadcaster | undefined;
    try {
      await ready(a.url);
      // The cancel test's long job: B claims it as it starts, and progress is not stored (only pushed live), so the
      // stream opened after B is up sees the second run only from there; a CI run under load saw one step of the
      // 512×512 job's second run. This one's run lasts a few seconds.
      const job = (await (await submitAsync(a.url, CANCEL_JOB, { "x-request-id": "handed-back" })).json()) as ApiJob;
      await waitForJob(a.url, job.id, { until: (j) => (j.progress.step ?? 0) >= 2 });
      // A stops mid-job: the job goes back to the queue, and the orchestrator ends A's call (and keeps its end).
      await a.close();
      b = await gateway();
      const { events } = await readEvents(b.url, job.id);
      expect(events.at(-1)!.event).toBe("result");
      expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ status: "succeeded" });
      // The second run starts with a `status` event; its steps follow it, from the start of the job.
      const restart = events.findLastIndex((e) => e.event === "status");
      const secondRun = fractions(events.slice(restart));
      expect(secondRun.length).toBeGreaterThanOrEqual(5);
      expect(secondRun[0]!).toBeLessThan(0.5);
      // Its log line (written once the result is stored, so it may come just after the result event) names the id.
      await expect
        .poll(() => b!.logs.find((l) => l.msg === "async job done"))
        .toMatchObject({ run: 2, request_id: "handed-back", upstream_request_id: `${job.id}.run2` });
    } finally {
      await a.close().catch(() => {});
      await b?.close();
    }
  }, 120_000);
});

/**
 * @module Asynchronous jobs through the SDK against the real stack: a broadcaster (embedded SQLite job store) in
 * front of an orchestrator running real `avs-runner` processes on the tiny models — submit, wait with progress,
 * the event iterator and its resumption, idempotency keys, webhooks, a failure thrown as the synchronous call would
 * throw it, a handle from an id — and cancel, against a second broadcaster whose only "orchestrator" is a scripted
 * server that never answers a job (so the job is certainly running when it is cancelled).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BadRequestError,
  createClient,
  type Job,
  JobCancelledError,
  type JobEvent,
  type JobProgress,
  ValidationError,
} from "../src/index.js";
import { after, json, startScriptedServer } from "./scripted-server.js";
import { installModels, png, pngSize, startGateway, startOrchestrator, tempDir, UPSCALER } from "./stack.js";

const KEY = "sk-jobs";
const tmp = tempDir("jobs");
let orchestrator: Awaited<ReturnType<typeof startOrchestrator>>;
let gateway: Awaited<ReturnType<typeof startGateway>>;

beforeAll(async () => {
  orchestrator = await startOrchestrator(installModels(tmp.dir, [UPSCALER]), [
    { pipeline: "upscale", model_id: UPSCALER },
  ]);
  gateway = await startGateway({ orchestrators: [orchestrator.url], apiKeys: [KEY], jobsDb: `${tmp.dir}/jobs.sqlite` });
});

afterAll(async () => {
  await gateway?.stop();
  await orchestrator?.stop();
  tmp.cleanup();
});

const client = () => createClient({ baseUrl: gateway.url, apiKey: KEY });

describe("submit and wait", () => {
  it("returns a queued job at once, then its result with progress from 0 to 1, and the output downloads", async () => {
    const job = await client().submit("upscale", { modelId: UPSCALER, prompt: "", image: png(6, 4), seed: 3 });
    expect(job.id).toMatch(/^job_[A-Za-z0-9_-]{22}$/);
    expect(job.job).toMatchObject({ status: "queued", pipeline: "upscale", model_id: UPSCALER });
    const progress: JobProgress[] = [];
    const result = await job.wait({ onProgress: (p) => progress.push(p) });
    expect(result.images[0]!.seed).toBe(3);
    expect(pngSize(await client().download(result.images[0]!))).toEqual({ width: 24, height: 16 });
    expect(progress[0]).toEqual({ fraction: 0 });
    expect(progress.at(-1)).toEqual({ fraction: 1 });
    expect(job.job.status).toBe("succeeded");
    // A handle made from the id alone reads the same job.
    const again = client().job<"upscale">(job.id);
    expect(await again.refresh()).toEqual(job.job);
    expect(await again.wait()).toEqual(result);
  });

  it("iterates the events, and resumes after a given event id", async () => {
    const job = await client().submit("upscale", { modelId: UPSCALER, prompt: "", image: png(4, 4) });
    const events: JobEvent[] = [];
    for await (const e of job.events()) events.push(e);
    // The runner's tile steps come through the orchestrator as progress events between running and the result.
    expect(events.map((e) => [e.id, e.type, e.type === "progress" ? "" : e.job.status])).toEqual([
      ["1", "status", "queued"],
      ["2", "status", "running"],
      ...events.slice(2, -1).map((e) => [e.id, "progress", ""]),
      [String(events.length), "result", "succeeded"],
    ]);
    expect(events.length).toBeGreaterThanOrEqual(4);
    const resumed: JobEvent[] = [];
    for await (const e of job.events({ lastEventId: "2" })) resumed.push(e);
    expect(resumed.map((e) => e.id)).toEqual(events.slice(2).map((e) => e.id));
    // Resumed at the result: the result again (the gateway sends it so a reconnect learns how the job ended).
    const atResult: JobEvent[] = [];
    for await (const e of job.events({ lastEventId: String(events.length) })) atResult.push(e);
    expect(atResult).toEqual(events.slice(-1));
  });

  it("throws from wait() what the synchronous call throws when the job fails", async () => {
    // A PNG cut short passes the gateway's checks and fails at the runner: the job is queued, then fails. (A model
    // no orchestrator offers is refused before queueing, so submit() itself throws for it.)
    const broken = png(8, 8).slice(0, 40);
    const sync = await client()
      .upscale({ modelId: UPSCALER, prompt: "", image: broken })
      .catch((e) => e);
    const job = await client().submit("upscale", { modelId: UPSCALER, prompt: "", image: broken });
    expect(job.job.status).toBe("queued");
    const err = await job.wait().catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.constructor).toBe(sync.constructor);
    expect(err.message).toBe(sync.message);
    expect(err.message).toMatch(/^\[POST\] \/upscale: 400 Bad Request — image looks like PNG but could not be decoded/);
    expect(err.requestId).toBe(job.job.request_id);
    const unoffered = await client()
      .submit("upscale", { modelId: "nobody/has-it", prompt: "", image: png(4, 4) })
      .catch((e) => e);
    expect(unoffered).toBeInstanceOf(BadRequestError);
    expect(unoffered.message).toMatch(
      /^\[POST\] \/upscale: 400 Bad Request — model_id "nobody\/has-it" is not offered for upscale by any orchestrator; offered: /,
    );
  });

  it("answers the same job for a repeated idempotency key, and a ValidationError for other options", async () => {
    const key = `sdk-${Date.now()}`;
    const one = await client().submit(
      "upscale",
      { modelId: UPSCALER, prompt: "", image: png(4, 4) },
      { idempotencyKey: key },
    );
    const two = await client().submit(
      "upscale",
      { modelId: UPSCALER, prompt: "", image: png(4, 4) },
      { idempotencyKey: key },
    );
    expect(two.id).toBe(one.id);
    const other = await client()
      .submit("upscale", { modelId: UPSCALER, prompt: "", image: png(5, 4) }, { idempotencyKey: key })
      .catch((e) => e);
    expect(other).toBeInstanceOf(ValidationError);
    expect(other.issues[0].loc).toEqual(["header", "Idempotency-Key"]);
  });

  it("hands back the webhook secret the gateway made", async () => {
    const job = await client().submit(
      "upscale",
      { modelId: UPSCALER, prompt: "", image: png(4, 4) },
      { webhook: { url: "https://hooks.example.com/avs" } },
    );
    expect(job.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(job.job.webhook?.url).toBe("https://hooks.example.com/avs");
    await job.wait();
  });

  it("throws a ValidationError for a webhook on a private address, which the gateway does not send to", async () => {
    const err = await client()
      .submit(
        "upscale",
        { modelId: UPSCALER, prompt: "", image: png(4, 4) },
        { webhook: { url: "http://127.0.0.1:9/hook" } },
      )
      .catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.issues[0].loc).toEqual(["header", "Webhook-Url"]);
    expect(err.issues[0].msg).toMatch(
      /^127\.0\.0\.1 is a loopback address; webhooks are delivered to public addresses only/,
    );
  });

  it("rejects an id that is not a job id before any request", () => {
    expect(() => client().job("nope")).toThrow('not a job id: "nope"');
  });
});

describe("cancel", () => {
  it("cancels a running job: wait() rejects with JobCancelledError and the gateway drops its upstream call", async () => {
    let dropped = 0;
    let droppedProgress = 0;
    const hangs = after(60_000);
    const orch = await startScriptedServer([
      (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
        if (req.url === "/info") {
          return json(200, {
            version: "scripted",
            hardware: [],
            capabilities: [
              {
                pipeline: "upscale",
                model_id: "never/answers",
                warm: true,
                capacity: 4,
                in_use: 0,
                price: { price_per_unit: 0, pixels_per_unit: 1 },
              },
            ],
          })(req, res, body);
        }
        // The job's POST, and the gateway's subscription to its progress (GET /progress/{request_id}).
        res.on("close", () => (req.method === "POST" ? dropped++ : droppedProgress++));
        return hangs(req, res, body);
      },
    ]);
    const gw = await startGateway({ orchestrators: [orch.url], jobsDb: `${tmp.dir}/cancel.sqlite` });
    try {
      const c = createClient({ baseUrl: gw.url });
      const job = await c.submit("upscale", { modelId: "never/answers", prompt: "", image: png(4, 4) });
      const running = new Promise<Job>((resolve) => {
        void job.wait({ onProgress: (_p, j) => j.status === "running" && resolve(j) }).catch(() => {});
      });
      expect((await running).status).toBe("running");
      const waiting = job.wait().catch((e) => e);
      expect(await job.cancel()).toMatchObject({ status: "running", cancel_requested: true });
      const err = await waiting;
      expect(err).toBeInstanceOf(JobCancelledError);
      expect(err.message).toBe(`[POST] /upscale: job ${job.id} was cancelled`);
      expect(err.job.status).toBe("cancelled");
      await expect.poll(() => dropped).toBe(1);
      await expect.poll(() => droppedProgress).toBe(1);
    } finally {
      await gw.stop();
      await orch.close();
    }
  });
});

/**
 * @module Job webhooks: signatures checked with the Standard Webhooks reference library (`standardwebhooks`), and
 * deliveries to a real receiver on 127.0.0.1 that fails its first attempts (each event still arrives, its delivery
 * state is in the job), a 410 that ends them, and the backoff schedule.
 */

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deliverWebhook,
  newWebhookSecret,
  retryDelay,
  secretProblem,
  signWebhook,
  webhookAddresses,
} from "../src/async-jobs/webhooks.js";
import { type ApiJob, startBlackHole, startWebhookReceiver, submitAsync, waitForJob } from "./support/async-jobs.js";
import { startBroadcaster, type TestBroadcaster, textToImage } from "./support/broadcaster.js";
import { startEndlessServer } from "./support/endless-server.js";
import { type FakeOrchestrator, startFakeOrchestrator } from "./support/fake-orchestrator.js";

const MODEL = "tiny/sd";
const JOB = { model_id: MODEL, prompt: "a harbour", width: 64, height: 64, num_inference_steps: 1 };

describe("signatures", () => {
  it("verifies with the Standard Webhooks reference implementation, and fails it when anything changes", () => {
    const secret = newWebhookSecret();
    expect(secretProblem(secret)).toBeUndefined();
    const body = JSON.stringify({
      type: "job.succeeded",
      timestamp: "2025-06-01T12:00:00.000Z",
      data: { id: "job_x" },
    });
    const ts = Math.floor(Date.now() / 1000);
    const headers = { "webhook-id": "msg_abc", "webhook-timestamp": String(ts), "webhook-signature": "" };
    headers["webhook-signature"] = signWebhook(secret, "msg_abc", ts, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace("job_x", "job_y"), headers)).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, "webhook-id": "msg_abd" })).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    // The reference library signs the same bytes to the same value.
    expect(new Webhook(secret).sign("msg_abc", new Date(ts * 1000), body)).toBe(headers["webhook-signature"]);
  });

  it("accepts secrets of 24 to 64 bytes only", () => {
    expect(secretProblem(`whsec_${Buffer.alloc(24, 1).toString("base64")}`)).toBeUndefined();
    expect(secretProblem(`whsec_${Buffer.alloc(64, 1).toString("base64")}`)).toBeUndefined();
    expect(secretProblem(`whsec_${Buffer.alloc(23, 1).toString("base64")}`)).toBe(
      "Webhook-Secret must be whsec_ and the base64 of 24 to 64 random bytes, got 23 bytes",
    );
    expect(secretProblem("not-a-secret")).toBe("Webhook-Secret must be whsec_ and the base64 of 24 to 64 random bytes");
  });

  it("backs off exponentially with ±20 % jitter, capped", () => {
    const policy = { retryBaseMs: 1000, retryMaxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, policy, () => 0.5))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(retryDelay(1, policy, () => 0)).toBe(800);
    expect(retryDelay(1, policy, () => 1)).toBe(1200);
  });
});

describe("a receiver's answer", () => {
  it("is read up to 64 KiB: an endless one is cut off and the attempt counted as its status", async () => {
    const server = await startEndlessServer(500, "text/plain", 0x61);
    try {
      const url = `${server.url}/hook`;
      const due = { id: "msg_1", jobId: "job_1", event: "job.succeeded" as const, url, secret: newWebhookSecret() };
      const policy = { attempts: 3, retryBaseMs: 100, retryMaxMs: 400, timeoutMs: 10_000 };
      const started = performance.now();
      const r = await deliverWebhook(
        { ...due, payload: "{}", attempts: 0, sender: "" },
        { ...policy, addresses: webhookAddresses(["127.0.0.1"]) },
      );
      expect([r.ok, r.statusCode, r.error]).toEqual([false, 500, "HTTP 500"]);
      expect(r.retryAt).toBeGreaterThan(Date.now());
      expect(performance.now() - started).toBeLessThan(5000);
      expect(server.sent()).toBeLessThan(32 * 1024 * 1024);
    } finally {
      await server.close();
    }
  });
});

describe("a receiver that never answers", () => {
  it("is cut at the time limit, and the delivery's error says so", async () => {
    const silent = await startBlackHole();
    try {
      const url = silent.url;
      const due = { id: "msg_1", jobId: "job_1", event: "job.succeeded" as const, url, secret: newWebhookSecret() };
      const policy = { attempts: 3, retryBaseMs: 100, retryMaxMs: 400, timeoutMs: 300 };
      const r = await deliverWebhook(
        { ...due, payload: "{}", attempts: 0, sender: "" },
        { ...policy, addresses: webhookAddresses(["127.0.0.1"]) },
      );
      // It read "23", the legacy code of the time limit's DOMException.
      expect([r.ok, r.statusCode, r.error]).toEqual([false, undefined, "no answer within 300 ms"]);
      expect(r.retryAt).toBeGreaterThan(Date.now());
    } finally {
      await silent.close();
    }
  });
});

describe("a redirect", () => {
  it("is not followed, and the delivery's error says where it points", async () => {
    let hits = 0;
    const receiver = createServer((req, res) => {
      hits++;
      req.resume();
      res.writeHead(308, { location: "https://hooks.example.com/avs" }).end();
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const due = { id: "msg_1", jobId: "job_1", event: "job.succeeded" as const, url, secret: newWebhookSecret() };
      const r = await deliverWebhook(
        { ...due, payload: "{}", attempts: 0, sender: "" },
        {
          attempts: 3,
          retryBaseMs: 100,
          retryMaxMs: 400,
          timeoutMs: 10_000,
          addresses: webhookAddresses(["127.0.0.1"]),
        },
      );
      expect([r.ok, r.statusCode, r.error]).toEqual([
        false,
        308,
        "HTTP 308, a redirect to https://hooks.example.com/avs: redirects are not followed, so make Webhook-Url that address",
      ]);
      expect(r.retryAt).toBeGreaterThan(Date.now());
      expect(hits).toBe(1);
    } finally {
      receiver.close();
    }
  });
});

describe("deliveries", () => {
  let fake: FakeOrchestrator;
  let t: TestBroadcaster;

  beforeAll(async () => {
    fake = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: MODEL }]);
    t = await startBroadcaster({
      orchestrators: [fake.url],
      webhookRetryBaseMs: 100,
      webhookRetryMaxMs: 400,
      webhookAttempts: 5,
      jobsLeaseMs: 1500,
      // The receivers are on loopback, which webhooks may not reach by default.
      webhookAllowNetworks: ["127.0.0.1"],
    });
    for (let i = 0; i < 100; i++) {
      if ((await textToImage(t.url, JOB)).status === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it("gets every event to a receiver that fails its first 3 deliveries, signed, with the state in the job", async () => {
    const hook = await startWebhookReceiver({ failFirst: 3 });
    try {
      const res = await submitAsync(t.url, JOB, { "webhook-url": hook.url });
      expect(res.status).toBe(202);
      const created = (await res.json()) as ApiJob;
      const secret = created.webhook?.secret;
      expect(secret).toMatch(/^whsec_/);
      expect(created.webhook?.deliveries).toEqual([]);
      await waitForJob(t.url, created.id);
      const job = await waitForJob(t.url, created.id, {
        until: (j) =>
          (j.webhook?.deliveries ?? []).length === 2 && j.webhook!.deliveries.every((d) => d.status !== "pending"),
      });
      expect(job.webhook?.secret).toBeUndefined();
      expect(job.webhook?.deliveries.map((d) => [d.event, d.status])).toEqual([
        ["job.running", "delivered"],
        ["job.succeeded", "delivered"],
      ]);
      expect(job.webhook!.deliveries.reduce((n, d) => n + d.attempts, 0)).toBe(5);
      expect(hook.received).toHaveLength(5);
      expect(hook.received.slice(0, 3).map((r) => r.answered)).toEqual([500, 500, 500]);
      const accepted = hook.accepted();
      const verifier = new Webhook(secret!);
      const payloads = accepted.map((r) => verifier.verify(r.body, r.headers) as { type: string; data: ApiJob });
      expect(payloads.map((p) => p.type).sort()).toEqual(["job.running", "job.succeeded"]);
      const succeeded = payloads.find((p) => p.type === "job.succeeded")!;
      expect(succeeded.data).toMatchObject({ id: created.id, status: "succeeded", result: job.result });
      // A retry carries the same webhook-id and body as the attempt it repeats.
      const ids = hook.received.map((r) => r.headers["webhook-id"]);
      expect(new Set(ids).size).toBe(2);
      for (const id of new Set(ids)) {
        expect(new Set(hook.received.filter((r) => r.headers["webhook-id"] === id).map((r) => r.body)).size).toBe(1);
      }
    } finally {
      await hook.close();
    }
  });

  it("stops at 410 Gone and gives up after the configured attempts, keeping why", async () => {
    const gone = await startWebhookReceiver({ failFirst: 100, failStatus: 410 });
    const down = await startWebhookReceiver({ failFirst: 100, failStatus: 503 });
    try {
      const secret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
      const a = (await (
        await submitAsync(t.url, JOB, { "webhook-url": gone.url, "webhook-secret": secret })
      ).json()) as ApiJob;
      const b = (await (await submitAsync(t.url, JOB, { "webhook-url": down.url })).json()) as ApiJob;
      expect(a.webhook?.secret).toBeUndefined();
      const settled = (j: ApiJob) =>
        j.status === "succeeded" &&
        (j.webhook?.deliveries ?? []).length === 2 &&
        j.webhook!.deliveries.every((d) => d.status !== "pending");
      const ja = await waitForJob(t.url, a.id, { until: settled });
      const jb = await waitForJob(t.url, b.id, { until: settled });
      expect(ja.webhook!.deliveries.map((d) => [d.status, d.attempts, d.last_status_code])).toEqual([
        ["failed", 1, 410],
        ["failed", 1, 410],
      ]);
      expect(ja.webhook!.deliveries[0]!.last_error).toBe("HTTP 410: not now (the receiver is gone; no more attempts)");
      expect(jb.webhook!.deliveries.map((d) => [d.status, d.attempts, d.last_status_code])).toEqual([
        ["failed", 5, 503],
        ["failed", 5, 503],
      ]);
      expect(gone.received).toHaveLength(2);
      expect(down.received).toHaveLength(10);
      // The caller's own secret signs.
      expect(new Webhook(secret).verify(gone.received[0]!.body, gone.received[0]!.headers)).toMatchObject({
        data: { id: a.id },
      });
    } finally {
      await gone.close();
      await down.close();
    }
  });
});

/**
 * @module What an operator sees when no capacity is reachable: a warning at start and on every failed `/info`
 * poll, and `/ready` answering 503 with the reason (no orchestrator configured, none answering) until one answers.
 */

import type { AddressInfo } from "node:net";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { startBroadcaster, type TestBroadcaster, textToImage } from "./support/broadcaster.js";
import { startFakeOrchestrator } from "./support/fake-orchestrator.js";

const started: TestBroadcaster[] = [];
const sockets = new Set<Socket>();
let silent: Server | undefined;
afterAll(async () => {
  await Promise.all(started.map((t) => t.close()));
  for (const s of sockets) s.destroy();
  silent?.close();
});

async function gateway(orchestrators: string[]) {
  const t = await startBroadcaster({ orchestrators, infoIntervalMs: 200 });
  started.push(t);
  return t;
}

const warnings = (t: TestBroadcaster, msg: string) => t.logs.filter((l) => l.level === "warn" && l.msg === msg);

/** A TCP server that accepts connections and never answers (an orchestrator hung, or a wrong port). */
async function neverAnswers(): Promise<string> {
  silent = createServer((s) => void sockets.add(s));
  await new Promise<void>((resolve) => silent!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
}

describe("readiness", () => {
  it("with no orchestrator: warns at start, /ready is 503 with the reason, /health stays OK", async () => {
    const t = await gateway([]);
    expect(warnings(t, "no orchestrator capacity is reachable; every job gets 503 until one is")).toEqual([
      expect.objectContaining({ reason: "no orchestrators are configured" }),
    ]);
    const res = await fetch(`${t.url}/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      detail: { msg: "no orchestrator capacity is reachable: no orchestrators are configured" },
    });
    expect(await (await fetch(`${t.url}/health`)).json()).toEqual({ status: "OK" });
  });

  it("with an orchestrator that never answers: a warning on every failed poll, and /ready says why", {
    timeout: 20_000,
  }, async () => {
    const url = await neverAnswers();
    const t = await gateway([url]);
    expect(warnings(t, "no orchestrator capacity is reachable; every job gets 503 until one is")).toHaveLength(1);
    await expect
      .poll(() => warnings(t, "orchestrator unreachable").length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(3);
    const polls = warnings(t, "orchestrator unreachable");
    expect(polls.slice(0, 3).map((l) => [l.orchestrator, l.failed_polls])).toEqual([
      [url, 1],
      [url, 2],
      [url, 3],
    ]);
    const res = await fetch(`${t.url}/ready`);
    expect(res.status).toBe(503);
    const msg = (await res.json()).detail.msg as string;
    // /ready is public: no error text, which may name addresses (`connect ECONNREFUSED 127.0.0.1:…`); the log has it.
    expect(msg).toBe(
      "no orchestrator capacity is reachable: none of 1 orchestrator(s) answers /info (see the orchestrator unreachable log lines)",
    );
    expect(typeof polls[0]!.error).toBe("string");
  });

  it("is ready once an orchestrator answers and advertises a capability", async () => {
    const fake = await startFakeOrchestrator([
      { pipeline: "upscale", model_id: "m" },
      { pipeline: "text-to-image", model_id: "sd" },
    ]);
    try {
      const t = await gateway([fake.url]);
      const res = await fetch(`${t.url}/ready`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "OK", orchestrators: 1, reachable: 1, capabilities: 2 });
      expect(warnings(t, "no orchestrator capacity is reachable; every job gets 503 until one is")).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it("takes an orchestrator that answers /info slowly (a busy host) for reachable, and runs its jobs", {
    timeout: 20_000,
  }, async () => {
    // 1.2 s per /info: over the 0.5 s a poll was given at this 200 ms interval, under the 2 s it is given now.
    const fake = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: "sd" }]);
    fake.infoDelayMs = 1200;
    fake.behaviour = { kind: "ok", delayMs: 0, inline: true };
    try {
      const t = await gateway([fake.url]);
      await expect.poll(async () => (await fetch(`${t.url}/ready`)).status, { timeout: 8000, interval: 200 }).toBe(200);
      // Several polls later (each 1.2 s), it is still reachable and takes jobs.
      await new Promise((r) => setTimeout(r, 3000));
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push((await textToImage(t.url, { model_id: "sd", prompt: "a fox" })).status);
      expect(answers).toEqual([200, 200, 200]);
      expect(warnings(t, "orchestrator unreachable")).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});

/**
 * @module Overload at 10× capacity on a network of real processes: every answer is a 200 or a 503 with
 * `Retry-After` in the error shape — no timeouts, no other status — from the broadcaster and from an orchestrator
 * alike, every process stays healthy, and the network's memory returns to its baseline afterwards.
 */

import { form, png as makePng, rssBytes, type Stack, startStack } from "@ai-video-subnet/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "./support/devnet.js";

const MODEL = "tiny/esrgan-x4";
const CAPACITY = 1;
const ANSWER_WITHIN_MS = 30_000;

interface Answer {
  status: number;
  retryAfter: string | null;
  body: unknown;
  ms: number;
}

async function post(url: string, png: Uint8Array, headers: Record<string, string> = {}): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(url, {
    method: "POST",
    headers,
    body: form({ prompt: "", model_id: MODEL, image: png }),
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body, ms: Date.now() - started };
}

function expectOnly200Or503(answers: Answer[]): void {
  for (const a of answers) {
    expect([200, 503]).toContain(a.status);
    expect(a.ms).toBeLessThan(ANSWER_WITHIN_MS);
    if (a.status === 503) {
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(typeof (a.body as { detail?: { msg?: unknown } }).detail?.msg).toBe("string");
    }
  }
}

describe("overload at 10× capacity", () => {
  let t: Stack;
  let png: Uint8Array;
  const totalRss = () => t.net.pids().reduce((sum, pid) => sum + (rssBytes(pid) ?? 0), 0);
  const health = async () =>
    Promise.all(
      [t.net.broadcasterUrl, ...t.net.orchestrators.map((o) => o.url)].map(
        async (u) => (await fetch(`${u}/health`)).status,
      ),
    );

  beforeAll(async () => {
    // Each job writes a 1024×1024 PNG, so a slot is held long enough for the burst to pile up.
    png = makePng(256, 256);
    t = await startStack([{ pipeline: "upscale", model_id: MODEL, warm: true, capacity: CAPACITY }], {
      // A short retry budget: when every orchestrator is full the broadcaster answers 503 quickly instead of waiting.
      broadcasterArgs: ["--retry-budget-ms", "500"],
    });
  });
  afterAll(async () => {
    const left = await t?.close();
    expect(left ?? []).toEqual([]);
  });

  it("the broadcaster and an orchestrator answer only 200 or 503 + Retry-After, and memory returns to baseline", async () => {
    const capacity = CAPACITY * t.net.orchestrators.length;
    // Warm-up at capacity, so the baseline already holds what steady use allocates (buffers, ORT arenas, JIT).
    await pool(4 * capacity, capacity, () => post(`${t.net.broadcasterUrl}/upscale`, png));
    await new Promise((r) => setTimeout(r, 1500));
    const baseline = totalRss();

    const answers: Answer[] = [];
    for (let round = 0; round < 3; round++) {
      answers.push(...(await pool(10 * capacity, 10 * capacity, () => post(`${t.net.broadcasterUrl}/upscale`, png))));
    }
    const o1 = t.net.orchestrators[0]!;
    const direct = await pool(10 * CAPACITY, 10 * CAPACITY, () =>
      post(`${o1.url}/upscale`, png, { authorization: `Bearer ${t.net.secret}` }),
    );
    expectOnly200Or503(answers);
    expectOnly200Or503(direct);
    const count = (as: Answer[], s: number) => as.filter((a) => a.status === s).length;
    console.log(
      `overload: broadcaster ${count(answers, 200)}×200 ${count(answers, 503)}×503, ` +
        `orchestrator ${count(direct, 200)}×200 ${count(direct, 503)}×503`,
    );
    // The load really exceeded capacity, and capacity was really used.
    expect(count(answers, 503)).toBeGreaterThan(0);
    expect(count(answers, 200)).toBeGreaterThanOrEqual(capacity);
    expect(count(direct, 503)).toBeGreaterThan(0);
    expect(count(direct, 200)).toBeGreaterThanOrEqual(CAPACITY);

    expect(await health()).toEqual([200, 200, 200]);
    await new Promise((r) => setTimeout(r, 3000));
    const after = totalRss();
    const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
    console.log(
      `network RSS: baseline ${mb(baseline)} MB, after overload ${mb(after)} MB (${t.net.pids().length} processes)`,
    );
    expect(after).toBeLessThan(baseline * 1.25);
    // And the network still works normally.
    const ok = await post(`${t.net.broadcasterUrl}/upscale`, png);
    expect(ok.status).toBe(200);
  });
});

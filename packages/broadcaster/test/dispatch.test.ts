/**
 * @module Selection, retries, backoff and pass-through against FAKE orchestrators (real HTTP servers on 127.0.0.1
 * with scripted answers), through a started broadcaster. The same behaviours through real orchestrator and
 * runner processes are in test/e2e.
 */
import { existsSync, readdirSync } from "node:fs";
import { upscaleForm } from "@ai-video-subnet/test-kit";
import { afterEach, describe, expect, it } from "vitest";
import { startBroadcaster, textToImage } from "./support/broadcaster.js";
import {
  type FakeCapability,
  type FakeOrchestrator,
  PNG_1X1,
  startFakeOrchestrator,
} from "./support/fake-orchestrator.js";

/** Files left in an upload directory (none when it was never needed). */
const leftovers = (d: string) => (existsSync(d) ? readdirSync(d) : []);

const CAP: FakeCapability = { pipeline: "text-to-image", model_id: "tiny/sd-turbo" };
const JOB = { model_id: "tiny/sd-turbo", prompt: "a fox", width: 64, height: 64, num_inference_steps: 1 };

let open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.map((x) => x.close()));
  open = [];
});

async function fakes(...caps: FakeCapability[][]): Promise<FakeOrchestrator[]> {
  const list = await Promise.all(caps.map((c) => startFakeOrchestrator(c)));
  open.push(...list);
  return list;
}

async function gateway(orchestrators: string[], options: Parameters<typeof startBroadcaster>[0] = {}) {
  const t = await startBroadcaster({ orchestrators, orchestratorSecret: "s3cret", ...options });
  open.unshift(t);
  return t;
}

const count = (f: FakeOrchestrator) => f.jobs.length;

describe("one job", () => {
  it("stores the output once and returns a URL this broadcaster serves, passing secret and request id on", async () => {
    const [o] = await fakes([CAP]);
    const t = await gateway([o!.url]);
    const res = await textToImage(t.url, JOB, { "x-request-id": "job-1" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("job-1");
    const body = await res.json();
    expect(body.images).toHaveLength(1);
    expect(body.images[0]).toMatchObject({ seed: 42, nsfw: false });
    expect(body.images[0].url).toMatch(
      new RegExp(`^${t.url}/outputs/[A-Za-z0-9_-]{32}_[a-z0-9]{8,24}_[a-z0-9]+\\.png$`),
    );
    const out = await fetch(body.images[0].url);
    expect(out.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await out.arrayBuffer()).equals(PNG_1X1)).toBe(true);
    expect(o!.jobs[0]).toMatchObject({ path: "/text-to-image", auth: "Bearer s3cret", requestId: "job-1" });
    expect(o!.jobs[0]!.fields).toMatchObject({ ...JOB, guidance_scale: 7.5 });
  });

  it("waits out a job longer than the idle-socket timeout of the upstream connection pool", async () => {
    const [o] = await fakes([CAP]);
    o!.behaviour = { kind: "ok", delayMs: 4500 };
    const t = await gateway([o!.url]);
    const res = await textToImage(t.url, JOB);
    expect(res.status).toBe(200);
    expect(count(o!)).toBe(1);
  }, 15_000);

  it("passes an orchestrator's 4xx to the client once a second agrees, without asking a third", async () => {
    const [a, b, c] = await fakes([CAP], [CAP], [CAP]);
    a!.behaviour =
      b!.behaviour =
      c!.behaviour =
        {
          kind: "status",
          status: 400,
          msg: "Height and width must be divisible by 8",
        };
    const t = await gateway([a!.url, b!.url, c!.url]);
    const res = await textToImage(t.url, JOB);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: { msg: "Height and width must be divisible by 8" } });
    expect(count(a!) + count(b!) + count(c!)).toBe(2);
  });

  it("forwards multipart uploads with the file intact", async () => {
    const [o] = await fakes([{ pipeline: "upscale", model_id: "m" }]);
    const t = await gateway([o!.url]);
    const res = await fetch(`${t.url}/upscale`, { method: "POST", body: upscaleForm("m", PNG_1X1) });
    expect(res.status).toBe(200);
    // The spooled upload is gone once the job is answered.
    expect(leftovers(t.b.options.uploadDir)).toEqual([]);
    // Forwarded as the client sent it: the orchestrator applies the spec's defaults itself (same schema).
    expect(o!.jobs[0]!.fields).toEqual({ model_id: "m", prompt: "", image: { file: PNG_1X1.length } });
  });
});

describe("failures", () => {
  for (const [name, behaviour] of [
    ["a 500", { kind: "status", status: 500, msg: "CUDA out of memory" }],
    ["a dropped connection", { kind: "drop" }],
    ["a 503 at capacity", { kind: "status", status: 503, msg: "insufficient capacity", retryAfter: 1 }],
  ] as const) {
    it(`retries on another orchestrator after ${name}, invisible to the client`, async () => {
      const [bad, good] = await fakes([CAP], [CAP]);
      bad!.behaviour = behaviour;
      const t = await gateway([bad!.url, good!.url], { backoffBaseMs: 10_000 });
      for (let i = 0; i < 6; i++) {
        const res = await textToImage(t.url, JOB);
        expect(res.status).toBe(200);
      }
      expect(count(good!)).toBe(6);
      // Held back after its failure: it saw at most the first job.
      expect(count(bad!)).toBeLessThanOrEqual(1);
    });
  }

  it("times out a slow attempt and retries elsewhere", async () => {
    const [slow, fast] = await fakes([CAP], [CAP]);
    slow!.behaviour = { kind: "ok", delayMs: 3000 };
    const t = await gateway([slow!.url, fast!.url], { requestTimeoutMs: 300 });
    const started = Date.now();
    for (let i = 0; i < 3; i++) expect((await textToImage(t.url, JOB)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(count(fast!)).toBe(3);
  });

  it("waits for a busy orchestrator within the retry budget rather than failing the job", async () => {
    const [o] = await fakes([CAP]);
    o!.behaviour = { kind: "status", status: 503, msg: "insufficient capacity", retryAfter: 1 };
    const t = await gateway([o!.url]);
    setTimeout(() => {
      o!.behaviour = { kind: "ok" };
    }, 300);
    const started = Date.now();
    const res = await textToImage(t.url, JOB);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(count(o!)).toBe(2);
  });

  it("answers 503 naming each failure, without orchestrator addresses, when every orchestrator fails", async () => {
    const [a, b] = await fakes([CAP], [CAP]);
    a!.behaviour = { kind: "status", status: 500, msg: "boom" };
    b!.behaviour = { kind: "status", status: 500, msg: "bang" };
    const t = await gateway([a!.url, b!.url], { retryBudgetMs: 100 });
    const res = await textToImage(t.url, JOB);
    expect(res.status).toBe(503);
    const msg = (await res.json()).detail.msg as string;
    expect(msg).toMatch(/^no orchestrators available for text-to-image\/tiny\/sd-turbo: /);
    expect(msg).toContain("attempt 1 failed (HTTP 500)");
    expect(msg).toContain("attempt 2 failed (HTTP 500)");
    expect(msg).not.toContain("127.0.0.1");
    expect(msg).not.toContain("boom");
    const logged = t.logs.find((l) => l.msg === "job done" && l.status === 503);
    expect(String(logged?.reason)).toContain(`${a!.url} failed (HTTP 500: boom)`);
    const again = await textToImage(t.url, JOB);
    expect(again.status).toBe(503);
    expect((await again.json()).detail.msg).toContain("held back (busy or failing)");
    expect(count(a!) + count(b!)).toBe(2);
  });

  it("answers 500 without holding anything back when every orchestrator fails a job alike", async () => {
    // Orchestrators that each fail the same input the same way point at the input: one client's poisoned request
    // must not take the model off the network.
    const [a, b, c] = await fakes([CAP], [CAP], [CAP]);
    a!.behaviour = b!.behaviour = c!.behaviour = { kind: "status", status: 500, msg: "x264 failed at frame 3" };
    const t = await gateway([a!.url, b!.url, c!.url], { retryBudgetMs: 100 });
    const res = await textToImage(t.url, JOB);
    expect(res.status).toBe(500);
    expect(res.headers.get("retry-after")).toBeNull();
    expect((await res.json()).detail.msg).toBe(
      "text-to-image/tiny/sd-turbo failed the same way on 3 orchestrators (HTTP 500), so the request itself is the " +
        "likely cause and it was not retried further: check its inputs, or report it with this answer's X-Request-Id",
    );
    expect(count(a!) + count(b!) + count(c!)).toBe(3);
    const lifted = t.logs.find((l) => String(l.msg).startsWith("job failed the same way"));
    expect(lifted).toMatchObject({ orchestrators: 3, reason: "HTTP 500: x264 failed at frame 3" });
    for (const o of t.b.registry.list()) {
      const held = o.capabilityBackoff(CAP.pipeline, CAP.model_id);
      expect([held.failures, held.heldBack(Date.now()), o.stats(CAP.pipeline, CAP.model_id).successRate]).toEqual([
        0,
        false,
        1,
      ]);
    }
    // Nothing held back: a good request right after runs at once.
    a!.behaviour = b!.behaviour = c!.behaviour = { kind: "ok" };
    expect((await textToImage(t.url, JOB)).status).toBe(200);
    expect(count(a!) + count(b!) + count(c!)).toBe(4);
  });

  it("tries a third orchestrator before blaming the request when two fail it alike, and keeps those two held back", async () => {
    // Two broken by the same bad release are warm, so tried first; the healthy third is cold.
    const [a, b, c] = await fakes([CAP], [CAP], [{ ...CAP, warm: false }]);
    a!.behaviour = b!.behaviour = { kind: "status", status: 500, msg: "CUDA error: no kernel image" };
    const t = await gateway([a!.url, b!.url, c!.url], { retryBudgetMs: 5000 });
    const res = await textToImage(t.url, JOB);
    expect(res.status, await res.clone().text()).toBe(200);
    expect([count(a!), count(b!), count(c!)]).toEqual([1, 1, 1]);
    const held = t.b.registry.list().map((o) => o.heldUntil(CAP.pipeline, CAP.model_id) > Date.now());
    expect(held).toEqual([true, true, false]);
  });

  for (const [name, other] of [
    ["another 5xx answer", { kind: "status", status: 502, msg: "x264 failed at frame 3" }],
    ["a dropped connection", { kind: "drop" }],
  ] as const) {
    it(`holds both back when one fails with a 500 and the other with ${name}`, async () => {
      const [a, b] = await fakes([CAP], [CAP]);
      a!.behaviour = { kind: "status", status: 500, msg: "x264 failed at frame 3" };
      b!.behaviour = other;
      const t = await gateway([a!.url, b!.url], { retryBudgetMs: 100 });
      expect((await textToImage(t.url, JOB)).status).toBe(503);
      const held = t.b.registry.list().filter((o) => o.heldUntil(CAP.pipeline, CAP.model_id) > Date.now());
      expect(held).toHaveLength(2);
    });
  }

  for (const [name, behaviour, scope] of [
    ["a 500", { kind: "status", status: 500, msg: "boom" }, "capability"],
    ["a dropped connection", { kind: "drop" }, "orchestrator"],
  ] as const) {
    it(`holds back with growing backoff after ${name} (the ${scope}), and takes it back when it recovers`, async () => {
      const [o] = await fakes([CAP]);
      o!.behaviour = behaviour;
      const t = await gateway([o!.url], { backoffBaseMs: 300, retryBudgetMs: 100 });
      expect((await textToImage(t.url, JOB)).status).toBe(503);
      const orch = t.b.registry.list()[0]!;
      const held = scope === "capability" ? orch.capabilityBackoff(CAP.pipeline, CAP.model_id) : orch.backoff;
      const other = scope === "capability" ? orch.backoff : orch.capabilityBackoff(CAP.pipeline, CAP.model_id);
      expect([held.failures, other.failures]).toEqual([1, 0]);
      expect(held.until - Date.now()).toBeGreaterThan(150);
      expect((await textToImage(t.url, JOB)).status).toBe(503); // held back: not even tried
      expect(count(o!)).toBe(1);
      await new Promise((r) => setTimeout(r, 350));
      expect((await textToImage(t.url, JOB)).status).toBe(503); // tried again, failed again: 600 ms now
      expect(held.failures).toBe(2);
      expect(held.until - Date.now()).toBeGreaterThan(450);
      o!.behaviour = { kind: "ok" };
      await new Promise((r) => setTimeout(r, 650));
      expect((await textToImage(t.url, JOB)).status).toBe(200);
      expect(held.failures).toBe(1);
      expect(held.heldBack(Date.now())).toBe(false);
      expect((await textToImage(t.url, JOB)).status).toBe(200);
      expect([held.failures, other.failures]).toEqual([0, 0]);
    });
  }

  it("keeps serving an orchestrator's other models while one model there answers 5xx", async () => {
    const OTHER: FakeCapability = { pipeline: "text-to-image", model_id: "tiny/sd15" };
    const [o] = await fakes([CAP, OTHER]);
    o!.behaviourByModel[CAP.model_id] = { kind: "status", status: 500, msg: "this model's runner is broken" };
    const t = await gateway([o!.url], { backoffBaseMs: 60_000, retryBudgetMs: 100 });
    for (let i = 0; i < 3; i++) expect((await textToImage(t.url, JOB)).status).toBe(503);
    expect(count(o!)).toBe(1); // held back after the first: not tried again
    const res = await textToImage(t.url, { ...JOB, model_id: OTHER.model_id });
    expect(res.status).toBe(200);
    expect(count(o!)).toBe(2);
    const logged = t.logs.find((l) => l.msg === "attempt failed; orchestrator held back");
    expect(logged).toMatchObject({ held: "text-to-image/tiny/sd-turbo" });
    // The gauges (updated once a second): one hold on the failing model, none on the other, and the orchestrator
    // itself is not held back.
    const holds = (text: string) => text.split("\n").filter((l) => l.startsWith("avs_broadcaster_capability_holds{"));
    let text = "";
    for (const until = Date.now() + 5000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      text = await (await fetch(`${t.url}/metrics`)).text();
      if (holds(text).length > 0) break;
    }
    expect(holds(text)).toEqual([
      `avs_broadcaster_capability_holds{pipeline="text-to-image",model_id="${CAP.model_id}"} 1`,
    ]);
    expect(text).toContain('avs_broadcaster_orchestrators{state="backoff"} 0');
  });

  it("keeps serving an orchestrator's other models while one model there is busy (503), not after a 429", async () => {
    const OTHER: FakeCapability = { pipeline: "text-to-image", model_id: "tiny/sd15" };
    for (const [status, otherServed] of [
      [503, true],
      [429, false],
    ] as const) {
      const [o] = await fakes([CAP, OTHER]);
      o!.behaviourByModel[CAP.model_id] = { kind: "status", status, msg: "no free slot", retryAfter: 60 };
      const t = await gateway([o!.url], { retryBudgetMs: 300 });
      expect((await textToImage(t.url, JOB)).status).toBe(503);
      const started = Date.now();
      const res = await textToImage(t.url, { ...JOB, model_id: OTHER.model_id });
      expect([status, res.status]).toEqual([status, otherServed ? 200 : 503]);
      if (otherServed) expect(Date.now() - started).toBeLessThan(2000);
    }
  });

  it("cancels the upstream call when the client goes away", async () => {
    const [o] = await fakes([CAP]);
    o!.behaviour = { kind: "ok", delayMs: 5000 };
    const t = await gateway([o!.url]);
    const ctl = new AbortController();
    const req = fetch(`${t.url}/text-to-image`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(JOB),
      signal: ctl.signal,
    }).catch((e: Error) => e.name);
    await new Promise((r) => setTimeout(r, 300));
    ctl.abort();
    expect(await req).toBe("AbortError");
    const until = Date.now() + 3000;
    while (o!.aborted < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(o!.aborted).toBeGreaterThanOrEqual(1);
    expect(t.logs.some((l) => l.msg === "client went away; upstream call cancelled")).toBe(true);
  });
});

describe("selection", () => {
  it("spreads load across equal orchestrators", async () => {
    const list = await fakes([CAP], [CAP], [CAP]);
    const t = await gateway(list.map((f) => f.url));
    await Promise.all(Array.from({ length: 60 }, () => textToImage(t.url, JOB).then((r) => r.arrayBuffer())));
    for (const f of list) expect(count(f)).toBeGreaterThanOrEqual(8);
  });

  it("prefers the faster orchestrator once it has measured both", async () => {
    const [fast, slow] = await fakes([CAP], [CAP]);
    slow!.behaviour = { kind: "ok", delayMs: 120 };
    const t = await gateway([fast!.url, slow!.url]);
    for (let i = 0; i < 30; i++) await textToImage(t.url, JOB).then((r) => r.arrayBuffer());
    expect(count(fast!)).toBeGreaterThanOrEqual(22);
    expect(count(slow!)).toBeGreaterThanOrEqual(1);
  });

  it("never uses an orchestrator above the price cap", async () => {
    const [cheap, dear] = await fakes(
      [{ ...CAP, price_per_unit: 3, pixels_per_unit: 1000 }],
      [{ ...CAP, price_per_unit: 5, pixels_per_unit: 1 }],
    );
    const t = await gateway([cheap!.url, dear!.url], { maxPricePerUnit: 1, pixelsPerUnit: 100 });
    for (let i = 0; i < 8; i++) expect((await textToImage(t.url, JOB)).status).toBe(200);
    expect(count(cheap!)).toBe(8);
    expect(count(dear!)).toBe(0);
    cheap!.behaviour = { kind: "status", status: 500, msg: "down" };
    const res = await textToImage(t.url, JOB);
    expect(res.status).toBe(503);
    expect(count(dear!)).toBe(0);
  });

  it("prefers warm orchestrators with free capacity over cold or full ones", async () => {
    const [cold, full, warm] = await fakes(
      [{ ...CAP, warm: false }],
      [{ ...CAP, capacity: 1, in_use: 1 }],
      [{ ...CAP, warm: true }],
    );
    const t = await gateway([cold!.url, full!.url, warm!.url]);
    for (let i = 0; i < 8; i++) expect((await textToImage(t.url, JOB)).status).toBe(200);
    expect([count(cold!), count(full!), count(warm!)]).toEqual([0, 0, 8]);
    warm!.behaviour = { kind: "status", status: 500, msg: "down" };
    expect((await textToImage(t.url, JOB)).status).toBe(200);
    expect(count(cold!)).toBe(1);
  });
});

describe("large uploads", () => {
  it("spools an upload past the in-memory size to disk, forwards it intact, and removes it", async () => {
    const [o] = await fakes([{ pipeline: "upscale", model_id: "m" }]);
    const t = await gateway([o!.url]);
    const big = new Uint8Array(6 * 1024 * 1024).map((_, i) => (i * 31) & 0xff);
    const res = await fetch(`${t.url}/upscale`, { method: "POST", body: upscaleForm("m", big) });
    expect(res.status).toBe(200);
    expect(o!.jobs[0]!.fields.image).toEqual({ file: big.length });
    expect(o!.uploads[0]!.equals(Buffer.from(big))).toBe(true);
    expect(leftovers(t.b.options.uploadDir)).toEqual([]);
  });
});

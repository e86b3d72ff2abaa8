/**
 * @module The broadcaster in front of real `avs-orchestrator` processes, each running real `avs-runner` processes
 * on the runner's tiny models: every pipeline, selection (spread, speed, price, warmth), retry when an orchestrator
 * is killed mid-load, backoff and recovery, 4xx pass-through, keys, rate limits and size limits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroadcaster, type TestBroadcaster } from "../support/broadcaster.js";
import {
  type ModelEntry,
  type OrchestratorProcess,
  okAttempts,
  png,
  pngSize,
  startOrchestratorProcess,
  upscaleForm,
  workspace,
} from "../support/network.js";
import { startSlowLink } from "../support/slow-link.js";

const UPSCALE = "tiny/esrgan-x4";
const SD = "tiny/sd-turbo";
const SECRET = "net-secret";
const entry = (over: Partial<ModelEntry> = {}): ModelEntry => ({
  pipeline: "upscale",
  model_id: UPSCALE,
  warm: true,
  capacity: 2,
  price_per_unit: 1,
  pixels_per_unit: 1,
  ...over,
});

const ws = workspace();
const procs: OrchestratorProcess[] = [];
const gateways: TestBroadcaster[] = [];
let a: OrchestratorProcess; // warm, price 1
let b: OrchestratorProcess; // warm, price 5
let cold: OrchestratorProcess; // cold, price 1
let sd: OrchestratorProcess; // text-to-image and image-to-image on the tiny SD-Turbo

async function orchestrator(models: ModelEntry[], port?: number, args?: string[]) {
  const o = await startOrchestratorProcess(ws, models, { secret: SECRET, port, args });
  procs.push(o);
  return o;
}

async function gateway(urls: string[], options: Parameters<typeof startBroadcaster>[0] = {}) {
  const t = await startBroadcaster({ orchestrators: urls, orchestratorSecret: SECRET, logLevel: "warn", ...options });
  gateways.push(t);
  return t;
}

const upscale = (url: string, image = png(16, 12), headers: Record<string, string> = {}) =>
  fetch(`${url}/upscale`, { method: "POST", body: upscaleForm(UPSCALE, image), headers });

async function run(url: string, n: number, concurrency: number) {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next += 1;
        const res = await upscale(url);
        await res.arrayBuffer();
        statuses.push(res.status);
      }
    }),
  );
  return statuses;
}

beforeAll(async () => {
  ws.install(UPSCALE);
  ws.install(SD);
  [a, b, cold, sd] = await Promise.all([
    orchestrator([entry()]),
    orchestrator([entry({ price_per_unit: 5 })]),
    orchestrator([entry({ warm: false, capacity: 1 })]),
    orchestrator(
      [
        entry({ pipeline: "text-to-image", model_id: SD, capacity: 1 }),
        entry({ pipeline: "image-to-image", model_id: SD, capacity: 1 }),
      ],
      undefined,
      ["--runners-per-gpu", "2"],
    ),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  await Promise.all(procs.map((p) => p.stop()));
  ws.cleanup();
}, 60_000);

describe("pipelines through broadcaster → orchestrator → runner", () => {
  it("upscale: the ×4 image, stored once and served by the broadcaster", async () => {
    const t = await gateway([a.url]);
    const res = await upscale(t.url, png(16, 12), { "x-request-id": "e2e-upscale-1" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("e2e-upscale-1");
    const { images } = await res.json();
    expect(images).toHaveLength(1);
    expect(images[0].url).toMatch(new RegExp(`^${t.url}/outputs/[A-Za-z0-9_-]{32}_[a-z0-9]{8,24}_[a-z0-9]+\\.png$`));
    expect(typeof images[0].seed).toBe("number");
    const out = await fetch(images[0].url);
    expect(out.headers.get("content-type")).toBe("image/png");
    expect(pngSize(new Uint8Array(await out.arrayBuffer()))).toEqual({ width: 64, height: 48 });
  });

  it("text-to-image: JSON in, one image per prompt with the seeds reported", async () => {
    const t = await gateway([a.url, sd.url]);
    const res = await fetch(`${t.url}/text-to-image`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model_id: SD,
        prompt: "a lighthouse at dawn",
        width: 64,
        height: 48,
        num_inference_steps: 1,
        guidance_scale: 0,
        seed: 11,
        num_images_per_prompt: 2,
      }),
    });
    expect(res.status).toBe(200);
    const { images } = await res.json();
    expect(images.map((m: { seed: number }) => m.seed)).toEqual([11, 12]);
    for (const m of images) {
      expect(m.url.startsWith(`${t.url}/outputs/`)).toBe(true);
      expect(pngSize(new Uint8Array(await (await fetch(m.url)).arrayBuffer()))).toEqual({ width: 64, height: 48 });
    }
  });

  it("image-to-image: multipart in, the transformed image out", async () => {
    const t = await gateway([sd.url]);
    const form = new FormData();
    form.append("model_id", SD);
    form.append("prompt", "as a watercolour");
    form.append("image", new Blob([png(64, 64)], { type: "image/png" }), "in.png");
    form.append("strength", "0.5");
    form.append("num_inference_steps", "2");
    form.append("seed", "5");
    const res = await fetch(`${t.url}/image-to-image`, { method: "POST", body: form });
    expect(res.status).toBe(200);
    const { images } = await res.json();
    expect(images).toHaveLength(1);
    expect(images[0].seed).toBe(5);
    expect(pngSize(new Uint8Array(await (await fetch(images[0].url)).arrayBuffer()))).toEqual({
      width: 64,
      height: 64,
    });
  });

  it("answers 400 at once, naming what is offered, for a model no orchestrator offers (a mistyped model_id)", async () => {
    const t = await gateway([a.url, sd.url]);
    const started = performance.now();
    const typo = await fetch(`${t.url}/text-to-image`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model_id: "tiny/sd-trubo", prompt: "a fox" }),
    });
    expect(typo.status).toBe(400);
    expect(await typo.json()).toEqual({
      detail: {
        msg: 'model_id "tiny/sd-trubo" is not offered for text-to-image by any orchestrator; offered: tiny/sd-turbo',
      },
    });
    expect(performance.now() - started).toBeLessThan(1000);
    const form = new FormData();
    form.append("model_id", "tiny/svd");
    form.append("image", new Blob([png(16, 16)], { type: "image/png" }), "in.png");
    const res = await fetch(`${t.url}/image-to-video`, { method: "POST", body: form });
    expect(res.status).toBe(400);
    expect((await res.json()).detail.msg).toBe(
      'model_id "tiny/svd" is not offered for image-to-video by any orchestrator; no model is offered for it',
    );
    const metrics = await fetch(`${t.url}/metrics`).then((r) => r.text());
    expect(metrics).not.toMatch(/avs_broadcaster_orchestrator_attempts_total\{pipeline="text-to-image"/);
    expect(metrics).toContain('avs_broadcaster_selections_total{pipeline="text-to-image",outcome="unknown_model"} 1');
  });

  it("passes the runner's 4xx (an upload that is not an image) straight to the client, once", async () => {
    const t = await gateway([a.url, b.url]);
    const res = await upscale(t.url, new TextEncoder().encode("not an image at all"));
    expect(res.status).toBe(415);
    expect((await res.json()).detail.msg).toMatch(/image must be a PNG, JPEG or WebP file/);
    // 30 MB of it: the runner refuses it from its first bytes, closing while its orchestrator still sends the rest.
    const large = await upscale(t.url, new Uint8Array(30 * 1024 * 1024).fill(0x42));
    expect(large.status).toBe(415);
    expect((await large.json()).detail.msg).toBe(
      "image must be a PNG, JPEG or WebP file; its bytes start with 42 42 42 42 42 42 42 42",
    );
    const metrics = await fetch(`${t.url}/metrics`).then((r) => r.text());
    // One attempt each, both client errors (the two may have gone to either orchestrator).
    const attempts = [
      ...metrics.matchAll(/^avs_broadcaster_orchestrator_attempts_total\{[^}]*outcome="(\w+)"\} (\d+)$/gm),
    ];
    expect(attempts.map(([, outcome, n]) => [outcome, Number(n)]).filter(([o]) => o !== "client_error")).toEqual([]);
    expect(attempts.reduce((sum, [, , n]) => sum + Number(n), 0)).toBe(2);
    expect(metrics).not.toMatch(/avs_broadcaster_retries_total\{pipeline="upscale"\} [1-9]/);
    expect((await upscale(t.url)).status).toBe(200);
  });
});

describe("selection across real orchestrators", () => {
  // /info every 2 s (2 s timeout), not the test default's 200 ms (500 ms timeout): one poll that times out on a
  // loaded machine makes an orchestrator unreachable until the next one, and then measured afresh, which sends a
  // stretch of jobs elsewhere and blurs what these tests measure.
  const SLOW_POLLS = { infoIntervalMs: 2000 };

  it("spreads load across equal orchestrators", async () => {
    // Equally warm: so far a ran most of this file's jobs and b few, and a runner's first jobs take several times
    // longer (ONNX Runtime's first runs, the JIT); the broadcaster rightly measures that, but it is not what this
    // test is about. Five jobs each, through a gateway of its own.
    for (const o of [a, b]) expect(await run((await gateway([o.url])).url, 5, 1)).toEqual(Array(5).fill(200));
    const t = await gateway([a.url, b.url], { ...SLOW_POLLS, logLevel: "debug" });
    expect(await run(t.url, 40, 2)).toEqual(Array(40).fill(200));
    const ok = await okAttempts(t.url);
    // On failure, how it went: each success in order (orchestrator, ms), and what the gateway warned of.
    const seen = t.logs
      .filter((l) => l.msg === "attempt succeeded" || l.level === "warn")
      .map((l) =>
        l.msg === "attempt succeeded" ? `${l.orchestrator === a.url ? "a" : "b"}${Math.round(Number(l.ms))}` : l.msg,
      );
    expect(ok[a.url], seen.join(" ")).toBeGreaterThanOrEqual(8);
    expect(ok[b.url], seen.join(" ")).toBeGreaterThanOrEqual(8);
  });

  it("prefers the faster orchestrator (one behind a slow link), and passes the request id on", async () => {
    // 1 s per job: the faster one stays more than NEAR_EQUAL (2×) ahead even when this machine's load slows its
    // jobs to a few hundred ms.
    const link = await startSlowLink(b.url, 1000);
    try {
      // The request id travels to the orchestrator (the link sees the request the orchestrator gets).
      const only = await gateway([link.url]);
      expect((await upscale(only.url, png(16, 12), { "x-request-id": "through-the-link" })).status).toBe(200);
      expect(link.requestIds).toEqual(["through-the-link"]);
      // Three quarters of 48 jobs to the fast one: the warm-up sends 2 over the link and exploration about one more.
      // A link job costs 1 s, the fast one's milliseconds.
      const t = await gateway([a.url, link.url], SLOW_POLLS);
      expect(await run(t.url, 48, 1)).toEqual(Array(48).fill(200));
      const ok = await okAttempts(t.url);
      expect(ok[a.url]).toBeGreaterThanOrEqual(36);
      expect(link.requestIds.length - 1).toBe(ok[link.url] ?? 0);
    } finally {
      await link.close();
    }
  });

  it("never sends a job to an orchestrator above the price cap", async () => {
    const t = await gateway([a.url, b.url], { maxPricePerUnit: 2 });
    expect(await run(t.url, 8, 2)).toEqual(Array(8).fill(200));
    expect(await okAttempts(t.url)).toEqual({ [a.url]: 8 });
  });

  it("prefers a warm orchestrator over a cold one, which stays cold", async () => {
    const t = await gateway([cold.url, a.url]);
    expect(await run(t.url, 6, 1)).toEqual(Array(6).fill(200));
    expect(await okAttempts(t.url)).toEqual({ [a.url]: 6 });
    const info = await fetch(`${cold.url}/info`).then((r) => r.json());
    expect(info.capabilities[0].warm).toBe(false);
  });
});

describe("failures of real orchestrators", () => {
  it("retries elsewhere when an orchestrator is killed mid-load — no client sees a failure — then takes it back", async () => {
    const victim = await orchestrator([entry()]);
    const t = await gateway([a.url, victim.url], { backoffBaseMs: 500, infoIntervalMs: 200 });
    let started = 0;
    let killed = false;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (started < 24) {
          started += 1;
          const res = await upscale(t.url, png(48, 48));
          await res.arrayBuffer();
          statuses.push(res.status);
          if (statuses.length === 6 && !killed) {
            killed = true;
            await victim.kill();
          }
        }
      }),
    );
    expect(statuses).toEqual(Array(24).fill(200));
    const metrics = await fetch(`${t.url}/metrics`).then((r) => r.text());
    const failed = new RegExp(`orchestrator="${victim.url}",outcome="failed"\\} (\\d+)`).exec(metrics);
    const o = t.b.registry.list().find((x) => x.url === victim.url)!;
    // Jobs were in flight on it when it died (failed attempts, retried), or the poll saw it gone first.
    expect(Number(failed?.[1] ?? 0) > 0 || !o.reachable).toBe(true);
    expect(o.reachable).toBe(false);

    // Recovery: the same orchestrator comes back on its port; it is polled, and gets jobs again.
    const back = await orchestrator([entry()], victim.port);
    expect(back.url).toBe(victim.url);
    const deadline = Date.now() + 15_000;
    // Back means: polled as reachable, not held back, and — once its runner is up — warm again (a cold one is only
    // picked when no warm one has a free slot, so the 12 jobs below would all go elsewhere).
    const isBack = () =>
      o.reachable && !o.backoff.heldBack(Date.now()) && o.capability("upscale", UPSCALE)?.warm === true;
    while (!isBack() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(o.reachable).toBe(true);
    expect(o.backoff.heldBack(Date.now())).toBe(false);
    expect(o.capability("upscale", UPSCALE)?.warm).toBe(true);
    const before = (await okAttempts(t.url))[victim.url] ?? 0;
    expect(await run(t.url, 12, 2)).toEqual(Array(12).fill(200));
    expect((await okAttempts(t.url))[victim.url] ?? 0).toBeGreaterThan(before);
  }, 90_000);
});

describe("keys and limits in front of real orchestrators", () => {
  it("401 without a key, 200 with one, 429 past the rate, 413 past the size limit", async () => {
    const t = await gateway([a.url], { apiKeys: ["team-key"], rateLimit: 3, bodyLimits: { "/upscale": 4096 } });
    const key = { authorization: "Bearer team-key" };
    expect((await upscale(t.url)).status).toBe(401);
    const big = await upscale(t.url, png(200, 200).slice(0), key);
    // The first keyed request may be the big one: it is limited by size before anything is read.
    expect(big.status).toBe(413);
    const ok = await upscale(t.url, png(16, 12), key);
    expect(ok.status).toBe(200);
    expect((await upscale(t.url, png(16, 12), key)).status).toBe(200);
    const limited = await upscale(t.url, png(16, 12), key);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});

/** @module Warm runners through real `avs-runner` processes: started at boot, jobs served, media as stored URLs. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelsDir, png, pngSize, startOrchestrator, TINY, upscaleForm } from "./helpers.js";

describe("warm process runners", () => {
  const models = modelsDir();
  let orch: Awaited<ReturnType<typeof startOrchestrator>>;
  beforeAll(async () => {
    orch = await startOrchestrator({
      models: [
        { pipeline: "upscale", model_id: TINY, warm: true, capacity: 2, price_per_unit: 3, pixels_per_unit: 1000 },
      ],
      modelsDir: models.dir,
      secret: "s3cret",
    });
  }, 90_000);
  afterAll(async () => {
    await orch?.stop();
    models.cleanup();
  });

  const auth = { authorization: "Bearer s3cret" };

  it("is warm when start() resolves, and says so in /info", async () => {
    const res = await fetch(`${orch.url}/info`);
    expect(res.status).toBe(200);
    const info = await res.json();
    expect(info.capabilities).toEqual([
      {
        pipeline: "upscale",
        model_id: TINY,
        warm: true,
        capacity: 2,
        in_use: 0,
        price: { price_per_unit: 3, pixels_per_unit: 1000 },
      },
    ]);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.hardware).toEqual([{ pipeline: "upscale", model_id: TINY, gpu_info: {} }]);
  });

  it("runs an upscale and returns a URL it serves with the ×4 PNG", async () => {
    const res = await fetch(`${orch.url}/upscale`, {
      method: "POST",
      headers: { ...auth, "x-request-id": "job-abc-1" },
      body: upscaleForm(TINY, png(16, 12), { seed: "7" }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("job-abc-1");
    expect(res.headers.get("x-media-delivery")).toBe("url");
    const body = await res.json();
    expect(body.images).toHaveLength(1);
    expect(body.images[0].seed).toBe(7);
    expect(body.images[0].nsfw).toBe(false);
    expect(body.images[0].url).toMatch(new RegExp(`^${orch.url}/outputs/[A-Za-z0-9_-]{32}\\.png$`));
    const file = await fetch(body.images[0].url);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(pngSize(new Uint8Array(await file.arrayBuffer()))).toEqual({ width: 64, height: 48 });
  });

  it("answers 404 in the error shape for an unknown output", async () => {
    const res = await fetch(`${orch.url}/outputs/${"a".repeat(32)}.png`);
    expect(res.status).toBe(404);
    expect((await res.json()).detail.msg).toMatch(/no output/);
  });

  it("rejects a job without the secret (401) and with a wrong one", async () => {
    const none = await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm(TINY) });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    expect((await none.json()).detail.msg).toMatch(/missing bearer token/);
    const wrong = await fetch(`${orch.url}/upscale`, {
      method: "POST",
      headers: { authorization: "Bearer nope" },
      body: upscaleForm(TINY),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ detail: { msg: "Invalid bearer token" } });
  });

  it("leaves /info, /health and /metrics open", async () => {
    expect(await (await fetch(`${orch.url}/health`)).json()).toEqual({ status: "OK" });
    const metrics = await (await fetch(`${orch.url}/metrics`)).text();
    expect(metrics).toMatch(
      /avs_orchestrator_jobs_total\{pipeline="upscale",model_id="tiny\/esrgan-x4",status="200"\} 1/,
    );
    const rss = /^avs_orchestrator_process_resident_memory_bytes (\d+)/m.exec(metrics);
    expect(Number(rss?.[1])).toBeGreaterThan(10 * 1024 * 1024);
    expect(metrics).toMatch(/^avs_orchestrator_nodejs_eventloop_lag_seconds \d/m);
    // The lag histogram samples the loop every 50 ms (prom-client's default, 10 ms, wakes an idle loop 100 times a
    // second): the recorded intervals average at least that (one may come out shorter when its timer was re-armed
    // from a loop time taken before the previous one ran).
    const lagMean = /^avs_orchestrator_nodejs_eventloop_lag_mean_seconds (\S+)/m.exec(metrics);
    expect(Number(lagMean?.[1])).toBeGreaterThanOrEqual(0.045);
  });

  it("answers 400 naming what is served for a model it does not serve", async () => {
    const res = await fetch(`${orch.url}/upscale`, { method: "POST", headers: auth, body: upscaleForm("other/model") });
    expect(res.status).toBe(400);
    expect((await res.json()).detail.msg).toBe(
      'model_id "other/model" is not served for upscale here; served: tiny/esrgan-x4',
    );
  });

  it("validates jobs against the spec (model_id required → 422) before touching a runner", async () => {
    const form = upscaleForm(TINY);
    form.delete("model_id");
    const res = await fetch(`${orch.url}/upscale`, { method: "POST", headers: auth, body: form });
    expect(res.status).toBe(422);
    expect((await res.json()).detail).toEqual([
      { loc: ["body", "model_id"], msg: "model_id is required", type: "missing" },
    ]);
  });

  it("passes a runner 4xx back with the runner's message", async () => {
    const res = await fetch(`${orch.url}/upscale`, {
      method: "POST",
      headers: auth,
      body: upscaleForm(TINY, new TextEncoder().encode("not an image at all")),
    });
    expect(res.status).toBe(415);
    expect((await res.json()).detail.msg).toMatch(/PNG, JPEG or WebP/);
  });

  it("has no route for pipelines outside the spec", async () => {
    const res = await fetch(`${orch.url}/frame-magic`, { method: "POST", headers: auth });
    expect(res.status).toBe(404);
  });
});

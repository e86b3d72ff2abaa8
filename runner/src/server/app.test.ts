/** @module The runner app on a real worker thread and the tiny upscaler: health, routes, auth, model id, queue. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodeDataUrl,
  memoryLogger,
  modelsDir,
  testConfig,
  testImage,
  upscaleForm,
  waitFor,
} from "../../test/helpers.js";
import { createRunnerApp, type RunnerApp } from "./app.js";

describe("runner app", () => {
  let models: Awaited<ReturnType<typeof modelsDir>>;
  let runner: RunnerApp;
  let firstHealth: unknown;
  let firstHealthStatus: number;
  beforeAll(async () => {
    models = await modelsDir();
    runner = await createRunnerApp(testConfig(models.dir, { authToken: "s3cret", queueSize: 0 }), memoryLogger());
    const loading = await runner.app.request("/health");
    firstHealthStatus = loading.status;
    firstHealth = await loading.json();
    await runner.ready;
  });
  afterAll(async () => {
    await runner.close();
    await models.cleanup();
  });
  const auth = { authorization: "Bearer s3cret" };

  it("reports LOADING with a 503 while the model loads, then OK with a 200", async () => {
    expect([firstHealthStatus, firstHealth]).toEqual([503, { status: "LOADING" }]);
    const ok = await runner.app.request("/health");
    expect([ok.status, await ok.json()]).toEqual([200, { status: "OK" }]);
    expect(runner.engine.info).toMatchObject({ scale: 4 });
    // upscale sets no heap limits: its worker has V8's young generation (image-to-video caps it at 12 MB).
    expect(runner.engine.resourceLimits.maxYoungGenerationSizeMb).toBeGreaterThan(12);
  });

  it("upscales ×4 and echoes the seed", async () => {
    const res = await runner.app.request("/upscale", {
      method: "POST",
      headers: auth,
      body: upscaleForm(await testImage(24, 16), { seed: "77", model_id: "tiny/esrgan-x4" }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.images).toHaveLength(1);
    expect(body.images[0]).toMatchObject({ seed: 77, nsfw: false });
    const out = await decodeDataUrl(body.images[0].url);
    expect([out.width, out.height, out.channels]).toEqual([96, 64, 3]);
  });

  it("echoes the caller's X-Request-Id, or creates one", async () => {
    const given = await runner.app.request("/health", { headers: { "x-request-id": "job-42" } });
    expect(given.headers.get("x-request-id")).toBe("job-42");
    const made = await runner.app.request("/health");
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("draws a random seed when none is given", async () => {
    const res = await runner.app.request("/upscale", {
      method: "POST",
      headers: auth,
      body: upscaleForm(await testImage(8, 8)),
    });
    const { images } = await res.json();
    expect(Number.isInteger(images[0].seed)).toBe(true);
    expect(images[0].seed).toBeGreaterThanOrEqual(0);
  });

  it("mounts only the configured pipeline's route", async () => {
    const res = await runner.app.request("/text-to-image", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x" }),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ detail: { msg: "no route POST /text-to-image" } });
  });

  it("requires the bearer token on generate routes only", async () => {
    for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: "s3cret" }] as Array<
      Record<string, string>
    >) {
      const res = await runner.app.request("/upscale", {
        method: "POST",
        headers,
        body: upscaleForm(await testImage(8, 8)),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(await res.json()).toEqual({ detail: { msg: "Invalid bearer token" } });
    }
    expect((await runner.app.request("/health")).status).toBe(200);
  });

  it("rejects a different model_id with Livepeer's 400 message", async () => {
    const res = await runner.app.request("/upscale", {
      method: "POST",
      headers: auth,
      body: upscaleForm(await testImage(8, 8), { model_id: "upscalerjs/esrgan-thick-x4" }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      detail: { msg: "pipeline configured with tiny/esrgan-x4 but called with upscalerjs/esrgan-thick-x4" },
    });
  });

  it("refuses a job with 503 and Retry-After when the queue is full", async () => {
    const big = await testImage(384, 384);
    const first = runner.app.request("/upscale", { method: "POST", headers: auth, body: upscaleForm(big) });
    await waitFor(() => runner.queue.depth === 1, 10_000, "the first job to start");
    const second = await runner.app.request("/upscale", {
      method: "POST",
      headers: auth,
      body: upscaleForm(await testImage(8, 8)),
    });
    expect(second.status).toBe(503);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await second.json()).toEqual({ detail: { msg: "the queue is full (0 waiting, 1 running)" } });
    // Refused before its body is read: an upload that never ends gets the same 503 (it used to be read, spooled and,
    // on a video route, probed first; here it would wait for ever).
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled === 1)
          controller.enqueue(new TextEncoder().encode('--x\r\nContent-Disposition: form-data; name="image"'));
        return new Promise(() => {});
      },
    });
    const third = await runner.app.request(
      new Request("http://runner/upscale", {
        method: "POST",
        headers: { ...auth, "content-type": "multipart/form-data; boundary=x" },
        body: endless,
        duplex: "half",
      } as RequestInit),
    );
    expect(third.status).toBe(503);
    expect(await third.json()).toEqual({ detail: { msg: "the queue is full (0 waiting, 1 running)" } });
    await endless.cancel().catch(() => {});
    expect((await first).status).toBe(200);
  });

  it("serves version, hardware (no GPU here: empty maps) and Prometheus metrics", async () => {
    expect(await (await runner.app.request("/version")).json()).toEqual({
      pipeline: "upscale",
      model_id: "tiny/esrgan-x4",
      version: "0.1.0",
    });
    expect(await (await runner.app.request("/hardware/info")).json()).toEqual({
      pipeline: "upscale",
      model_id: "tiny/esrgan-x4",
      gpu_info: {},
    });
    expect(await (await runner.app.request("/hardware/stats")).json()).toMatchObject({ gpu_stats: {} });
    const metrics = await (await runner.app.request("/metrics")).text();
    expect(metrics).toMatch(/avs_runner_requests_total\{route="\/upscale",method="POST",status="200"\} [1-9]/);
    expect(metrics).toMatch(/avs_runner_requests_total\{route="\/upscale",method="POST",status="401"\} 3/);
    expect(metrics).toMatch(/avs_runner_inference_seconds_count\{pipeline="upscale"\} [1-9]/);
    expect(metrics).toMatch(/avs_runner_model_load_seconds\{model_id="tiny\/esrgan-x4"\} \d/);
    expect(metrics).toContain("avs_runner_queue_depth 0");
  });
});

describe("runner app without its model", () => {
  it("reports ERROR, logs why, and answers generate routes with 503", async () => {
    const models = await modelsDir([]);
    const log = memoryLogger();
    const runner = await createRunnerApp(testConfig(models.dir), log);
    await runner.ready;
    try {
      expect(await (await runner.app.request("/health")).json()).toEqual({ status: "ERROR" });
      const line = log.lines.find((l) => l.msg === "model failed to load");
      expect(String(line?.error)).toContain("install the model with `avs-runner models install tiny/esrgan-x4`");
      const res = await runner.app.request("/upscale", { method: "POST", body: upscaleForm(await testImage(8, 8)) });
      expect(res.status).toBe(503);
      expect((await res.json()).detail.msg).toContain("the model failed to load");
    } finally {
      await runner.close();
      await models.cleanup();
    }
  });
});

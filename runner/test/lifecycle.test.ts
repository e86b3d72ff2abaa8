/**
 * @module Job lifecycle on a real server: a queued job whose client disconnects before it starts is dropped
 * without running; asking for CUDA on a machine without its libraries falls back to CPU with a clear log line.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRunnerApp } from "../src/server/app.js";
import { type RunnerServer, startRunnerServer } from "../src/server/serve.js";
import { memoryLogger, modelsDir, testConfig, testImage, upscaleForm, waitFor } from "./helpers.js";

describe("job lifecycle", () => {
  let models: Awaited<ReturnType<typeof modelsDir>>;
  beforeAll(async () => {
    models = await modelsDir();
  });
  afterAll(() => models.cleanup());

  it("drops a waiting job whose client disconnected before it started", async () => {
    const log = memoryLogger();
    const server: RunnerServer = await startRunnerServer(testConfig(models.dir, { queueSize: 4 }), log);
    try {
      await server.runner.ready;
      const inferences = async () =>
        Number(
          /avs_runner_inference_seconds_count\{pipeline="upscale"\} (\d+)/.exec(
            await (await fetch(`${server.url}/metrics`)).text(),
          )?.[1] ?? 0,
        );
      const first = fetch(`${server.url}/upscale`, { method: "POST", body: upscaleForm(await testImage(512, 512)) });
      await waitFor(() => server.runner.queue.depth === 1, 10_000, "the first job to start");
      const abort = new AbortController();
      const second = fetch(`${server.url}/upscale`, {
        method: "POST",
        body: upscaleForm(await testImage(16, 16)),
        signal: abort.signal,
      });
      await waitFor(() => server.runner.queue.depth === 2, 10_000, "the second job to queue");
      abort.abort();
      await expect(second).rejects.toThrow();
      expect((await first).status).toBe(200);
      await waitFor(() => server.runner.queue.depth === 0, 10_000, "the queue to drain");
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toContain("avs_runner_dropped_jobs_total 1");
      expect(await inferences()).toBe(1);
      expect(log.lines.map((l) => l.msg)).toContain("job dropped: client disconnected before it started");
    } finally {
      await server.stop();
    }
  });

  it("falls back from CUDA to CPU with a clear log line when CUDA's libraries are absent", async () => {
    const log = memoryLogger();
    const runner = await createRunnerApp(testConfig(models.dir, { executionProvider: "cuda" }), log);
    try {
      await runner.ready;
      expect(runner.engine.state).toBe("OK");
      expect(runner.engine.provider).toBe("cpu");
      const warning = log.lines.find((l) => l.level === "warn");
      expect(warning).toMatchObject({
        msg: "execution provider cuda is unavailable; falling back to cpu",
        requested: "cuda",
      });
      expect(String(warning?.reason)).toMatch(/shared library|cuda/i);
      expect(log.lines.find((l) => l.msg === "model loaded")).toMatchObject({ provider: "cpu" });
      const res = await runner.app.request("/upscale", { method: "POST", body: upscaleForm(await testImage(8, 8)) });
      expect(res.status).toBe(200);
    } finally {
      await runner.close();
    }
  });
});

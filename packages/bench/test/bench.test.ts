/**
 * @module avs-bench against real servers: a runner (in this process and as a URL), an orchestrator that launches a
 * real avs-runner process, and a broadcaster in front of it — kinds detected, jobs really served, numbers that add
 * up, the table and the JSON written by the command, and clear errors for bad settings.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createBroadcaster } from "@ai-video-subnet/broadcaster";
import { createOrchestrator, silentLogger } from "@ai-video-subnet/orchestrator";
import { installModel, type RunnerServer } from "@ai-video-subnet/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BenchReport, detectTarget, parseBenchArgs, runBench } from "../src/index.js";
import { runLoad } from "../src/measure/run-load.js";
import { formatReport } from "../src/report/format-report.js";
import { jobRequest } from "../src/workload/job-request.js";
import { MODEL, startTinyRunner } from "./tiny-runner.js";

const run = promisify(execFile);

describe("avs-bench", () => {
  let dir: string;
  let runner: RunnerServer;
  let orchestrator: Awaited<ReturnType<typeof createOrchestrator>>;
  let orchestratorUrl: string;
  let broadcaster: ReturnType<typeof createBroadcaster>;
  let broadcasterUrl: string;
  const bench = (argv: string[]) => runBench(parseBenchArgs([...argv, "--warmup", "1"], {}));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "avs-bench-"));
    runner = await startTinyRunner(dir);
    orchestrator = await createOrchestrator({
      models: [{ pipeline: "upscale", model_id: MODEL, warm: true, capacity: 2 }],
      modelsDir: join(dir, "models"),
      port: 0,
      secret: "s3cret",
      log: silentLogger,
    });
    orchestratorUrl = (await orchestrator.start()).url;
    broadcaster = createBroadcaster({
      port: 0,
      orchestrators: [orchestratorUrl],
      orchestratorSecret: "s3cret",
      outputs: { kind: "local", dir: join(dir, "outputs") },
      infoIntervalMs: 200,
      logLevel: "silent",
    });
    broadcasterUrl = (await broadcaster.start()).url;
  });
  afterAll(async () => {
    await broadcaster?.stop();
    await orchestrator?.stop();
    await runner?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const checkNumbers = (r: BenchReport, runs: number) => {
    expect(r.levels[0]!.ok).toBe(runs);
    expect(r.levels[0]!.errors).toEqual({});
    const l = r.levels[0]!.latencyMs;
    expect(l.p50).toBeGreaterThan(0);
    expect(l.p50).toBeLessThanOrEqual(l.p95);
    expect(l.p95).toBeLessThanOrEqual(l.p99);
    expect(r.levels[0]!.unitsPerSecond).toBeCloseTo(r.levels[0]!.jobsPerSecond * r.unitsPerJob, 6);
  };

  it("detects each kind of server", async () => {
    expect(await detectTarget(runner.url)).toEqual({
      kind: "runner",
      offers: [{ pipeline: "upscale", modelId: MODEL }],
    });
    const o = await detectTarget(orchestratorUrl);
    expect(o.kind).toBe("orchestrator");
    expect(o.offers).toEqual([{ pipeline: "upscale", modelId: MODEL, capacity: 2 }]);
    expect((await detectTarget(broadcasterUrl)).kind).toBe("broadcaster");
    await expect(detectTarget(broadcasterUrl, undefined, "runner")).rejects.toThrow(/does not answer like a runner/);
  });

  it("benchmarks a runner URL: pipeline and model from the runner, load time from its metrics, peak RSS", async () => {
    const r = await bench([runner.url, "--runs", "4", "--size", "32"]);
    expect([r.target, r.pipeline, r.modelId]).toEqual(["runner", "upscale", MODEL]);
    expect(r.unitsPerJob).toBe(32 * 32 * 1);
    expect(r.loadMs).toBeGreaterThan(0);
    expect(r.levels[0]!.peak.targetRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    checkNumbers(r, 4);
  });

  it("benchmarks an orchestrator with its secret at two concurrency levels, and suggests a capacity and a price", async () => {
    const r = await bench([
      orchestratorUrl,
      "--token",
      "s3cret",
      "--runs",
      "4",
      "--size",
      "32",
      "--concurrency",
      "1,2",
      "--cost-per-hour",
      "3.6",
    ]);
    expect(r.target).toBe("orchestrator");
    expect(r.levels.map((l) => l.concurrency)).toEqual([1, 2]);
    // The orchestrator's own resident memory (its /metrics), not its runners'; the table says which.
    expect(r.levels[0]!.peak.targetRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(formatReport(r)).toMatch(/^peak RSS: the orchestrator process's own, without its runners$/m);
    checkNumbers(r, 4);
    expect([1, 2]).toContain(r.suggestedCapacity);
    const best = r.levels.find((l) => l.concurrency === r.suggestedCapacity)!;
    // 3.6 per hour = 0.001 per second, spread over the units produced in that second.
    expect(r.breakEvenPricePerUnit).toBeCloseTo(0.001 / best.unitsPerSecond, 12);
  });

  it("without the orchestrator's secret every job fails, and the benchmark says so", async () => {
    await expect(bench([orchestratorUrl, "--runs", "2", "--size", "16"])).rejects.toThrow(
      "every warm-up job failed (1×401: missing bearer token: send Authorization: Bearer <secret>)",
    );
  });

  it("benchmarks through a broadcaster (pipeline and model given)", async () => {
    const r = await bench([
      broadcasterUrl,
      "--pipeline",
      "upscale",
      "--model-id",
      MODEL,
      "--runs",
      "3",
      "--size",
      "16",
    ]);
    expect(r.target).toBe("broadcaster");
    checkNumbers(r, 3);
  });

  it("benchmarks in-process on a model dir, measuring the load time", async () => {
    const r = await bench([
      "--model-dir",
      join(dir, "models"),
      "--pipeline",
      "upscale",
      "--model-id",
      MODEL,
      "--runs",
      "3",
      "--size",
      "16",
    ]);
    expect(r.target).toBe("in-process");
    expect(r.loadMs).toBeGreaterThan(0);
    checkNumbers(r, 3);
  });

  it("compares n single-image jobs with one batched job of n images (text-to-image, in-process)", async () => {
    await installModel("tiny/sd-turbo", join(dir, "models"));
    const r = await bench([
      "--model-dir",
      join(dir, "models"),
      "--pipeline",
      "text-to-image",
      "--model-id",
      "tiny/sd-turbo",
      "--runs",
      "3",
      "--size",
      "64",
      "--steps",
      "1",
      "--batch",
      "3",
    ]);
    expect(r.batch).toMatchObject({ images: 3, runs: 3, errors: {} });
    const b = r.batch!;
    expect(b.single.p50).toBeGreaterThan(0);
    expect(b.batched.p50).toBeGreaterThan(0);
    expect(b.singleImagesPerSecond).toBeGreaterThan(0);
    expect(b.batchedImagesPerSecond).toBeGreaterThan(0);
    expect(formatReport(r)).toMatch(
      /^batching \(concurrency 1, 3 jobs each\): 3 single-image jobs p50 .* one job of 3 images p50 /m,
    );
    // Every batched job came back with its three images (runLoad counts a short answer as an error).
    expect(b.errors).toEqual({});
    const many = await jobRequest({
      pipeline: "text-to-image",
      modelId: "tiny/sd-turbo",
      size: 64,
      steps: 1,
      prompt: "x",
      images: 3,
    });
    expect(JSON.parse(many.body().body as string).num_images_per_prompt).toBe(3);
    expect(many.units).toBe(64 * 64 * 3);
    expect(() => parseBenchArgs(["--batch", "9"], {})).toThrow(/^batch must be a whole number from 1 to 8/);
  });

  it("counts a batched answer with fewer images than asked as an error", async () => {
    const server = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ images: [{ url: "data:,", seed: 1, nsfw: false }] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const req = await jobRequest({
        pipeline: "text-to-image",
        modelId: "m",
        size: 8,
        steps: 1,
        prompt: "",
        images: 2,
      });
      const r = await runLoad(url, req, { runs: 2, concurrency: 1, timeoutMs: 5000 });
      expect(r).toMatchObject({ ok: 0, errors: { "wrong image count": 2 } });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("the avs-bench command prints the table and writes the JSON", async () => {
    const json = join(dir, "out.json");
    const bin = join(import.meta.dirname, "..", "bin", "avs-bench.mjs");
    const { stdout } = await run(process.execPath, [
      bin,
      runner.url,
      "--runs",
      "2",
      "--warmup",
      "0",
      "--size",
      "16",
      "--json",
      json,
    ]);
    expect(stdout).toMatch(/^avs-bench: upscale \/ tiny\/esrgan-x4 on runner/m);
    expect(stdout).toMatch(/^1 +2\/2 +none/m);
    const report = JSON.parse(await readFile(json, "utf8")) as BenchReport;
    expect(report.levels[0]!.ok).toBe(2);
  });

  it("bad settings fail with what is allowed", () => {
    expect(() => parseBenchArgs(["--concurrency", "0"], {})).toThrow(
      /^concurrency must be whole numbers from 1 to 1024/,
    );
    expect(() => parseBenchArgs(["--pipeline", "video-magic"], {})).toThrow(/--pipeline must be one of/);
    expect(() => parseBenchArgs(["--frobnicate", "1"], {})).toThrow(/unknown flag --frobnicate/);
    expect(() => parseBenchArgs(["ftp://x"], {})).toThrow(/--url must be an http\(s\) URL/);
    expect(parseBenchArgs([], { AVS_BENCH_RUNS: "7" }).runs).toBe(7);
    expect(parseBenchArgs(["--runs", "3"], { AVS_BENCH_RUNS: "7" }).runs).toBe(3);
  });
});

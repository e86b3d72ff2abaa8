/**
 * @module Peak RSS of a target whose `/metrics` wants a token: a real orchestrator on 127.0.0.1 with a job secret and
 * a different metrics-token (its runner a real one in this process, as an external runner). With only the job secret
 * the column is n/a and the report says why, once; with `--metrics-token` (or its env var) the memory is read.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createOrchestrator, silentLogger } from "@ai-video-subnet/orchestrator";
import type { RunnerServer } from "@ai-video-subnet/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatReport, parseBenchArgs, runBench } from "../src/index.js";
import { MODEL, startTinyRunner } from "./tiny-runner.js";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "..", "bin", "avs-bench.mjs");
const WHY_401 =
  "peak RSS n/a: GET /metrics answered 401 (Invalid bearer token): the token sent (--metrics-token, else --token) " +
  "is not its metrics token; give its metrics token with --metrics-token (or AVS_BENCH_METRICS_TOKEN)";

describe("avs-bench against a /metrics that wants a token", () => {
  let dir: string;
  let runner: RunnerServer;
  let orchestrator: Awaited<ReturnType<typeof createOrchestrator>>;
  let url: string;
  const job = ["--pipeline", "upscale", "--model-id", MODEL, "--runs", "2", "--warmup", "0", "--size", "16"];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "avs-bench-metrics-"));
    runner = await startTinyRunner(dir);
    orchestrator = await createOrchestrator({
      models: [{ pipeline: "upscale", model_id: MODEL, url: runner.url, capacity: 2 }],
      modelsDir: join(dir, "models"),
      port: 0,
      secret: "s3cret",
      metricsToken: "mtok",
      log: silentLogger,
    });
    url = (await orchestrator.start()).url;
  });
  afterAll(async () => {
    await orchestrator?.stop();
    await runner?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("says once why peak RSS is n/a when /metrics refuses the job secret", async () => {
    const r = await runBench(parseBenchArgs([url, "--token", "s3cret", ...job, "--concurrency", "1,2"], {}));
    expect(r.levels.map((l) => [l.ok, l.peak.targetRssBytes])).toEqual([
      [2, undefined],
      [2, undefined],
    ]);
    expect(r.levels[0]!.peak.targetRssUnavailable).toBe(WHY_401.slice("peak RSS n/a: ".length));
    const table = formatReport(r);
    expect(table).toMatch(/^2 +2\/2 +none( +\S+){5} +n\/a/m);
    expect(table.split(WHY_401).length - 1).toBe(1);
  });

  it("reads the memory with --metrics-token, or AVS_BENCH_METRICS_TOKEN, and then says nothing about it", async () => {
    const flag = await runBench(parseBenchArgs([url, "--token", "s3cret", "--metrics-token", "mtok", ...job], {}));
    expect(flag.levels[0]!.peak.targetRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(flag.levels[0]!.peak.targetRssUnavailable).toBeUndefined();
    expect(formatReport(flag)).not.toContain("peak RSS n/a");
    const env = await runBench(parseBenchArgs([url, "--token", "s3cret", ...job], { AVS_BENCH_METRICS_TOKEN: "mtok" }));
    expect(env.levels[0]!.peak.targetRssBytes).toBeGreaterThan(10 * 1024 * 1024);
  });

  it("the command prints the reason under the table", async () => {
    const { stdout } = await run(process.execPath, [BIN, url, "--token", "s3cret", ...job]);
    expect(stdout).toContain(`\n${WHY_401}\n`);
    const ok = await run(process.execPath, [BIN, url, "--token", "s3cret", "--metrics-token", "mtok", ...job]);
    expect(ok.stdout).toMatch(/^1 +2\/2 +none( +\S+){5} +\d+ MB/m);
  });
});

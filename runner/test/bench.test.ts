/** @module `avs-runner bench` runs end to end (on the tiny model, so it is quick) and writes its JSON report. */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { modelsDir } from "./helpers.js";

const BIN = fileURLToPath(new URL("../bin/avs-runner.mjs", import.meta.url));

describe("avs-runner bench", () => {
  it("prints the table and writes JSON for both paths", async () => {
    const models = await modelsDir();
    try {
      const json = join(models.dir, "bench.json");
      const args = ["bench", "--model-id", "tiny/esrgan-x4", "--model-dir", models.dir, "--size", "32"];
      const { stdout } = await promisify(execFile)("node", [BIN, ...args, "--runs", "2", "--json", json]);
      expect(stdout).toMatch(
        /HTTP-path overhead over raw session\.run: [+-][\d.]+ ms = -?[\d.]+% \(target ≤ 5%\), the median of \d+ back-to-back pairs/,
      );
      expect(stdout).toMatch(/runner event-loop delay p99 during inference: [\d.]+ ms/);
      expect(stdout).toMatch(/in-process runner app \(app\.request → worker thread\): p50 [\d.]+ ms/);
      const report = JSON.parse(await readFile(json, "utf8"));
      expect(report.raw).toMatchObject({ runs: 2, output_dims: [1, 3, 128, 128] });
      expect(report.http).toMatchObject({ runs: 2, output_size: "128×128" });
      expect(report.http.p50_ms).toBeGreaterThan(0);
      expect(report.http.peak_rss_mb).toBeGreaterThan(10);
      expect(typeof report.http_overhead_percent).toBe("number");
      expect(typeof report.http_overhead_paired.percent).toBe("number");
      expect(report.in_process).toMatchObject({ runs: 2 });
    } finally {
      await models.cleanup();
    }
  }, 60_000);

  it("benchmarks a Stable Diffusion pipeline against its sessions and the replay floor", async () => {
    const dir = await mkdtemp(join(tmpdir(), "avs-sd-bench-"));
    try {
      const json = join(dir, "sd.json");
      const args = ["bench", "--pipeline", "text-to-image", "--model-dir", dir, "--runs", "3", "--warmup", "1"];
      const { stdout } = await promisify(execFile)("node", [BIN, ...args, "--requests", "30", "--json", json]);
      expect(stdout).toMatch(/pipeline \/ session\.run = [\d.]+ \(target ≤ 1\.05\)/);
      // Every call of the request is replayed: text encoder, four UNet steps, VAE, checker preparation, checker.
      expect(stdout).toMatch(/floor: the same 8 session\.run calls replayed back to back = [\d.]+/);
      expect(stdout).toMatch(/warm-up \(first 1 requests, code not yet optimised\): pipeline \/ session\.run = [\d.]+/);
      const report = JSON.parse(await readFile(json, "utf8"));
      expect(report).toMatchObject({ pipeline: "text-to-image", model_id: "tiny/sd15", runs: 3 });
      expect(report.ratio).toBeGreaterThan(0);
      expect(typeof report.replay_floor_ratio).toBe("number");
      expect(report.warmup_ratio).toBeGreaterThan(0);
      expect(report.memory).toHaveLength(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("--start-up: a runner's start against a process that only opens the model, and another build's", async () => {
    const models = await modelsDir();
    try {
      const args = ["bench", "--start-up", "--model-dir", models.dir, "--runs", "1", "--baseline", BIN];
      // From a folder outside the package (the README runs it from the repository's root), without the module path
      // vitest adds: the floor's process finds onnxruntime-node all the same.
      const env = { ...process.env, NODE_PATH: "" };
      const { stdout } = await promisify(execFile)("node", [BIN, ...args], { cwd: tmpdir(), env });
      expect(stdout).toMatch(/^start-up of a runner serving upscale with tiny\/esrgan-x4 \(1 ONNX file\(s\)\)/);
      const cpu = (path: string) => Number(new RegExp(`${path} +\\d+ ms wall +(\\d+) ms CPU`).exec(stdout)?.[1]);
      // The runner loads what the floor loads and more (a worker thread, the HTTP side), in CPU time of its own.
      expect(cpu("this build")).toBeGreaterThan(cpu("floor \\(node \\+ ONNX sessions\\)"));
      expect(cpu("baseline")).toBeGreaterThan(0);
      expect(stdout).toMatch(/^start-up CPU: [\d.]+ × the floor$/m);
      expect(stdout).toMatch(/^start-up CPU: [\d.]+ × the baseline build$/m);
    } finally {
      await models.cleanup();
    }
  }, 60_000);
});

/**
 * @module Failed jobs counted by what the server answered: a real `avs-runner` process on 127.0.0.1 that refuses an
 * upload over its `MAX_UPLOAD_BYTES` answers 400 before it has read the body and closes the connection, and the
 * benchmark reports that 400 with the runner's message — not a connection failure — in the level, the table and the
 * warm-up error. A port where nothing listens is still a connection failure, with its cause.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { installModel } from "@ai-video-subnet/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatReport, parseBenchArgs, runBench } from "../src/index.js";
import { runLoad } from "../src/measure/run-load.js";
import { jobRequest } from "../src/workload/job-request.js";

const MODEL = "tiny/esrgan-x4";
/** The runner's answer to a body over its limit (400 on Livepeer's routes). */
const TOO_LARGE = "request body is larger than the limit of 1000000 bytes";

describe("refused jobs", () => {
  let dir: string;
  let child: ChildProcess;
  const runner = { url: "" };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "avs-bench-refused-"));
    await installModel(MODEL, join(dir, "models"));
    // A process of its own, as deployed: in this process the answer and the failed write race differently.
    const bin = join(dirname(createRequire(import.meta.url).resolve("@ai-video-subnet/runner")), "..", "bin");
    const env = { PIPELINE: "upscale", MODEL_ID: MODEL, MODEL_DIR: join(dir, "models"), PORT: "0", HOST: "127.0.0.1" };
    child = spawn(process.execPath, [join(bin, "avs-runner.mjs")], {
      env: { ...process.env, ...env, MAX_UPLOAD_BYTES: "1000000" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    for await (const chunk of child.stdout!) {
      output += chunk;
      runner.url ||= /"msg":"listening".*"url":"([^"]+)"/.exec(output)?.[1] ?? "";
      if (runner.url && output.includes('"msg":"model loaded"')) break;
    }
  });
  afterAll(async () => {
    if (child?.exitCode === null) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
    await rm(dir, { recursive: true, force: true });
  });

  it("counts an upload the runner refuses mid-body as its 400, with the runner's message", async () => {
    // A 1500×1500 test picture is a PNG of about 6.7 MB: the runner answers after its first megabyte.
    const r = await runBench(parseBenchArgs([runner.url, "--size", "1500", "--runs", "3", "--warmup", "0"], {}));
    expect(r.levels[0]).toMatchObject({ ok: 0, runs: 3, errors: { 400: 3 }, errorMessages: { 400: TOO_LARGE } });
    const table = formatReport(r);
    expect(table).toMatch(/^1 +0\/3 +3×400 /m);
    expect(table).toContain(`\n400: ${TOO_LARGE}\n`);
    // The runner serves the next job that fits.
    const fits = await runBench(parseBenchArgs([runner.url, "--size", "64", "--runs", "1", "--warmup", "0"], {}));
    expect(fits.levels[0]).toMatchObject({ ok: 1, errors: {} });
  });

  it("says what the runner answered when every warm-up job is refused", async () => {
    await expect(runBench(parseBenchArgs([runner.url, "--size", "1500", "--warmup", "2"], {}))).rejects.toThrow(
      `every warm-up job failed (2×400: ${TOO_LARGE}); check --pipeline, --model-id, --token`,
    );
  });

  it("counts a port where nothing listens as a connection failure, with its cause", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const req = await jobRequest({ pipeline: "upscale", modelId: MODEL, size: 16, steps: 1, prompt: "" });
    const r = await runLoad(`http://127.0.0.1:${port}`, req, { runs: 2, concurrency: 1, timeoutMs: 5000 });
    expect(r).toMatchObject({ ok: 0, errors: { connection: 2 } });
    expect(r.messages.connection).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});

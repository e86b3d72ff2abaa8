/** @module `avs-runner` as a real process: models commands, serving on PORT=0, graceful SIGTERM and SIGHUP. */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelsDir, spawnRunner, testImage, upscaleForm, waitFor } from "./helpers.js";

/** Every path under `dir` (relative), none when it does not exist. */
const filesUnder = (dir: string) => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : []);

/** Environment variables whose presence makes ONNX Runtime 1.30 skip its telemetry (it takes them for a CI machine). */
const ORT_CI_MARKERS = [
  "CI",
  "TF_BUILD",
  "GITHUB_ACTIONS",
  "GITLAB_CI",
  "CIRCLECI",
  "TRAVIS",
  "JENKINS_URL",
  "CODEBUILD_BUILD_ID",
  "BUILDKITE",
  "TEAMCITY_VERSION",
  "APPVEYOR",
];

const BIN = fileURLToPath(new URL("../bin/avs-runner.mjs", import.meta.url));
const run = promisify(execFile);

describe("avs-runner CLI", () => {
  let models: Awaited<ReturnType<typeof modelsDir>>;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    models = await modelsDir([]);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    await models.cleanup();
  });
  /** `avs-runner` serving the tiny upscaler, once its model is loaded. */
  const serveUpscaler = async () => {
    const runner = spawnRunner({ PIPELINE: "upscale", MODEL_ID: "tiny/esrgan-x4", MODEL_DIR: models.dir }, "pipe");
    children.push(runner.child);
    await waitFor(() => runner.lines.some((l) => l.msg === "model loaded"), 15_000, "the model to load");
    return runner;
  };

  it("prints help with every setting and its default", async () => {
    const { stdout } = await run("node", [BIN, "--help"]);
    expect(stdout).toContain("--model-id / MODEL_ID");
    expect(stdout).toContain("(default: 8000)");
    expect(stdout).toContain("--execution-provider / EXECUTION_PROVIDER");
  }, 30_000);

  it("prints the usage of models and of each models command on --help, exit 0", async () => {
    const usage = {
      "": "Usage: avs-runner models <install|fetch|list|verify>",
      install: "Usage: avs-runner models install <id>",
      fetch: "Usage: avs-runner models fetch <repo>",
      list: "Usage: avs-runner models list [--available]",
      verify: "Usage: avs-runner models verify <id>",
    };
    for (const [sub, line] of Object.entries(usage)) {
      // execFile rejects on a non-zero exit, so a resolved run is exit 0.
      const { stdout } = await run("node", [BIN, "models", ...(sub ? [sub] : []), "--help"]);
      expect(stdout).toContain(line);
    }
  }, 30_000);

  it("installs, lists and verifies the tiny upscaler", async () => {
    const install = await run("node", [BIN, "models", "install", "tiny/esrgan-x4", "--model-dir", models.dir]);
    expect(install.stdout).toContain("installed tiny/esrgan-x4 (tiny test model)");
    const list = await run("node", [BIN, "models", "list", "--model-dir", models.dir]);
    expect(list.stdout).toMatch(/tiny\/esrgan-x4\s+upscale\s+\[tiny test model\]/);
    const verify = await run("node", [BIN, "models", "verify", "tiny/esrgan-x4", "--model-dir", models.dir]);
    expect(verify.stdout).toContain("ok tiny/esrgan-x4: upscale, inputs [input] → outputs [output], scale ×4");
    await expect(run("node", [BIN, "models", "install", "nope/x", "--model-dir", models.dir])).rejects.toMatchObject({
      stderr: expect.stringContaining('unknown model "nope/x"'),
    });
  }, 30_000);

  it("keeps ONNX Runtime's telemetry off (no device id, no event database) unless ORT_DISABLE_TELEMETRY=0", async () => {
    await run("node", [BIN, "models", "install", "tiny/esrgan-x4", "--model-dir", models.dir]);
    const home = await mkdtemp(join(tmpdir(), "avs-home-"));
    // What an operator's machine would have: the variable unset (the test runner's own setting removed), and none of
    // the CI markers ONNX Runtime skips its telemetry for (its library lists them), or the opt-in below would too.
    const base = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => k !== "ORT_DISABLE_TELEMETRY" && !ORT_CI_MARKERS.includes(k)),
    );
    const envIn = (dir: string, extra: Record<string, string> = {}) => ({
      ...base,
      HOME: join(home, dir),
      XDG_CACHE_HOME: join(home, dir, "cache"),
      ...extra,
    });
    const verify = ["models", "verify", "tiny/esrgan-x4", "--model-dir", models.dir];
    try {
      // A session made on the CLI's thread (verify) and on the worker thread (serve, up to "model loaded").
      await run("node", [BIN, ...verify], { env: envIn("verify") });
      const child = spawn("node", [BIN], {
        env: envIn("serve", { PIPELINE: "upscale", MODEL_ID: "tiny/esrgan-x4", MODEL_DIR: models.dir, PORT: "0" }),
        stdio: ["ignore", "pipe", "inherit"],
      });
      children.push(child);
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d;
      });
      await waitFor(() => out.includes('"model loaded"'), 20_000);
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      expect(filesUnder(join(home, "verify"))).toEqual([]);
      expect(filesUnder(join(home, "serve"))).toEqual([]);
      // The operator's choice wins: with the variable at 0, ONNX Runtime writes its files (so the check above can fail).
      await run("node", [BIN, ...verify], { env: envIn("on", { ORT_DISABLE_TELEMETRY: "0" }) });
      expect(filesUnder(join(home, "on"))).toContain(
        join("cache", "Microsoft", "DeveloperTools", ".onnxruntime", "deviceid"),
      );
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }, 60_000);

  it("serves on PORT=0, logs the real port, and on SIGTERM finishes the running job before exiting", async () => {
    const { child, lines, exited } = await serveUpscaler();
    const port = lines.find((l) => l.msg === "listening")?.port as number;
    expect(port).toBeGreaterThan(0);
    const url = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: "OK" });

    // Large enough (→ 3072×3072) that the job is still running when SIGTERM arrives, even on a busy machine.
    const job = fetch(`${url}/upscale`, { method: "POST", body: upscaleForm(await testImage(768, 768)) });
    await waitFor(
      async () => /avs_runner_queue_depth 1/.test(await (await fetch(`${url}/metrics`)).text()),
      20_000,
      "the job to start",
    );
    child.kill("SIGTERM");
    const res = await job;
    expect(res.status).toBe(200);
    expect((await res.json()).images[0].url).toMatch(/^data:image\/png;base64,/);
    expect(await exited).toBe(0);
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(["shutting down", "stopped"]));
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  }, 60_000);

  it("stops gracefully on SIGHUP too (a closed terminal), where Node's default would exit at once", async () => {
    const { child, lines, exited } = await serveUpscaler();
    child.kill("SIGHUP");
    expect(await exited).toBe(0);
    expect(lines.find((l) => l.msg === "shutting down")).toMatchObject({ signal: "SIGHUP" });
    expect(lines.map((l) => l.msg)).toContain("stopped");
  }, 60_000);
});

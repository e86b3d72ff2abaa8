/**
 * @module SIGTERM while the model loads: the load is abandoned and the runner exits promptly, also when the load is
 * blocked for good in a native read (a FIFO stands in for a hung network mount), which it says in its log.
 */

import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { modelsDir, spawnRunner, waitFor } from "./helpers.js";

const models = await modelsDir(["tiny/sd15"]);
const dir = mkdtempSync(join(tmpdir(), "avs-load-abandon-"));
afterAll(async () => {
  await models.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

it("exits within a few seconds of SIGTERM while a model file blocks its load, and logs why it exits hard", async () => {
  cpSync(join(models.dir, "tiny", "sd15"), join(dir, "org", "hung"), { recursive: true });
  const unet = join(dir, "org", "hung", "unet", "model.onnx");
  rmSync(unet);
  execFileSync("mkfifo", [unet]);
  const runner = spawnRunner({ PIPELINE: "text-to-image", MODEL_ID: "org/hung", MODEL_DIR: dir });
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    runner.child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  await waitFor(() => runner.lines.some((l) => l.msg === "listening"));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const health = await (await fetch(`${runner.url()}/health`)).json();
  expect(health).toEqual({ status: "LOADING" });
  const started = Date.now();
  runner.child.kill("SIGTERM");
  const ended = await Promise.race([exit, new Promise((resolve) => setTimeout(() => resolve("alive"), 8000))]);
  if (ended === "alive") runner.child.kill("SIGKILL");
  expect(ended).toEqual({ code: null, signal: "SIGTERM" });
  expect(Date.now() - started).toBeLessThan(5000);
  expect(runner.lines.map((l) => l.msg)).toEqual(
    expect.arrayContaining([
      "model load abandoned: shutting down while it loads",
      "exiting hard: the model load is blocked in a read that cannot be interrupted (a hung mount?)",
    ]),
  );
});

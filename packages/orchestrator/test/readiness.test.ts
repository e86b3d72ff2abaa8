/**
 * @module Readiness tells the truth: `/ready` is 503 `starting: …` while the warm runners start and 503 `stopping: …`
 * once a stop began, 200 in between; `/health` (liveness) stays OK from the moment the port is open, so callers that
 * poll it and then send a job keep working. A SIGTERM during the start logs no `ready`. The runner that never starts is
 * `sleep` given as `--runner-command`: a runner still loading its model, for as long as the test needs.
 */
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, modelsDir, runOrchestratorBin, startOrchestrator, TINY } from "./helpers.js";

const models = modelsDir();
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  models.cleanup();
});

describe("readiness", () => {
  it("is 503 starting while a warm runner starts, /health OK; a SIGTERM then logs no ready", async () => {
    const config = join(models.dir, "..", "readiness-models.json");
    writeFileSync(config, JSON.stringify([{ pipeline: "upscale", model_id: TINY, warm: true }]));
    const args = ["--config", config, "--models-dir", models.dir, "--port", "0", "--runner-command", "sleep 600"];
    const p = runOrchestratorBin(args, { children });
    const listening = await eventually(
      () => p.lines.find((l) => l.msg === "listening" && !l.runner),
      20_000,
      "listening",
    );
    const base = `http://127.0.0.1:${listening.port}`;
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ detail: { msg: "starting: 0 of 1 warm runners ready" } });
    const health = await fetch(`${base}/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: "OK" }]);
    p.child.kill("SIGTERM");
    expect(await p.exit).toBe(0);
    const messages = p.lines.filter((l) => !l.runner).map((l) => l.msg);
    expect(messages).toContain("stopped");
    expect(messages).not.toContain("ready");
  }, 60_000);

  it("is 200 once started and 503 stopping as soon as a stop begins", async () => {
    const orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, warm: false }],
      modelsDir: models.dir,
    });
    const before = await orch.app.request("/ready");
    expect([before.status, await before.json()]).toEqual([200, { status: "OK" }]);
    const stopped = orch.stop();
    const during = await orch.app.request("/ready");
    expect(during.status).toBe(503);
    expect(await during.json()).toEqual({ detail: { msg: "stopping: this orchestrator takes no new jobs" } });
    expect(orch.readiness()).toEqual({ ready: false, reason: "stopping: this orchestrator takes no new jobs" });
    await stopped;
  });
});

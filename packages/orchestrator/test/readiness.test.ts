/**
 * @module Readiness tells the truth: `/ready` is 503 `starting: …` while the warm runners start and 503 `stopping: …`
 * once a stop began, 200 in between; `/health` (liveness) stays OK from the moment the port is open, so callers that
 * poll it and then send a job keep working. A SIGTERM during the start logs no `ready`. The runner that never starts is
 * `sleep` given as `--runner-command`: a runner still loading its model, for as long as the test needs.
 */
import type { ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
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

describe("readiness after the start", () => {
  const broken = modelsDir([TINY]);
  // A model folder without its model.onnx: the runner listens, then reports ERROR at every start.
  mkdirSync(join(broken.dir, "tiny", "broken"), { recursive: true });
  let orch: Awaited<ReturnType<typeof startOrchestrator>> | undefined;
  afterEach(async () => {
    await orch?.stop();
    orch = undefined;
  });
  afterAll(() => broken.cleanup());
  const ready = async () => {
    const res = await orch!.app.request("/ready");
    return [res.status, await res.json()];
  };
  /** An orchestrator serving one upscale model, warm or cold, from the test's models directory. */
  const serve = async (modelId: string, warm: boolean) => {
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: modelId, warm }],
      modelsDir: broken.dir,
    });
    return orch;
  };
  const notReady = (modelId: string) =>
    new RegExp(`^no runner can take a job: upscale "${modelId}" (waiting out a failure backoff|restarting|stopped)$`);

  it("is 503 while no runner can take a job (its only warm runner fails at every start)", async () => {
    await serve("tiny/broken", true);
    const [status, body] = await ready();
    expect(status).toBe(503);
    expect(body.detail.msg).toMatch(notReady("tiny/broken"));
  }, 60_000);

  it("follows a warm runner that dies: 503 until it is back, then 200", async () => {
    const runner = (await serve(TINY, true)).pool.runners[0]!;
    expect(await ready()).toEqual([200, { status: "OK" }]);
    const pid = Number(runner.id);
    process.kill(pid, "SIGKILL");
    const down = await eventually(
      async () => {
        const [status, body] = await ready();
        return status === 503 ? body : undefined;
      },
      10_000,
      "not ready once its runner died",
    );
    expect(down.detail.msg).toMatch(notReady(TINY));
    await eventually(() => (runner.state === "ready" && Number(runner.id) !== pid) || undefined, 30_000, "restarted");
    expect(await ready()).toEqual([200, { status: "OK" }]);
  }, 60_000);

  it("stays 200 with cold runners only: a job starts one", async () => {
    await serve(TINY, false);
    expect(await ready()).toEqual([200, { status: "OK" }]);
  });
});

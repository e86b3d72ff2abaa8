/**
 * @module Runners that keep failing, through real `avs-runner` processes: one whose model never loads (a half-installed
 * model folder) and one killed again soon after its restart. Both wait out their backoff whoever asks: jobs get a 503
 * saying when the runner is started again (not a new runner each), and `/info` leaves their slots out meanwhile.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { alive, eventually, modelsDir, recordingLogger, startOrchestrator, TINY, upscaleForm } from "./helpers.js";

const BROKEN = "tiny/broken";
const models = modelsDir([TINY]);
// A model folder without its model.onnx: the runner listens, then reports ERROR (its model failed to load).
mkdirSync(join(models.dir, BROKEN), { recursive: true });
afterAll(() => models.cleanup());

let orch: Awaited<ReturnType<typeof startOrchestrator>> | undefined;
afterEach(async () => {
  await orch?.stop();
  orch = undefined;
});

const upscale = (model: string) => fetch(`${orch!.url}/upscale`, { method: "POST", body: upscaleForm(model) });
const capability = async (model: string) =>
  (
    (await (await fetch(`${orch!.url}/info`)).json()) as { capabilities: Array<{ model_id: string; capacity: number }> }
  ).capabilities.find((c) => c.model_id === model)!;

describe("a runner that keeps failing", () => {
  it("is not started again by every job: jobs get 503 with the reason and the wait, and /info offers no slot", async () => {
    const log = recordingLogger();
    const failedStarts = () => log.lines.filter((l) => l.msg === "runner failed to start").length;
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: BROKEN, warm: true }],
      modelsDir: models.dir,
      log,
    });
    // Failures 1, 2 and 3 in a row: the next start waits 4 s (then 8 s, …).
    await eventually(() => failedStarts() >= 3 || undefined, 60_000, "three failed starts");
    const before = failedStarts();
    expect((await capability(BROKEN)).capacity).toBe(0);
    for (let i = 0; i < 3; i++) {
      const res = await upscale(BROKEN);
      expect(res.status).toBe(503);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      const msg: string = (await res.json()).detail.msg;
      expect(msg).toMatch(
        /^upscale model "tiny\/broken" is not available: its runner failed \(the runner reports ERROR: its model failed to load\); it is started again in \d+ s$/,
      );
      // The wait after n failures in a row is 2^(n−1) s; on a loaded machine a 4th failure (8 s) may come first.
      const seconds = Number(/in (\d+) s$/.exec(msg)![1]);
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(2 ** (failedStarts() - 1));
    }
    // None of the jobs started a runner (each start loads the model): only the backoff's own restart may have run.
    expect(failedStarts() - before).toBeLessThanOrEqual(1);
  }, 90_000);

  it("counts each failed start once, however often the watchdog looks while the start winds down", async () => {
    // A failed start stops its runner process before it is counted; a watchdog tick in between took the stopped
    // runner for one whose restart was lost and counted a failure of its own: the backoff doubled twice per failure.
    const log = recordingLogger();
    const failedStarts = () => log.lines.filter((l) => l.msg === "runner failed to start").length;
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: BROKEN, warm: true }],
      modelsDir: models.dir,
      healthInterval: 0.01,
      log,
    });
    await eventually(() => failedStarts() >= 3 || undefined, 60_000, "three failed starts");
    const res = await upscale(BROKEN);
    expect(res.status).toBe(503);
    const seconds = Number(/in (\d+) s$/.exec((await res.json()).detail.msg as string)![1]);
    // n failures in a row wait 2^(n−1) s: at most 4 s after the third (8 s, if a fourth came first).
    expect(seconds).toBeLessThanOrEqual(2 ** (failedStarts() - 1));
  }, 90_000);

  it("answers a cold start that failed with its reason's first line, not the runner's output", async () => {
    const script = "console.error('avs-runner: the models folder /srv/secret/models does not exist'); process.exit(1)";
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, warm: false }],
      modelsDir: models.dir,
      runnerCommand: [process.execPath, "-e", script],
    });
    const res = await upscale(TINY);
    expect(res.status).toBe(503);
    const msg: string = (await res.json()).detail.msg;
    // Before: "…; last output:" and the runner's stderr, this host's paths included.
    expect(msg).toMatch(
      /^upscale model "tiny\/esrgan-x4" is not available: runner \S+ exited \(code 1\) before listening$/,
    );
  }, 60_000);

  it("backs off when it dies again soon after a restart, instead of restarting at once forever", async () => {
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, warm: true }],
      modelsDir: models.dir,
    });
    const runner = orch.pool.runners[0]!;
    const first = Number(runner.id);
    process.kill(first, "SIGKILL");
    const second = await eventually(
      () => runner.state === "ready" && Number(runner.id) !== first && Number(runner.id),
      30_000,
      "restarted once",
    );
    process.kill(second, "SIGKILL");
    await eventually(() => runner.state === "stopped" || undefined, 10_000, "second death seen");
    expect(alive(second)).toBe(false);
    // Two deaths in a row, the second 2 s before its restart: a job meanwhile is told so, and no slot is offered.
    const res = await upscale(TINY);
    expect(res.status).toBe(503);
    expect((await res.json()).detail.msg).toMatch(
      /^upscale model "tiny\/esrgan-x4" is not available: its runner failed \(exited with signal SIGKILL\); it is started again in [12] s$/,
    );
    expect((await capability(TINY)).capacity).toBe(0);
    await eventually(() => runner.state === "ready" || undefined, 30_000, "restarted after the backoff");
    expect((await upscale(TINY)).status).toBe(200);
    expect((await capability(TINY)).capacity).toBe(1);
  }, 90_000);
});

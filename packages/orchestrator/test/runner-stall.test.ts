/**
 * @module `runner-stall-timeout`: a runner process that still answers `/health` but stops reporting progress mid-job
 * (stuck inside a step) has its job cut well before `job-timeout` with a 500 that says it stalled, is restarted (a
 * new process), and the stall is counted and logged. Runners that report no progress — a job with no step before
 * its answer, a runner without a progress route (a Livepeer one) — and one whose steps keep coming are not cut,
 * though their jobs last longer than the timeout; 0 turns the watchdog off. The runners are
 * `fake-stalling-runner.mjs` processes started by the real process launcher (a real runner cannot hang on purpose).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "@ai-video-subnet/server-kit";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { WATCH_AFTER_MS } from "../src/routes/stall-watch.js";
import { alive, eventually, modelsDir, png, recordingLogger, startOrchestrator, upscaleForm } from "./helpers.js";

const FAKE = fileURLToPath(new URL("./fake-stalling-runner.mjs", import.meta.url));
const MODES = ["stall", "steady", "silent", "no-progress"] as const;
const models = modelsDir([]);
for (const mode of MODES) mkdirSync(join(models.dir, "fake", mode), { recursive: true });
afterAll(() => models.cleanup());

let orch: Awaited<ReturnType<typeof startOrchestrator>> | undefined;
afterEach(async () => {
  await orch?.stop();
  orch = undefined;
});

/** An orchestrator whose four warm runners are fake runner processes, one per mode. */
async function start(stallSeconds: number, log: Logger, jobTimeout = 30, jobMs = 2500) {
  process.env.FAKE_PNG = Buffer.from(png(8, 8)).toString("base64");
  process.env.FAKE_JOB_MS = String(jobMs);
  return startOrchestrator({
    models: MODES.map((mode) => ({ pipeline: "upscale", model_id: `fake/${mode}`, warm: true })),
    modelsDir: models.dir,
    runnerCommand: [process.execPath, FAKE],
    runnersPerGpu: MODES.length,
    runnerStallTimeout: stallSeconds,
    jobTimeout,
    log,
  });
}

const upscale = (mode: string) =>
  fetch(`${orch!.url}/upscale`, {
    method: "POST",
    headers: { "x-request-id": `job-${mode}-${Math.random()}` },
    body: upscaleForm(`fake/${mode}`),
  });
const runnerOf = (mode: string) => orch!.pool.runners.find((r) => r.entry.modelId === `fake/${mode}`)!;

describe("runner-stall-timeout", () => {
  it("cuts a job whose runner stopped reporting progress, restarts the runner, and counts it", async () => {
    const log = recordingLogger();
    orch = await start(1, log);
    const runner = runnerOf("stall");
    const pid = Number(runner.id);
    const started = performance.now();
    const res = await upscale("stall");
    const ms = performance.now() - started;
    expect(res.status).toBe(500);
    expect((await res.json()).detail.msg).toBe(
      'the runner of upscale model "fake/stall" stalled: no progress for 1 s (runner-stall-timeout) after tiles step 3 of 10; the job was stopped and the runner is being restarted',
    );
    // Three steps 100 ms apart, then 1 s of silence: far from job-timeout's 30 s.
    expect(ms).toBeGreaterThan(1000);
    expect(ms).toBeLessThan(5000);
    await eventually(() => !alive(pid) || undefined, 10_000, "the stalled runner process gone");
    await eventually(
      () => (runner.state === "ready" && Number(runner.id) !== pid) || undefined,
      20_000,
      "a new runner process",
    );
    expect(log.lines.find((l) => l.msg === "runner stalled")).toMatchObject({
      runner: runner.name,
      silent_ms: 1000,
      last_step: "tiles 3/10",
    });
    const metrics = await (await fetch(`${orch.url}/metrics`)).text();
    expect(metrics).toContain('avs_orchestrator_runner_stalls_total{pipeline="upscale",model_id="fake/stall"} 1');
  }, 60_000);

  it("does not cut runners that report no progress, or keep reporting it, though their jobs outlast it", async () => {
    const log = recordingLogger();
    orch = await start(1, log);
    const answers = await Promise.all(["steady", "silent", "no-progress"].map((m) => upscale(m)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    for (const r of answers) expect((await r.json()).images).toHaveLength(1);
    expect(log.lines.filter((l) => l.msg === "runner stalled")).toEqual([]);
    expect(log.lines.filter((l) => l.msg === "restarting runner")).toEqual([]);
  }, 60_000);

  it("follows no progress for a job shorter than WATCH_AFTER_MS: a short job costs no second request", async () => {
    orch = await start(120, recordingLogger(), 30, 300);
    const progressRequests = async () =>
      Number(await (await fetch(`${runnerOf("steady").client!.baseUrl}/progress-requests`)).text());
    expect(await progressRequests()).toBe(0);
    for (let i = 0; i < 3; i++) expect((await upscale("steady")).status).toBe(200);
    expect(await progressRequests()).toBe(0);
    // A job that outlasts it is followed.
    await orch.stop();
    orch = await start(120, recordingLogger(), 30, WATCH_AFTER_MS + 1000);
    expect((await upscale("steady")).status).toBe(200);
    expect(await progressRequests()).toBe(1);
  }, 60_000);

  it("is off at 0: the stalled job runs to job-timeout", async () => {
    orch = await start(0, recordingLogger(), 3);
    const res = await upscale("stall");
    expect(res.status).toBe(500);
    expect((await res.json()).detail.msg).toMatch(/^the job did not finish within job-timeout \(3 s\)/);
  }, 60_000);
});

/**
 * @module What a job leaves in `/metrics` and the log, through a runner-like server (an external runner entry):
 * a client that hangs up mid-job is recorded as 499 ("client closed request") at `info`, not as a 500 server error;
 * a `model_id` the orchestrator does not serve is counted under the one label value `unknown`, so made-up model ids
 * add no series.
 */
import type http from "node:http";
import type { LogFields, Logger } from "@ai-video-subnet/server-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Orchestrator } from "../src/orchestrator.js";
import { eventually, fakeRunner, modelsDir, png, startOrchestrator, TINY } from "./helpers.js";

describe("job metrics and log", () => {
  const models = modelsDir();
  let runner: http.Server;
  let orch: Orchestrator & { url: string };
  const lines: Array<{ level: string; msg: string; fields?: LogFields }> = [];
  const log: Logger = {
    info: (msg, fields) => lines.push({ level: "info", msg, fields }),
    warn: (msg, fields) => lines.push({ level: "warn", msg, fields }),
    error: (msg, fields) => lines.push({ level: "error", msg, fields }),
  };
  /** Job requests the runner holds, unanswered, until their caller goes away. */
  let held = 0;
  let cancelled = 0;

  beforeAll(async () => {
    let url: string;
    ({ server: runner, url } = await fakeRunner((req, res) => {
      req.resume();
      held++;
      res.on("close", () => {
        if (!res.writableEnded) cancelled++;
      });
    }));
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, url, token: "ext", capacity: 2 }],
      modelsDir: models.dir,
      log,
    });
  }, 60_000);

  afterAll(async () => {
    runner?.closeAllConnections();
    await orch?.stop();
    runner?.close();
    models.cleanup();
  });

  function form(modelId: string): FormData {
    const f = new FormData();
    f.set("model_id", modelId);
    f.set("prompt", "");
    f.set("image", new Blob([new Uint8Array(png(8, 8))], { type: "image/png" }), "in.png");
    return f;
  }

  const metrics = async () => (await fetch(`${orch.url}/metrics`)).text();

  it("records a client that hangs up mid-job as 499 at info, not as a server error", async () => {
    const before = held;
    const caller = new AbortController();
    const answered = fetch(`${orch.url}/upscale`, { method: "POST", body: form(TINY), signal: caller.signal });
    await eventually(() => held === before + 1, 10_000, "the job at the runner");
    caller.abort();
    await expect(answered).rejects.toThrow();
    // The runner call is cancelled with it.
    await eventually(() => cancelled === 1, 10_000, "the runner call cancelled");
    const done = await eventually(() => lines.find((l) => l.msg === "job done"), 10_000, "job done logged");
    expect(done).toMatchObject({ level: "info", fields: { status: 499, model_id: TINY } });
    expect(lines.filter((l) => l.level !== "info")).toEqual([]);
    const text = await metrics();
    expect(text).toContain(`avs_orchestrator_jobs_total{pipeline="upscale",model_id="${TINY}",status="499"} 1`);
    expect(text).not.toMatch(/avs_orchestrator_jobs_total\{[^}]*status="5\d\d"\}/);
  }, 30_000);

  it('counts model ids it does not serve under model_id="unknown": made-up ids add no series', async () => {
    const series = (text: string) => text.split("\n").filter((l) => /^avs_orchestrator_job/.test(l)).length;
    const first = await fetch(`${orch.url}/upscale`, { method: "POST", body: form("bogus/m1") });
    expect(first.status).toBe(400);
    const after1 = await metrics();
    for (let i = 2; i <= 5; i++) {
      const res = await fetch(`${orch.url}/upscale`, { method: "POST", body: form(`bogus/m${i}`) });
      expect(res.status).toBe(400);
    }
    const after5 = await metrics();
    expect(series(after5)).toBe(series(after1));
    expect(after5).not.toContain("bogus");
    expect(after5).toContain('avs_orchestrator_jobs_total{pipeline="upscale",model_id="unknown",status="400"} 5');
    expect(after5).toContain('avs_orchestrator_job_seconds_count{pipeline="upscale",model_id="unknown"} 5');
  }, 30_000);
});

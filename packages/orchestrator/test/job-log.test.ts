/**
 * @module The `job done` line comes after the job's answer: a real `avs-runner` (external) behind an orchestrator
 * started in this process with a logger that keeps its lines; the job is sent through `app.request()`, which
 * resolves with the answer in the microtasks in which a server would write it.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LogFields, Logger } from "@ai-video-subnet/server-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Orchestrator } from "../src/orchestrator.js";
import { modelsDir, png, startExternalRunner, startOrchestrator, TINY, upscaleForm } from "./helpers.js";

describe("the job done line", () => {
  const models = modelsDir();
  const uploads = mkdtempSync(join(tmpdir(), "avs-orch-job-log-"));
  const lines: Array<{ msg: string } & LogFields> = [];
  const keep = (msg: string, fields?: LogFields) => void lines.push({ msg, ...fields });
  const log: Logger = { debug: keep, info: keep, warn: keep, error: keep };
  let runner: ChildProcess;
  let orch: Orchestrator & { url: string };

  beforeAll(async () => {
    const started = await startExternalRunner(models.dir, "ext");
    runner = started.child;
    orch = await startOrchestrator({
      models: [
        { pipeline: "upscale", model_id: TINY, url: `http://127.0.0.1:${started.port}`, token: "ext", capacity: 2 },
      ],
      modelsDir: models.dir,
      uploadsDir: uploads,
      log,
    });
  }, 60_000);

  afterAll(async () => {
    await orch?.stop();
    runner?.kill("SIGKILL");
    models.cleanup();
    rmSync(uploads, { recursive: true, force: true });
  });

  it("is written after the answer is handed over, in the same loop turn", async () => {
    const done = () => lines.find((l) => l.msg === "job done" && l.request_id === "late-line");
    const res = await orch.app.request("/upscale", {
      method: "POST",
      headers: { "x-request-id": "late-line" },
      body: upscaleForm(TINY, png(8, 8)),
    });
    expect(res.status).toBe(200);
    // Not yet: a synchronous write to the log's pipe before the answer would be part of the job's latency.
    expect(done()).toBeUndefined();
    await new Promise((r) => setImmediate(r));
    expect(done()).toMatchObject({ status: 200, pipeline: "upscale", model_id: TINY });
  });
});

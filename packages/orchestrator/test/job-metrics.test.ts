/**
 * @module What a job leaves in `/metrics` and the log, through a runner-like server (an external runner entry):
 * a client that hangs up mid-job is recorded as 499 ("client closed request") at `info`, not as a 500 server error,
 * while a job the orchestrator cuts itself when its stop's grace runs out is a 503 (it stopped), not a 499;
 * a `model_id` the orchestrator does not serve is counted under the one label value `unknown`, so made-up model ids
 * add no series; a request refused before its handler ran (token, size, type, validation) is counted in
 * `avs_orchestrator_requests_refused_total` and logged as `request refused`, not as a job.
 */
import type http from "node:http";
import type { LogFields, Logger } from "@ai-video-subnet/server-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Orchestrator } from "../src/orchestrator.js";
import { eventually, fakeRunner, modelsDir, png, startOrchestrator, TINY } from "./helpers.js";

type LogLine = { level: string; msg: string; fields?: LogFields };

/**
 * An orchestrator (started before the describe's tests, stopped after them) serving the tiny upscaler through a
 * runner-like server that handles each job with `onJob`; its log lines are kept in `lines`.
 */
function orchestratorOverFakeRunner(
  onJob: http.RequestListener,
  options: Partial<Parameters<typeof startOrchestrator>[0]> = {},
): { lines: LogLine[]; url: () => string; stop: () => Promise<void> } {
  const models = modelsDir();
  let runner: http.Server;
  let orch: Orchestrator & { url: string };
  const lines: LogLine[] = [];
  const log: Logger = {
    info: (msg, fields) => lines.push({ level: "info", msg, fields }),
    warn: (msg, fields) => lines.push({ level: "warn", msg, fields }),
    error: (msg, fields) => lines.push({ level: "error", msg, fields }),
  };
  beforeAll(async () => {
    let url: string;
    ({ server: runner, url } = await fakeRunner(onJob));
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, url, token: "ext", capacity: 2 }],
      modelsDir: models.dir,
      log,
      ...options,
    });
  }, 60_000);
  afterAll(async () => {
    runner?.closeAllConnections();
    await orch?.stop();
    runner?.close();
    models.cleanup();
  });
  return { lines, url: () => orch.url, stop: () => orch.stop() };
}

describe("job metrics and log", () => {
  /** Job requests the runner holds, unanswered, until their caller goes away. */
  let held = 0;
  let cancelled = 0;
  const orch = orchestratorOverFakeRunner((req, res) => {
    req.resume();
    held++;
    res.on("close", () => {
      if (!res.writableEnded) cancelled++;
    });
  });
  const { lines } = orch;

  function form(modelId: string): FormData {
    const f = new FormData();
    f.set("model_id", modelId);
    f.set("prompt", "");
    f.set("image", new Blob([new Uint8Array(png(8, 8))], { type: "image/png" }), "in.png");
    return f;
  }

  const metrics = async () => (await fetch(`${orch.url()}/metrics`)).text();

  it("records a client that hangs up mid-job as 499 at info, not as a server error", async () => {
    const before = held;
    const caller = new AbortController();
    const answered = fetch(`${orch.url()}/upscale`, { method: "POST", body: form(TINY), signal: caller.signal });
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
    const first = await fetch(`${orch.url()}/upscale`, { method: "POST", body: form("bogus/m1") });
    expect(first.status).toBe(400);
    const after1 = await metrics();
    for (let i = 2; i <= 5; i++) {
      const res = await fetch(`${orch.url()}/upscale`, { method: "POST", body: form(`bogus/m${i}`) });
      expect(res.status).toBe(400);
    }
    const after5 = await metrics();
    expect(series(after5)).toBe(series(after1));
    expect(after5).not.toContain("bogus");
    expect(after5).toContain('avs_orchestrator_jobs_total{pipeline="upscale",model_id="unknown",status="400"} 5');
    expect(after5).toContain('avs_orchestrator_job_seconds_count{pipeline="upscale",model_id="unknown"} 5');
  }, 30_000);
});

describe("jobs cut by a stop", () => {
  let held = 0;
  const orch = orchestratorOverFakeRunner(
    (req) => {
      req.resume();
      held++;
    },
    { shutdownGrace: 1 },
  );
  const { lines } = orch;
  const post = (requestId: string, signal?: AbortSignal) => {
    const body = new FormData();
    body.set("model_id", TINY);
    body.set("prompt", "");
    body.set("image", new Blob([new Uint8Array(png(8, 8))], { type: "image/png" }), "in.png");
    const headers = { "x-request-id": requestId };
    return fetch(`${orch.url()}/upscale`, { method: "POST", body, headers, ...(signal ? { signal } : {}) }).catch(
      (e: Error) => e,
    );
  };

  it("records a job still running when the grace runs out as 503, and a hang-up during the grace as 499", async () => {
    const caller = new AbortController();
    const leaving = post("leaves-in-grace", caller.signal);
    const staying = post("cut-by-stop");
    await eventually(() => held === 2, 10_000, "both jobs at the runner");
    const stopped = orch.stop();
    caller.abort();
    expect(await leaving).toBeInstanceOf(Error);
    expect(await staying).toBeInstanceOf(Error);
    await stopped;
    const status = (id: string) => lines.find((l) => l.msg === "job done" && l.fields?.request_id === id);
    expect(status("leaves-in-grace")).toMatchObject({ level: "info", fields: { status: 499 } });
    expect(status("cut-by-stop")).toMatchObject({ level: "warn", fields: { status: 503 } });
  }, 30_000);
});

describe("requests refused before their handler", () => {
  const orch = orchestratorOverFakeRunner(
    (req, res) => {
      req.resume();
      res.writeHead(500).end();
    },
    { secret: "s3cret", maxUploadBytes: 64 * 1024 },
  );
  const { lines } = orch;

  const auth = { authorization: "Bearer s3cret" };
  const post = (body: BodyInit, headers: Record<string, string> = auth) =>
    fetch(`${orch.url()}/upscale`, { method: "POST", body, headers: { "x-request-id": "refused-1", ...headers } });
  function form(fields: Record<string, string>, imageBytes = 1024): FormData {
    const f = new FormData();
    f.set("prompt", "");
    for (const [k, v] of Object.entries(fields)) f.set(k, v);
    f.set("image", new Blob([new Uint8Array(imageBytes)], { type: "image/png" }), "in.png");
    return f;
  }

  it("counts and logs each by route and status, and does not count them as jobs", async () => {
    const statuses = [
      (await post(form({ model_id: TINY }), {})).status,
      (await post(JSON.stringify({ model_id: TINY }), { ...auth, "content-type": "application/json" })).status,
      (await post(form({ model_id: TINY }, 200 * 1024))).status,
      (await post(form({ model_id: TINY, seed: "x" }))).status,
      // Passes the validator: the handler answers it (an unserved model) and counts it as a job.
      (await post(form({ model_id: "bogus/model" }))).status,
    ];
    expect(statuses).toEqual([401, 415, 413, 422, 400]);
    const text = await (await fetch(`${orch.url()}/metrics`)).text();
    for (const status of [401, 415, 413, 422]) {
      expect(text).toContain(`avs_orchestrator_requests_refused_total{route="/upscale",status="${status}"} 1`);
    }
    expect(text).not.toMatch(/avs_orchestrator_requests_refused_total\{[^}]*status="400"\}/);
    expect(text).toContain('avs_orchestrator_jobs_total{pipeline="upscale",model_id="unknown",status="400"} 1');
    expect(text).not.toMatch(/avs_orchestrator_jobs_total\{[^}]*status="4(01|13|15|22)"\}/);
    const refused = lines.filter((l) => l.msg === "request refused");
    expect(refused.map((l) => l.fields?.status)).toEqual([401, 415, 413, 422]);
    expect(refused.every((l) => l.level === "info" && l.fields?.request_id === "refused-1")).toBe(true);
    expect(refused[3]?.fields).toMatchObject({
      method: "POST",
      route: "/upscale",
      error: expect.stringContaining("seed"),
    });
    expect(lines.filter((l) => l.msg === "job done").map((l) => l.fields?.status)).toEqual([400]);
  }, 30_000);
});

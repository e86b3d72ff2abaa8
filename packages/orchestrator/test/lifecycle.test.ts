/**
 * @module Runner lifecycle through real `avs-runner` processes: cold start on demand, eviction of an idle cold
 * runner for another model, capacity 503s under concurrent load, watchdog restart after `kill -9`, and a runner
 * dying mid-job (its job retried on another runner, whose progress the relay follows).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { followProgress, type ProgressEvent } from "@ai-video-subnet/runner-client";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { alive, eventually, modelsDir, png, startOrchestrator, TINY, upscaleForm } from "./helpers.js";

const SLIM = "upscalerjs/esrgan-slim-x2";
const models = modelsDir([TINY, SLIM]);
const FAKE = fileURLToPath(new URL("./fake-stalling-runner.mjs", import.meta.url));
const fakes = modelsDir([]);
for (const mode of ["steady", "silent"]) mkdirSync(join(fakes.dir, "fake", mode), { recursive: true });
afterAll(() => {
  models.cleanup();
  fakes.cleanup();
});

let orch: Awaited<ReturnType<typeof startOrchestrator>> | undefined;
afterEach(async () => {
  await orch?.stop();
  orch = undefined;
});

async function info() {
  return (await (await fetch(`${orch!.url}/info`)).json()) as {
    capabilities: Array<{ model_id: string; warm: boolean; in_use: number; capacity: number }>;
  };
}
const cap = async (model: string) => (await info()).capabilities.find((c) => c.model_id === model)!;
const upscale = (model: string, image?: Uint8Array, requestId?: string) =>
  fetch(`${orch!.url}/upscale`, {
    method: "POST",
    body: upscaleForm(model, image),
    ...(requestId ? { headers: { "x-request-id": requestId } } : {}),
  });
const runner = (model: string) => orch!.pool.runners.find((r) => r.entry.modelId === model)!;

describe("cold runners", () => {
  it("start on first demand and are evicted when the device is needed by another model", async () => {
    orch = await startOrchestrator({
      models: [
        { pipeline: "upscale", model_id: TINY, warm: false },
        { pipeline: "upscale", model_id: SLIM, warm: false },
      ],
      modelsDir: models.dir,
      runnersPerGpu: 1,
    });
    expect((await cap(TINY)).warm).toBe(false);
    expect(runner(TINY).id).toBeUndefined();

    const first = await upscale(TINY);
    expect(first.status).toBe(200);
    expect((await cap(TINY)).warm).toBe(true);
    const tinyPid = Number(runner(TINY).id);
    expect(alive(tinyPid)).toBe(true);

    // The ready TINY runner is idle and cold, so SLIM may evict it: /info offers SLIM's slot.
    expect((await cap(SLIM)).capacity).toBe(1);
    const second = await upscale(SLIM);
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ images: [{ nsfw: false }] });
    expect((await cap(SLIM)).warm).toBe(true);
    expect((await cap(TINY)).warm).toBe(false);
    await eventually(() => !alive(tinyPid), 10_000, "evicted runner gone");

    const again = await upscale(TINY);
    expect(again.status).toBe(200);
    expect((await cap(TINY)).warm).toBe(true);
    expect((await cap(SLIM)).warm).toBe(false);
  }, 90_000);

  it("refuse with 503, and offer no capacity in /info, while the only device runs another cold runner's job", async () => {
    // Fake runner processes (a real tiny model answers too fast to be caught mid-job): one job lasts 2.5 s.
    process.env.FAKE_PNG = Buffer.from(png(8, 8)).toString("base64");
    process.env.FAKE_JOB_MS = "2500";
    orch = await startOrchestrator({
      models: [
        { pipeline: "upscale", model_id: "fake/steady", warm: false },
        { pipeline: "upscale", model_id: "fake/silent", warm: false },
      ],
      modelsDir: fakes.dir,
      runnerCommand: [process.execPath, FAKE],
      runnersPerGpu: 1,
      retryAfter: 3,
    });
    expect((await cap("fake/silent")).capacity).toBe(1);
    const long = upscale("fake/steady");
    await eventually(() => runner("fake/steady").slots.inUse === 1 && runner("fake/steady").state === "ready");
    expect(await cap("fake/silent")).toMatchObject({ capacity: 0, in_use: 0 });
    const res = await upscale("fake/silent");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(await res.json()).toEqual({ detail: { msg: "insufficient capacity" } });
    expect((await long).status).toBe(200);
    // Idle now, the steady runner may be evicted for it: offered again.
    expect((await cap("fake/silent")).capacity).toBe(1);
  }, 60_000);
});

describe("capacity", () => {
  it("takes `capacity` jobs at once and answers the rest 503 + Retry-After, never queueing", async () => {
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, warm: true, capacity: 2 }],
      modelsDir: models.dir,
      retryAfter: 2,
    });
    const image = png(256, 256);
    let peak = 0;
    const watcher = setInterval(() => {
      peak = Math.max(peak, orch!.pool.capabilities()[0]!.in_use);
    }, 2);
    const results = await Promise.all(Array.from({ length: 8 }, () => upscale(TINY, image)));
    clearInterval(watcher);
    const statuses = results.map((r) => r.status).sort();
    const ok = statuses.filter((s) => s === 200).length;
    const refused = results.filter((r) => r.status === 503);
    expect(ok + refused.length).toBe(8);
    expect(ok).toBeGreaterThanOrEqual(2);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(peak).toBeLessThanOrEqual(2);
    for (const r of refused) {
      expect(r.headers.get("retry-after")).toBe("2");
      expect(await r.json()).toEqual({ detail: { msg: "insufficient capacity" } });
    }
    expect((await cap(TINY)).in_use).toBe(0);
  }, 60_000);
});

describe("watchdog", () => {
  it("restarts a warm runner killed with SIGKILL, and jobs work again", async () => {
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, warm: true }],
      modelsDir: models.dir,
    });
    const pid = Number(runner(TINY).id);
    process.kill(pid, "SIGKILL");
    const newPid = await eventually(
      () => runner(TINY).state === "ready" && Number(runner(TINY).id) !== pid && Number(runner(TINY).id),
      30_000,
      "restarted runner",
    );
    expect(alive(pid)).toBe(false);
    expect(alive(newPid)).toBe(true);
    expect((await upscale(TINY)).status).toBe(200);
  }, 60_000);

  it("answers 500 in the error shape when the runner dies mid-job, then restarts it", async () => {
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, warm: true }],
      modelsDir: models.dir,
    });
    const pid = Number(runner(TINY).id);
    const pending = upscale(TINY, png(1024, 1024));
    await eventually(() => (orch!.pool.capabilities()[0]!.in_use === 1 ? true : undefined), 5000, "job running");
    await new Promise((r) => setTimeout(r, 150));
    process.kill(pid, "SIGKILL");
    const res = await pending;
    expect(res.status).toBe(500);
    expect((await res.json()).detail.msg).toBe(
      'the runner of upscale model "tiny/esrgan-x4" died during the job; it is being restarted',
    );
    await eventually(() => runner(TINY).state === "ready" && Number(runner(TINY).id) !== pid, 30_000, "restart");
    expect((await upscale(TINY)).status).toBe(200);
  }, 60_000);

  it("retries a job on another free runner of the same model when its runner dies mid-job", async () => {
    orch = await startOrchestrator({
      models: [
        { pipeline: "upscale", model_id: TINY, warm: true },
        { pipeline: "upscale", model_id: TINY, warm: true },
      ],
      modelsDir: models.dir,
      runnersPerGpu: 2,
    });
    expect((await cap(TINY)).capacity).toBe(2);
    // Followed from before the POST: the relay moves to the runner that takes the job over.
    const following = (async () => {
      const seen: ProgressEvent[] = [];
      for await (const e of followProgress(orch!.url, "retried")) seen.push(e);
      return seen;
    })();
    await eventually(() => orch!.progress.waiting("retried") === 1, 10_000, "the subscriber waiting");
    const pending = upscale(TINY, png(1024, 1024), "retried");
    const busy = await eventually(() => orch!.pool.runners.find((r) => r.slots.inUse === 1), 5000, "job running");
    const other = orch.pool.runners.find((r) => r !== busy)!;
    await new Promise((r) => setTimeout(r, 150));
    process.kill(Number(busy.id), "SIGKILL");
    const res = await pending;
    expect(res.status).toBe(200);
    expect(other.lastUsed).toBeGreaterThan(0);
    // The second runner's tiles to the last one (a stage's last step is always reported), ids running on, its end.
    const events = await following;
    const steps = events.filter((e) => e.type === "progress");
    expect(steps.at(-1)).toMatchObject({ stage: "tiles" });
    expect(steps.at(-1)!.step).toBe(steps.at(-1)!.total);
    expect(events.at(-1)).toMatchObject({ type: "end", status: 200 });
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
  }, 90_000);
});

/**
 * @module SIGHUP (a closed terminal or ssh session) stops `avs-broadcaster` as SIGTERM does: Node's default for it
 * is to exit at once, which dropped the requests in flight and left running asynchronous jobs to their leases.
 * A real process with the default SQLite job store.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type ApiJob, submitAsync } from "./support/async-jobs.js";
import { textToImage } from "./support/broadcaster.js";
import { type BroadcasterProcess, startBroadcasterProcess } from "./support/broadcaster-process.js";
import { type FakeOrchestrator, startFakeOrchestrator } from "./support/fake-orchestrator.js";

const dir = mkdtempSync(join(tmpdir(), "avs-sighup-"));
const started: Array<BroadcasterProcess | FakeOrchestrator> = [];
afterAll(async () => {
  for (const s of started) await ("kill" in s ? s.kill() : s.close());
  rmSync(dir, { recursive: true, force: true });
});

const JOB = { model_id: "quick", prompt: "a fox", width: 64, height: 64, num_inference_steps: 1 };

describe("SIGHUP", () => {
  it("finishes the request in flight, hands the running async job back, logs stopping and exits 0", async () => {
    const fake = await startFakeOrchestrator([
      { pipeline: "text-to-image", model_id: "quick" },
      { pipeline: "text-to-image", model_id: "slow" },
    ]);
    started.push(fake);
    fake.behaviourByModel.quick = { kind: "ok", delayMs: 1500 };
    fake.behaviourByModel.slow = { kind: "ok", delayMs: 60_000 };
    const a = await startBroadcasterProcess([
      ...["--orchestrator", fake.url, "--output-dir", join(dir, "out"), "--shutdown-grace", "3"],
      ...["--info-interval-ms", "200"],
    ]);
    started.push(a);
    await expect.poll(async () => (await fetch(`${a.url}/ready`)).status, { timeout: 10_000 }).toBe(200);
    const submitted = await submitAsync(a.url, { ...JOB, model_id: "slow" });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as ApiJob;
    const inFlight = textToImage(a.url, JOB);
    await expect.poll(() => fake.inFlight, { timeout: 10_000 }).toBe(2);
    const exited = new Promise<[number | null, string | null]>((r) => a.child.once("exit", (c, s) => r([c, s])));
    a.child.kill("SIGHUP");
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { images: unknown[] }).images).toHaveLength(1);
    expect(await exited).toEqual([0, null]);
    expect(a.logs.find((l) => l.msg === "stopping")).toMatchObject({ signal: "SIGHUP" });
    const handedBack = a.logs.filter((l) => l.msg === "handed back to the queue: the shutdown grace ran out");
    expect(handedBack.map((l) => l.job_id)).toEqual([id]);
  }, 60_000);
});

/**
 * @module An orchestrator that sends a job answer's headers and then nothing: the attempt fails after
 * `answer-idle-timeout-ms` of silence (not the whole `request-timeout-ms`), the job is served elsewhere, and the
 * orchestrator is held back three levels up at once, so one that keeps hanging soon waits out the maximum hold. The
 * hanging orchestrator is a FAKE (a node:http server); the healthy one is the usual fake.
 */
import { describe, expect, it } from "vitest";
import { Backoff } from "../src/orchestrators/backoff.js";
import { startBareOrchestrator, wellFormed } from "./support/bare-orchestrator.js";
import { closedAfterEach, startBroadcaster, T2I_JOB, T2I_MODEL, textToImage } from "./support/broadcaster.js";
import { startFakeOrchestrator } from "./support/fake-orchestrator.js";

const MODEL = T2I_MODEL;
const JOB = T2I_JOB;

const open = closedAfterEach();

/** A FAKE orchestrator whose `/info` is fine and whose job answers stop after their headers. */
async function hanging() {
  const o = await startBareOrchestrator([wellFormed(MODEL)], (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.flushHeaders();
  });
  open.push(o);
  return o;
}

describe("an answer that stops after its headers", () => {
  it("fails the attempt after answer-idle-timeout-ms, serves the job elsewhere, and holds back longer", async () => {
    const hang = await hanging();
    const good = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: MODEL, warm: false }]);
    open.push(good);
    const t = await startBroadcaster({
      orchestrators: [hang.url, good.url],
      answerIdleTimeoutMs: 300,
      requestTimeoutMs: 8000,
      backoffBaseMs: 200,
    });
    open.unshift(t);
    const started = Date.now();
    const res = await textToImage(t.url, JOB);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    expect([hang.state.jobs, good.jobs.length]).toEqual([1, 1]);
    const line = t.logs.find((l) => l.msg === "attempt failed; orchestrator held back" && l.orchestrator === hang.url);
    expect(line).toMatchObject({
      reason: "answer stalled: nothing received for 300 ms",
      held: "orchestrator",
      hold_ms: 800,
    });
  });

  it("escalates: each hang raises the hold three levels, up to the maximum", () => {
    const b = new Backoff(1000, 120_000);
    expect([b.stalled(0).ms, b.stalled(0).ms, b.stalled(0).ms]).toEqual([4000, 32_000, 120_000]);
    const plain = new Backoff(1000, 120_000);
    expect([plain.fail(0).ms, plain.fail(0).ms]).toEqual([1000, 2000]);
  });
});

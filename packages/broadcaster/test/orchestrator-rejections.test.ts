/**
 * @module An orchestrator's 4xx that is about the orchestrator, not the request, against FAKE orchestrators (real
 * HTTP servers on 127.0.0.1): a model it no longer serves (its `/info` is stale: read again at once), a smaller
 * upload limit (413), a 422 on a body this gateway validated against the same spec, or a 400 another orchestrator
 * does not give. The job goes to another orchestrator, and this pipeline and model are held back on the first. A
 * request at fault costs at most two attempts, and with no other orchestrator to ask gets the first answer. The first orchestrator is warm and the second cold, so the first is
 * tried first.
 */
import { describe, expect, it } from "vitest";
import { closedAfterEach, startBroadcaster, T2I_JOB, T2I_MODEL, textToImage } from "./support/broadcaster.js";
import { type FakeOrchestrator, startFakeOrchestrator } from "./support/fake-orchestrator.js";

const MODEL = T2I_MODEL;
const JOB = T2I_JOB;

const open = closedAfterEach();

async function setup(count = 2) {
  const fakes: FakeOrchestrator[] = [];
  for (let i = 0; i < count; i++) {
    fakes.push(await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: MODEL, warm: i === 0 }]));
  }
  open.push(...fakes);
  // Slow /info rounds, so a poll seen after the job is the one the stale answer asked for.
  const t = await startBroadcaster({ orchestrators: fakes.map((f) => f.url), infoIntervalMs: 60_000 });
  open.unshift(t);
  return { fakes, t };
}

const heldThere = (t: Awaited<ReturnType<typeof setup>>["t"], o: FakeOrchestrator) =>
  t.b.registry
    .list()
    .find((x) => x.url === o.url)!
    .heldUntil("text-to-image", MODEL) > Date.now();

describe("an orchestrator's 4xx about itself", () => {
  it.each([
    ["a model it no longer serves", 400, `model_id "${MODEL}" is not served for text-to-image here; served: other`],
    ["a smaller upload limit", 413, "request body is larger than the limit of 1000 bytes"],
    ["a 422 on a field this gateway validated", 422, "width must be a multiple of 64"],
    ["a 400 another orchestrator does not give", 400, "nope"],
  ])("is retried on another orchestrator after %s, holding the first back", async (_, status, msg) => {
    const { fakes, t } = await setup();
    const [a, b] = fakes as [FakeOrchestrator, FakeOrchestrator];
    a.behaviour = { kind: "status", status, msg };
    const polls = a.infoPolls;
    const res = await textToImage(t.url, JOB);
    expect(res.status, await res.clone().text()).toBe(200);
    expect([a.jobs.length, b.jobs.length]).toEqual([1, 1]);
    expect(heldThere(t, a)).toBe(true);
    expect(heldThere(t, b)).toBe(false);
    if (msg.includes("is not served")) await expect.poll(() => a.infoPolls).toBeGreaterThan(polls);
  });

  // A 413 is also a runner's pixel or frame budget: with one orchestrator it was retried until the budget was spent
  // and answered 503 (the devnet's video tests caught it).
  it.each([
    [400, "Height and width must be divisible by 8"],
    [413, "the video has 100000 frames; this runner upscales at most 14400"],
    [422, "width must be a multiple of 64"],
  ])("passes a %s to the client when no other orchestrator is there to ask, after one attempt", async (status, msg) => {
    const { fakes, t } = await setup(1);
    fakes[0]!.behaviour = { kind: "status", status, msg };
    const res = await textToImage(t.url, JOB);
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ detail: { msg } });
    expect(fakes[0]!.jobs).toHaveLength(1);
    expect(heldThere(t, fakes[0]!)).toBe(false);
  });
});

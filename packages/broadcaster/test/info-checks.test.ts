/**
 * @module An orchestrator's `/info` checked item by item on receipt: a malformed capability (no price, a `null` item,
 * a capacity that is not a number, a negative price) is dropped and logged once, the well-formed ones are kept, and
 * jobs go to a healthy orchestrator instead of failing with 500 (or waiting out the retry budget). The hostile
 * orchestrator is a FAKE (a node:http server answering a scripted `/info`); the healthy one is the usual fake.
 */
import { describe, expect, it } from "vitest";
import { checkInfo } from "../src/orchestrators/info-check.js";
import { startBareOrchestrator, wellFormed } from "./support/bare-orchestrator.js";
import { closedAfterEach, startBroadcaster, T2I_JOB, T2I_MODEL, textToImage } from "./support/broadcaster.js";
import { startFakeOrchestrator } from "./support/fake-orchestrator.js";

const MODEL = T2I_MODEL;
const JOB = T2I_JOB;
const GOOD = wellFormed(MODEL);

const open = closedAfterEach();

/** A FAKE orchestrator whose `/info` lists `capabilities` as given (warm, so it would be tried first); jobs: 500. */
async function hostile(capabilities: unknown[]) {
  const o = await startBareOrchestrator(capabilities, (_req, res) => {
    res.statusCode = 500;
    res.end('{"detail":{"msg":"should not have been sent a job"}}');
  });
  open.push(o);
  return o;
}

async function setup(capabilities: unknown[], options: Parameters<typeof startBroadcaster>[0] = {}) {
  const bad = await hostile(capabilities);
  const good = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: MODEL, warm: false }]);
  open.push(good);
  const t = await startBroadcaster({ orchestrators: [bad.url, good.url], retryBudgetMs: 3000, ...options });
  open.unshift(t);
  return { bad, good, t };
}

describe("an orchestrator's /info, checked on receipt", () => {
  const cases: Array<[string, unknown]> = [
    ["a null price", { ...GOOD, price: null }],
    ["no price", { ...GOOD, price: undefined }],
    ["a negative price", { ...GOOD, price: { price_per_unit: -5, pixels_per_unit: 1 } }],
    ["a capacity that is text", { ...GOOD, capacity: "lots" }],
  ];
  for (const [what, capability] of cases) {
    it(`with a price cap, a capability with ${what} is dropped and the healthy orchestrator serves`, async () => {
      const { bad, good, t } = await setup([capability], { maxPricePerUnit: 5 });
      for (let i = 0; i < 3; i++) {
        const res = await textToImage(t.url, JOB);
        expect(res.status, await res.clone().text()).toBe(200);
      }
      expect([bad.state.jobs, good.jobs.length]).toEqual([0, 3]);
      const warned = t.logs.filter((l) => l.msg === "orchestrator /info has malformed capabilities; they are ignored");
      expect(warned).toHaveLength(1);
      expect(warned[0]!.orchestrator).toBe(bad.url);
    });
  }

  it("drops a null item but keeps the well-formed capabilities beside it", async () => {
    const other = { ...GOOD, model_id: "other" };
    const { bad, t } = await setup([null, other]);
    const o = t.b.registry.list().find((x) => x.url === bad.url)!;
    expect(o.reachable).toBe(true);
    expect(o.info!.capabilities).toEqual([other]);
    const res = await textToImage(t.url, JOB);
    expect(res.status).toBe(200);
    expect(bad.state.jobs).toBe(0);
  });

  it("names what was wrong with each dropped item", () => {
    const { info, dropped } = checkInfo({
      capabilities: [GOOD, null, { ...GOOD, price: null }, { ...GOOD, in_use: -1 }, { ...GOOD, warm: "yes" }],
    });
    expect(info.capabilities).toEqual([GOOD]);
    expect(dropped).toEqual([
      "capability 1: not an object",
      `capability 2 ("text-to-image/${MODEL}"): price is null, not {price_per_unit, pixels_per_unit}`,
      `capability 3 ("text-to-image/${MODEL}"): in_use is -1, not a whole number ≥ 0`,
      `capability 4 ("text-to-image/${MODEL}"): warm is "yes", not a boolean`,
    ]);
    expect(() => checkInfo({ capabilities: "all" })).toThrow("/info has no capabilities array");
  });
});

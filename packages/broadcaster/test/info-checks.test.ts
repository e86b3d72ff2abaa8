/**
 * @module An orchestrator's `/info` checked item by item on receipt: a malformed capability (no price, a `null` item,
 * a capacity that is not a number, a negative price) is dropped and logged once, the well-formed ones are kept, and
 * jobs go to a healthy orchestrator instead of failing with 500 (or waiting out the retry budget). The hostile
 * orchestrator is a FAKE (a node:http server answering a scripted `/info`); the healthy one is the usual fake.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { checkInfo } from "../src/orchestrators/info-check.js";
import { startBroadcaster, textToImage } from "./support/broadcaster.js";
import { startFakeOrchestrator } from "./support/fake-orchestrator.js";

const MODEL = "tiny/sd";
const JOB = { model_id: MODEL, prompt: "a lighthouse", width: 64, height: 64, num_inference_steps: 1 };
const GOOD = {
  pipeline: "text-to-image",
  model_id: MODEL,
  warm: true,
  capacity: 4,
  in_use: 0,
  price: { price_per_unit: 0, pixels_per_unit: 1 },
};

let open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.map((x) => x.close()));
  open = [];
});

/** A FAKE orchestrator whose `/info` lists `capabilities` as given (warm, so it would be tried first); jobs: 500. */
async function hostile(capabilities: unknown[]) {
  const state = { capabilities, jobs: 0 };
  const server = http.createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.method === "GET" && req.url === "/info") {
      res.end(JSON.stringify({ version: "hostile", hardware: [], capabilities: state.capabilities }));
      return;
    }
    state.jobs += 1;
    req.resume();
    res.statusCode = 500;
    res.end('{"detail":{"msg":"should not have been sent a job"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  open.push({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state };
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

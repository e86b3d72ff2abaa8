/** @module `select()` on orchestrator states built in memory: eligibility, tiers, scoring and the random spread. */
import { describe, expect, it } from "vitest";
import { Orchestrator, type OrchestratorInfo } from "../src/orchestrators/orchestrator.js";
import { EXPLORE, select } from "../src/orchestrators/selection.js";

const P = "upscale";
const M = "m";

function orch(name: string, cap: Partial<OrchestratorInfo["capabilities"][number]> = {}): Orchestrator {
  const o = new Orchestrator(`http://${name}`, undefined, { baseMs: 1000, maxMs: 60_000 });
  o.info = {
    version: "t",
    hardware: [],
    capabilities: [
      {
        pipeline: P,
        model_id: M,
        warm: true,
        capacity: 2,
        in_use: 0,
        price: { price_per_unit: 1, pixels_per_unit: 1 },
        ...cap,
      },
    ],
  };
  o.infoError = undefined;
  return o;
}

function measure(o: Orchestrator, msPerUnit: number, n = 3) {
  for (let i = 0; i < n; i++) o.stats(P, M).success(msPerUnit * 100, 100);
}

/** A deterministic sequence in [0, 1). */
function lcg(seed = 1) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

function tally(list: Orchestrator[], n: number, random = lcg()) {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const pick = select(list, { pipeline: P, modelId: M, now: 0, random });
    const url = pick.orchestrator?.url ?? "none";
    counts.set(url, (counts.get(url) ?? 0) + 1);
  }
  return counts;
}

describe("select", () => {
  it("spreads picks evenly across equal orchestrators", () => {
    const list = [orch("a"), orch("b"), orch("c")];
    for (const o of list) measure(o, 1);
    const counts = tally(list, 3000);
    for (const o of list) expect(counts.get(o.url)).toBeGreaterThan(850);
  });

  it("weights near-equals by speed and keeps a slow one only for exploration", () => {
    const [fast, almost, slow] = [orch("fast"), orch("almost"), orch("slow")];
    measure(fast, 1);
    measure(almost, 1.5);
    measure(slow, 5);
    const counts = tally([fast, almost, slow], 4000);
    expect(counts.get(fast.url)! / 4000).toBeCloseTo((1 - EXPLORE) * 0.6 + EXPLORE / 3, 1);
    expect(counts.get(almost.url)! / 4000).toBeCloseTo((1 - EXPLORE) * 0.4 + EXPLORE / 3, 1);
    expect(counts.get(slow.url)! / 4000).toBeLessThan(EXPLORE);
    expect(counts.get(slow.url)).toBeGreaterThan(0);
  });

  it("ranks by success rate too", () => {
    const [ok, flaky] = [orch("ok"), orch("flaky")];
    measure(ok, 1);
    measure(flaky, 1);
    for (let i = 0; i < 6; i++) flaky.stats(P, M).failure();
    const counts = tally([ok, flaky], 1000);
    expect(counts.get(ok.url)).toBeGreaterThan(950);
  });

  it("tries an unmeasured orchestrator as if it were the best measured one", () => {
    const [known, fresh] = [orch("known"), orch("fresh")];
    measure(known, 1);
    const counts = tally([known, fresh], 2000);
    expect(counts.get(fresh.url)).toBeGreaterThan(800);
  });

  it("does not tie a fast orchestrator, one job in, to a slow measured one", () => {
    const [slow, fast] = [orch("slow"), orch("fast")];
    measure(slow, 70);
    fast.stats(P, M).success(1, 1);
    const counts = tally([slow, fast], 2000);
    // Scored at the slow one's average, it would get half; at its own first sample it gets all but exploration.
    expect(counts.get(fast.url)! / 2000).toBeGreaterThan(0.9);
  });

  it("sends a concurrent job to the idle one of two equal orchestrators", () => {
    const [busy, idle] = [orch("busy", { capacity: 4 }), orch("idle", { capacity: 4 })];
    measure(busy, 1);
    measure(idle, 1.5);
    busy.begin(P, M);
    busy.begin(P, M);
    // busy costs 1 × 3 jobs, idle 1.5 × 1: idle is the better pick despite its slower average.
    const counts = tally([busy, idle], 2000);
    expect(counts.get(idle.url)! / 2000).toBeGreaterThan(0.6);
  });

  it("does not rank an orchestrator by its cold first job", () => {
    const [steady, warmingUp] = [orch("steady"), orch("warming-up")];
    measure(steady, 1);
    warmingUp.stats(P, M).success(5000, 100); // first inference: 50× slower (runner warm-up, TCP set-up)
    warmingUp.stats(P, M).success(100, 100);
    warmingUp.stats(P, M).success(100, 100);
    expect(warmingUp.stats(P, M).msPerUnit).toBe(1);
    const counts = tally([steady, warmingUp], 2000);
    expect(counts.get(warmingUp.url)! / 2000).toBeGreaterThan(0.4);
  });

  it("prefers warm with free slots, then cold with free slots, and picks none that is full", () => {
    const full = orch("full", { capacity: 1, in_use: 1 });
    const cold = orch("cold", { warm: false });
    const warm = orch("warm");
    expect(select([full, cold, warm], { pipeline: P, modelId: M, now: 0 })).toMatchObject({
      orchestrator: warm,
      tier: 0,
    });
    expect(select([full, cold], { pipeline: P, modelId: M, now: 0 })).toMatchObject({ orchestrator: cold, tier: 1 });
    // A full one gets no job (it would only answer busy): the job waits, reading its /info again meanwhile.
    expect(select([full], { pipeline: P, modelId: M, now: 0 })).toMatchObject({
      orchestrator: undefined,
      reason: "every eligible orchestrator is at capacity",
      full: [full],
    });
    expect(select([full], { pipeline: P, modelId: M, now: 0 })).not.toHaveProperty("waitMs");
    // Its own jobs in flight count even before the next /info says so.
    const end = warm.begin(P, M);
    warm.begin(P, M);
    expect(select([cold, warm], { pipeline: P, modelId: M, now: 0 }).orchestrator).toBe(cold);
    end();
    expect(select([cold, warm], { pipeline: P, modelId: M, now: 0 }).orchestrator).toBe(warm);
  });

  it("counts a slot one of its own jobs frees as free at once, not at the next /info", () => {
    const o = orch("o", { capacity: 2 });
    const ends = [o.begin(P, M), o.begin(P, M)];
    // Polled while both run: in_use 2 are its own two jobs.
    o.info = { ...o.info!, capabilities: [{ ...o.info!.capabilities[0]!, in_use: 2 }] };
    expect(o.free(o.capability(P, M)!)).toBe(0);
    ends[0]!();
    expect(o.free(o.capability(P, M)!)).toBe(1);
    expect(select([o], { pipeline: P, modelId: M, now: 0 }).orchestrator).toBe(o);
  });

  it("takes a busy answer as every slot but its own taken, until the next /info", () => {
    const o = orch("o", { capacity: 3 });
    const end = o.begin(P, M);
    o.refused(P, M);
    expect(o.free(o.capability(P, M)!)).toBe(0);
    end();
    expect(o.free(o.capability(P, M)!)).toBe(1);
    o.info = { ...o.info!, capabilities: [{ ...o.info!.capabilities[0]!, in_use: 1 }] };
    expect(o.free(o.capability(P, M)!)).toBe(2);
  });

  it("says why there is no orchestrator, and when one is free again", () => {
    const a = orch("a", { price: { price_per_unit: 10, pixels_per_unit: 2 } });
    const sel = (list: Orchestrator[], extra = {}) => select(list, { pipeline: P, modelId: M, now: 1000, ...extra });
    expect(sel([])).toMatchObject({ reason: "no orchestrators are configured" });
    // A model no orchestrator that answered offers is a client's mistake: the result names what is offered.
    const b = orch("b", { model_id: "m2" });
    expect(select([a, b], { pipeline: P, modelId: "other", now: 0 })).toMatchObject({
      offered: ["m", "m2"],
    });
    expect(select([a], { pipeline: "text-to-image", modelId: "m", now: 0 })).toMatchObject({ offered: [] });
    // One that never answered might offer it: not a client error yet.
    const silent = new Orchestrator("http://silent", undefined, { baseMs: 1000, maxMs: 60_000 });
    silent.infoError = "ECONNREFUSED";
    const unknown = select([silent], { pipeline: P, modelId: "other", now: 0 });
    expect(unknown).toMatchObject({ reason: "none of 1 orchestrator(s) is reachable" });
    expect(unknown).not.toHaveProperty("offered");
    expect(sel([a], { maxPricePerPixel: 4.9 })).toMatchObject({
      reason: "every orchestrator offering it is above the price cap",
    });
    expect(sel([a], { maxPricePerPixel: 5 }).orchestrator).toBe(a);
    expect(sel([a], { exclude: new Set([a.url]) })).toMatchObject({
      reason: "every eligible orchestrator failed for this job",
    });
    a.backoff.fail(1000);
    expect(sel([a])).toMatchObject({
      waitMs: 1000,
      reason: "every eligible orchestrator is held back (busy or failing)",
    });
    a.infoError = "ECONNREFUSED";
    expect(sel([a])).toMatchObject({ reason: "none of 1 orchestrator(s) is reachable" });
  });
  it("picks only orchestrators that also offer the chain's second capability (image-to-video with output_fps)", () => {
    const film = {
      pipeline: "frame-interpolation" as const,
      model_id: "tiny/film",
      warm: true,
      capacity: 1,
      in_use: 0,
    };
    const withFilm = orch("film");
    withFilm.info!.capabilities.push({ ...film, price: { price_per_unit: 1, pixels_per_unit: 1 } });
    const list = [orch("plain"), withFilm, orch("plain2")];
    for (let i = 0; i < 50; i++) {
      const any = select(list, { pipeline: P, modelId: M, alsoNeeds: { pipeline: "frame-interpolation" }, now: 0 });
      expect(any.orchestrator?.url).toBe("http://film");
    }
    const named = select(list, {
      pipeline: P,
      modelId: M,
      alsoNeeds: { pipeline: "frame-interpolation", modelId: "google/film" },
      now: 0,
    });
    expect(named.orchestrator).toBeUndefined();
    expect(named).toMatchObject({
      missing: `none of 3 orchestrator(s) offering ${P} with this model also offers frame-interpolation model "google/film"; they offer "tiny/film"`,
    });
    const none = select([orch("plain")], {
      pipeline: P,
      modelId: M,
      alsoNeeds: { pipeline: "frame-interpolation" },
      now: 0,
    });
    expect(none).toMatchObject({
      missing: `none of 1 orchestrator(s) offering ${P} with this model also offers a frame-interpolation model`,
    });
  });
});

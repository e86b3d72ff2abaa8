/**
 * @module Picking the orchestrator for one attempt of a job.
 *
 * 1. Eligible: reachable, not held back (the orchestrator, or this pipeline and model there), not already tried for this job, offers the pipeline + `model_id` (and the
 *    second capability a chained job needs, e.g. a frame-interpolation model for image-to-video with `output_fps`),
 *    and its price per pixel × step (`price_per_unit / pixels_per_unit`) is within the cap.
 * 2. Only those with a free slot by what this broadcaster knows (see `Orchestrator.free`): warm ones first, then
 *    cold ones. When none has a free slot, there is no pick: the result lists the full ones, whose `/info` the job
 *    reads again while it waits for a slot, rather than sending a job for a busy answer.
 * 3. Score = measured ms per pixel × step × (this broadcaster's jobs in flight there + 1) ÷ recent success rate
 *    (lower is better): the expected wait, as in least-loaded balancers with latency EWMAs, so concurrent jobs go
 *    to the idle one of two equal orchestrators instead of queueing behind each other. One not yet measured
 *    (fewer than `MIN_SAMPLES` successes) gets the best latency known in the tier, its own first samples included,
 *    so it is tried, neither judged by one cold first job nor held back to a slower one's pace by a fast one.
 * 4. Random among near-equals (score within {@link NEAR_EQUAL} of the best), weighted by best score ÷ own score,
 *    so equal orchestrators share the load and measurement noise only tilts the split. With probability
 *    {@link EXPLORE} any orchestrator of the tier is picked instead, so one that was slow once is measured again
 *    and none is starved for good.
 */
import type { Orchestrator } from "./orchestrator.js";

/** Scores within this factor of the best one are candidates for the pick. */
export const NEAR_EQUAL = 2;
/** Share of picks made uniformly across the tier, to keep measuring every orchestrator. */
export const EXPLORE = 0.05;

/** What a job needs from an orchestrator. */
export interface SelectionRequest {
  pipeline: string;
  modelId: string;
  /**
   * A second capability the orchestrator must also offer (any model when `modelId` is undefined): the
   * frame-interpolation stage of an image-to-video job with `output_fps`.
   */
  alsoNeeds?: { pipeline: string; modelId?: string | undefined };
  /** Largest accepted price per pixel × step; undefined = no cap. */
  maxPricePerPixel?: number;
  /** Orchestrators (by URL) already tried for this job. */
  exclude?: ReadonlySet<string>;
  now: number;
  /** Random number in [0, 1), injectable for tests. */
  random?: () => number;
}

/** The chosen orchestrator, or why there is none. */
export type SelectionResult =
  | { orchestrator: Orchestrator; tier: number; candidates: number }
  | {
      orchestrator: undefined;
      reason: string;
      retryAfterMs: number;
      /** Set when some eligible orchestrator is only held back: the first is free again after this many ms. */
      waitMs?: number;
      /**
       * Set when eligible orchestrators are not held back but have no free slot by what this broadcaster knows:
       * a slot may come free at any time (a job ends, here or elsewhere).
       */
      full?: Orchestrator[];
      /**
       * Set when no orchestrator that ever answered `/info` offers the pipeline + model (a mistyped `model_id`):
       * the models they do offer for the pipeline, sorted. A client error, not a reason to retry.
       */
      offered?: string[];
      /** Set when orchestrators offer the pipeline + model but none also offers `alsoNeeds`: a client error. */
      missing?: string;
      /**
       * Set when no reachable orchestrator offers the pipeline + model but some configured ones are unreachable now:
       * one of them may offer it once it answers `/info` again.
       */
      unreachable?: true;
      /** Set when every eligible orchestrator is in `exclude`: each has failed this job already. */
      allTried?: true;
    };

/** The models `o` offers for `pipeline`, as its last `/info` listed them. */
function modelsOf(o: Orchestrator, pipeline: string): string[] {
  return (o.info?.capabilities ?? []).filter((c) => c.pipeline === pipeline).map((c) => c.model_id);
}

/**
 * Picks an orchestrator for one attempt.
 * @example const pick = select(registry.list(), { pipeline: "upscale", modelId: "tiny/esrgan-x4", now: Date.now() });
 */
export function select(all: Orchestrator[], req: SelectionRequest): SelectionResult {
  const main = all.filter((o) => o.reachable && o.capability(req.pipeline, req.modelId));
  const offering = req.alsoNeeds ? main.filter((o) => offersAlso(o, req.alsoNeeds!)) : main;
  if (main.length > 0 && offering.length === 0) {
    const need = req.alsoNeeds!;
    const what =
      need.modelId === undefined
        ? `a ${need.pipeline} model`
        : `${need.pipeline} model ${JSON.stringify(need.modelId)}`;
    const theirs = [...new Set(main.flatMap((o) => modelsOf(o, need.pipeline)))].sort();
    const offered = theirs.length ? `; they offer ${theirs.map((m) => JSON.stringify(m)).join(", ")}` : "";
    const reason = `none of ${main.length} orchestrator(s) offering ${req.pipeline} with this model also offers ${what}${offered}`;
    return { ...none(reason, 5000), missing: reason };
  }
  if (offering.length === 0) {
    const known = all.filter((o) => o.info !== undefined);
    if (known.length > 0 && !known.some((o) => o.capability(req.pipeline, req.modelId))) {
      const offered = new Set(known.flatMap((o) => modelsOf(o, req.pipeline)));
      return { ...none(`no orchestrator offers ${req.pipeline} with this model`, 5000), offered: [...offered].sort() };
    }
    const reachable = all.filter((o) => o.reachable).length;
    const result = none(
      all.length === 0
        ? "no orchestrators are configured"
        : reachable === 0
          ? `none of ${all.length} orchestrator(s) is reachable`
          : `none of ${reachable} reachable orchestrator(s) offers this pipeline and model`,
      5000,
    );
    return reachable < all.length ? { ...result, unreachable: true } : result;
  }
  // `/info` is checked on receipt (info-check.ts): a price here is a number ≥ 0 per a number > 0 of pixels.
  const priced = offering.filter((o) => {
    if (req.maxPricePerPixel === undefined) return true;
    const p = o.capability(req.pipeline, req.modelId)?.price;
    return p !== undefined && p.price_per_unit / p.pixels_per_unit <= req.maxPricePerPixel;
  });
  if (priced.length === 0) return none(`every orchestrator offering it is above the price cap`, 30_000);
  const untried = priced.filter((o) => !req.exclude?.has(o.url));
  if (untried.length === 0) return { ...none("every eligible orchestrator failed for this job", 1000), allTried: true };
  const ready = untried.filter((o) => o.heldUntil(req.pipeline, req.modelId) <= req.now);
  const open = ready.filter((o) => o.free(o.capability(req.pipeline, req.modelId)!) > 0);
  if (open.length === 0) {
    const until = untried.map((o) => o.heldUntil(req.pipeline, req.modelId)).filter((t) => t > req.now);
    const soonest = until.length > 0 ? Math.min(...until) - req.now : undefined;
    if (ready.length === 0) {
      return { ...none("every eligible orchestrator is held back (busy or failing)", soonest!), waitMs: soonest };
    }
    const full = none("every eligible orchestrator is at capacity", soonest ?? 1000);
    return soonest === undefined ? { ...full, full: ready } : { ...full, full: ready, waitMs: soonest };
  }
  const tierOf = (o: Orchestrator) => (o.capability(req.pipeline, req.modelId)!.warm ? 0 : 1);
  const bestTier = Math.min(...open.map(tierOf));
  const tier = open.filter((o) => tierOf(o) === bestTier);
  // The best latency known in the tier, first samples of ones not yet measured included: at the best *measured* one
  // instead, an orchestrator whose first job was far faster than a slow measured one would be tied with it.
  const known = tier
    .map((o) => o.stats(req.pipeline, req.modelId).msPerUnit)
    .filter((ms): ms is number => ms !== undefined);
  const prior = known.length > 0 ? Math.min(...known) : 1;
  const score = (o: Orchestrator) => {
    const s = o.stats(req.pipeline, req.modelId);
    const load = o.inFlight(req.pipeline, req.modelId) + 1;
    return ((s.measured ? s.msPerUnit! : prior) * load) / Math.max(0.05, s.successRate);
  };
  const scored = tier.map((o) => ({ o, s: score(o) }));
  const best = Math.min(...scored.map((x) => x.s));
  const random = req.random ?? Math.random;
  const near = random() < EXPLORE ? scored : scored.filter((x) => x.s <= best * NEAR_EQUAL);
  const weights = near.map((x) => (x.s > 0 ? best / x.s : 1));
  let r = random() * weights.reduce((a, w) => a + w, 0);
  let pick = near[near.length - 1]!;
  for (let i = 0; i < near.length; i++) {
    r -= weights[i]!;
    if (r < 0) {
      pick = near[i]!;
      break;
    }
  }
  return { orchestrator: pick.o, tier: bestTier, candidates: near.length };
}

function offersAlso(o: Orchestrator, need: { pipeline: string; modelId?: string | undefined }): boolean {
  return (o.info?.capabilities ?? []).some(
    (c) => c.pipeline === need.pipeline && (need.modelId === undefined || c.model_id === need.modelId),
  );
}

function none(reason: string, retryAfterMs: number) {
  return { orchestrator: undefined, reason, retryAfterMs: Math.max(1000, retryAfterMs) };
}

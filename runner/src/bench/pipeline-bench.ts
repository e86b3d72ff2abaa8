/**
 * @module Pieces shared by the in-process pipeline benchmarks (Stable Diffusion, image-to-video): a tiny model
 * installed into a temporary folder when the models dir lacks it, V8's collector, timed requests against their summed
 * `session.run`, and the floor — one request's `session.run` calls recorded with their inputs and replayed back to
 * back.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { installModel } from "../models/install.js";
import { modelPath } from "../models/layout.js";
import type { RunObserver } from "../pipelines/stable-diffusion/vae.js";
import { percentile } from "./stats.js";
import { makeTempDir, removeTempDir } from "./temp-dirs.js";

/** V8's collector, for the benchmarks' memory rounds. */
export { collector } from "../internal/gc.js";

/**
 * The models dir holding `modelId` (whose folder has `marker`): `modelDir` itself, or a temporary one it was installed
 * into; `cleanup` removes the temporary one.
 *
 * @example
 * const models = await modelsFor("tiny/svd", "/models", "model_index.json");
 * try { … modelPath(models.dir, "tiny/svd") … } finally { await models.cleanup(); }
 */
export async function modelsFor(
  modelId: string,
  modelDir: string,
  marker: string,
): Promise<{ dir: string; cleanup(): Promise<void> }> {
  if (existsSync(join(modelPath(modelDir, modelId), marker))) return { dir: modelDir, cleanup: async () => {} };
  const temp = await makeTempDir("avs-bench-");
  try {
    await installModel(modelId, temp);
  } catch (err) {
    await removeTempDir(temp);
    throw err;
  }
  console.log(`(${modelId} is not in the models dir; installed it into ${temp} for this run)`);
  return { dir: temp, cleanup: () => removeTempDir(temp) };
}

/** One recorded `session.run`: the session, a copy of its feeds, the outputs asked for. */
export type RecordedCall = [ort.InferenceSession, Record<string, ort.Tensor>, string[] | undefined];

/**
 * A run observer that records every call with a copy of its feeds (pipelines refill their inputs in place).
 *
 * @example
 * const { calls, observe } = recorder();
 * await generate(components, job, observe);
 */
export function recorder(): { calls: RecordedCall[]; observe: RunObserver } {
  const calls: RecordedCall[] = [];
  const observe: RunObserver = (_, session, feeds, fetches) => {
    const copy: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds))
      copy[name] = new ort.Tensor(t.type as "float32", (t.data as Float32Array).slice(), t.dims);
    calls.push([session, copy, fetches && [...fetches]]);
  };
  return { calls, observe };
}

/**
 * Replays `calls` back to back `runs` times: each round's wall time and the time spent inside `session.run`.
 *
 * @example
 * const { wall, inside } = await replay(calls, 100);
 */
export async function replay(calls: RecordedCall[], runs: number): Promise<{ wall: number[]; inside: number[] }> {
  const wall: number[] = [];
  const inside: number[] = [];
  for (let i = 0; i < runs; i++) {
    let spent = 0;
    const t0 = performance.now();
    for (const [session, feeds, fetches] of calls) {
      const t = performance.now();
      await (fetches ? session.run(feeds, fetches) : session.run(feeds));
      spent += performance.now() - t;
    }
    wall.push(performance.now() - t0);
    inside.push(spent);
  }
  return { wall, inside };
}

/** Flags every pipeline benchmark takes (as `benchFlags` keys). */
export const COMMON_FLAGS = [
  "PIPELINE",
  "MODEL_ID",
  "MODEL_DIR",
  "STEPS",
  "RUNS",
  "WARMUP",
  "INTRA_OP_THREADS",
  "JSON",
];

/** Sum of numbers. */
export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** `v` rounded to `d` decimals. */
export const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;

/** Request times: each request's wall time and its summed `session.run`, and the warm-up's totals. */
export interface Timings {
  totals: number[];
  sessions: number[];
  /** Mean `session.run` time per component over the timed requests. */
  byComponent: Record<string, number>;
  warmup: { count: number; wall: number; sessions: number };
}

/**
 * Runs `warmup` requests, then `runs` timed ones; `request(i)` runs request i and returns its `sessionMs`.
 *
 * @example
 * const t = await timeRequests(50, 200, async (i) => (await generate(c, job(i))).result.sessionMs);
 */
export async function timeRequests(
  warmup: number,
  runs: number,
  request: (i: number) => Promise<Record<string, number>>,
): Promise<Timings> {
  const t: Timings = { totals: [], sessions: [], byComponent: {}, warmup: { count: warmup, wall: 0, sessions: 0 } };
  for (let i = 0; i < warmup; i++) {
    const t0 = performance.now();
    const ms = await request(i);
    t.warmup.wall += performance.now() - t0;
    t.warmup.sessions += sum(Object.values(ms));
  }
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const ms = await request(1000 + i);
    t.totals.push(performance.now() - t0);
    t.sessions.push(sum(Object.values(ms)));
    for (const [k, v] of Object.entries(ms)) t.byComponent[k] = (t.byComponent[k] ?? 0) + v / runs;
  }
  return t;
}

/**
 * Prints the time comparison (pipeline vs summed `session.run`, warm-up, floor) and returns its JSON fields;
 * `perRequest` adds to the overhead line (e.g. the time per step).
 *
 * @example
 * const fields = reportTimings(timings, calls.length, await replay(calls, runs));
 */
export function reportTimings(
  t: Timings,
  calls: number,
  floor: { wall: number[]; inside: number[] },
  perRequest: (outsideMs: number) => string = () => "",
): Record<string, unknown> {
  const runs = t.totals.length;
  const ratio = sum(t.totals) / sum(t.sessions);
  const outside = (sum(t.totals) - sum(t.sessions)) / runs;
  const floorRatio = sum(floor.wall) / sum(floor.inside);
  const components = Object.entries(t.byComponent).map(([k, v]) => `${k} ${round(v)} ms`);
  console.log(`pipeline time      p50 ${round(percentile(t.totals, 50))} ms, mean ${round(sum(t.totals) / runs)} ms`);
  console.log(
    `summed session.run p50 ${round(percentile(t.sessions, 50))} ms, mean ${round(sum(t.sessions) / runs)} ms (${components.join(", ")})`,
  );
  console.log(
    `pipeline / session.run = ${round(ratio)} (target ≤ 1.05); outside ONNX Runtime: ${round(outside)} ms per request${perRequest(outside)}`,
  );
  const { count, wall, sessions } = t.warmup;
  if (count > 0) {
    console.log(
      `warm-up (first ${count} requests, code not yet optimised): pipeline / session.run = ${round(wall / sessions)}, ${round((wall - sessions) / count)} ms outside per request`,
    );
  }
  console.log(
    `floor: the same ${calls} session.run calls replayed back to back = ${round(floorRatio)} (${round((sum(floor.wall) - sum(floor.inside)) / runs, 4)} ms outside per request)`,
  );
  return {
    pipeline_ms: t.totals.map((v) => round(v)),
    session_ms: t.sessions.map((v) => round(v)),
    session_ms_by_component: t.byComponent,
    ratio: round(ratio),
    outside_ms_per_request: round(outside),
    warmup_ratio: count > 0 ? round(wall / sessions) : null,
    replay_floor_ratio: round(floorRatio),
    session_runs_per_request: calls,
  };
}

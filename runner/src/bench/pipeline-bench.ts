/**
 * @module Pieces shared by the in-process pipeline benchmarks (Stable Diffusion, image-to-video): a tiny model
 * installed into a temporary folder when the models dir lacks it, V8's collector, and the floor — one request's
 * `session.run` calls recorded with their inputs and replayed back to back.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as ort from "onnxruntime-node";
import { installModel } from "../models/install.js";
import { modelPath } from "../models/layout.js";
import type { RunObserver } from "../pipelines/stable-diffusion/vae.js";

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
  const temp = await mkdtemp(join(tmpdir(), "avs-bench-"));
  await installModel(modelId, temp);
  console.log(`(${modelId} is not in the models dir; installed it into ${temp} for this run)`);
  return { dir: temp, cleanup: () => rm(temp, { recursive: true, force: true }) };
}

/**
 * A full garbage collection (V8's `gc`, enabled for this process only when a benchmark needs it).
 *
 * @example
 * const gc = collector(); gc();
 */
export function collector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
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

/**
 * @module Test harness for the whole-pipeline tests: tiny models written to a temporary folder and loaded as the
 * worker would, a default job, and a closeness check relative to the largest expected value. Used by tests only.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { type TinySdOptions, writeTinySdModel } from "../../models/factory/sd-tiny.js";
import type { TinySdFamily } from "../../models/factory/sd-tiny-weights.js";
import type { SdComponents } from "./generate.js";
import type { SdJob } from "./job.js";
import type { LoraSessionCache } from "./lora-sessions.js";
import { loadSd } from "./sd-worker.js";
import type { ReferenceModel } from "./tiny-reference.js";

/** A loaded tiny model with what the reference needs to know about it. */
export interface TinyModel {
  sd: Awaited<ReturnType<typeof loadSd>> & { components: SdComponents; loras: LoraSessionCache };
  options: TinySdOptions;
  dir: string;
  reference: ReferenceModel;
}

/**
 * A temporary models folder; `model()` writes and loads a tiny model in it, `cleanup()` releases and removes all.
 *
 * @example
 * const h = tinyHarness(); afterAll(h.cleanup);
 * const { sd, reference } = await h.model("sd15", "sd15");
 */
export function tinyHarness() {
  const root = mkdtempSync(join(tmpdir(), "avs-sd-pipeline-"));
  const loaded: TinyModel["sd"][] = [];
  return {
    root,
    /** Writes the tiny model, lets `edit` change its files (e.g. a config JSON cannot write), and loads it. */
    async model(
      name: string,
      family: TinySdFamily,
      overrides: Partial<TinySdOptions> = {},
      edit?: (dir: string) => void,
    ): Promise<TinyModel> {
      const dir = join(root, "models", "tiny", name);
      const options = writeTinySdModel(dir, family, overrides);
      edit?.(dir);
      const sd = await loadSd({
        modelId: `tiny/${name}`,
        modelPath: dir,
        executionProvider: "cpu",
        intraOpThreads: 1,
        options: {},
        log: () => {},
      });
      loaded.push(sd);
      const reference: ReferenceModel = {
        dir,
        family,
        scheduler: options.scheduler,
        intTimestep: options.timestep.dtype === "int64",
        ...(options.timestepCond ? { timestepCond: options.timestepCond } : {}),
      };
      return { sd, options, dir, reference };
    },
    async cleanup() {
      await Promise.all(loaded.map((l) => l.release()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * A small text-to-image job with CFG and a negative prompt; override any field.
 *
 * @example
 * job({ numImages: 2, guidanceScale: 0 });
 */
export const job = (over: Partial<SdJob> = {}): SdJob => ({
  prompt: "a red cat",
  negativePrompt: "blue",
  guidanceScale: 7.5,
  numInferenceSteps: 3,
  numImages: 1,
  seed: 42,
  width: 32,
  height: 24,
  safetyCheck: true,
  loras: [],
  ...over,
});

/**
 * Asserts max |actual − expected| ≤ rel × max |expected|.
 *
 * @example
 * expectClose(latents, referenceLatents(reference, j), 1e-5);
 */
export function expectClose(actual: Float32Array, expected: Float32Array, rel: number): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...Array.from(expected, Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++)
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
  expect(worst / scale, `worst difference ${worst} against a scale of ${scale}`).toBeLessThan(rel);
}

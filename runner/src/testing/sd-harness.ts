/**
 * @module Harness for whole-pipeline Stable Diffusion tests: tiny models written to a temporary folder and loaded as
 * the worker would, with what the TypeScript reference (`sd-reference.ts`) needs to know about them, and a default
 * job. Free of any test runner, so any test framework can use it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TinySdOptions, writeTinySdModel } from "../models/factory/sd-tiny.js";
import type { TinySdFamily } from "../models/factory/sd-tiny-weights.js";
import type { SdJob } from "../pipelines/stable-diffusion/job.js";
import { type LoadedSd, loadSd } from "../pipelines/stable-diffusion/sd-worker.js";
import type { ReferenceModel } from "./sd-reference.js";

/** A loaded tiny model with what the reference needs to know about it. */
export interface TinyModel {
  sd: LoadedSd;
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

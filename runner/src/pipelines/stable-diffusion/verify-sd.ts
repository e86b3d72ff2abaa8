/**
 * @module `avs-runner models verify <id>` for Stable Diffusion folders: loads every component as the pipeline would and
 * runs one 64×64 (or smaller) single-step generation, so a broken export fails here rather than at the first request.
 */
import type { VerifyReport } from "../contract.js";
import { generate } from "./generate.js";
import { loadSd } from "./sd-worker.js";

/** What verification of an SD folder found. */
export interface SdVerifyReport extends VerifyReport {
  family: string;
  scheduler: string;
  components: string[];
}

/**
 * Loads the SD model in `dir` and runs a one-step generation (two for PNDM) with a fixed seed.
 *
 * @throws {Error} with the load or run failure.
 * @example
 * await verifySdModel("/models/tiny/sd15", "tiny/sd15", { pipeline: "text-to-image", tiny: true }); // { family: "sd1", … }
 */
export async function verifySdModel(
  dir: string,
  modelId: string,
  manifest: { pipeline: string; tiny: boolean },
): Promise<SdVerifyReport> {
  const sd = await loadSd({
    modelId,
    modelPath: dir,
    executionProvider: "cpu",
    intraOpThreads: 0,
    options: {},
    log: () => {},
  });
  try {
    const { result } = await generate(sd.components, {
      prompt: "a photo of a cat",
      negativePrompt: "",
      guidanceScale: 0,
      numInferenceSteps: 1,
      numImages: 1,
      seed: 0,
      width: 64,
      height: 64,
      safetyCheck: true,
      loras: [],
    });
    const c = sd.components;
    return {
      model_id: modelId,
      pipeline: manifest.pipeline,
      tiny: manifest.tiny,
      inputs: [...c.unet.inputNames],
      outputs: [...c.unet.outputNames],
      family: c.index.family,
      scheduler: c.scheduler.config.className,
      components: Object.keys(result.sessionMs),
    };
  } finally {
    await sd.release();
  }
}

/**
 * @module `avs-runner models verify <id>`: loads an installed model the way its pipeline would and checks it. The
 * check belongs to the pipeline (its definition's `verify`); this finds the pipeline from the model's manifest.
 */
import { join } from "node:path";
import type { VerifyReport } from "../pipelines/contract.js";
import { PIPELINES } from "../pipelines/index.js";
import { modelPath, readManifest } from "./layout.js";

export type { VerifyReport } from "../pipelines/contract.js";

/**
 * Loads `MODEL_DIR/<id>` and checks it is usable by its pipeline; throws with the reason when not.
 * @example await verifyModel("/models", "upscalerjs/esrgan-slim-x4") // { scale: 4, inputs: ["input"], … }
 */
export async function verifyModel(modelDir: string, modelId: string): Promise<VerifyReport> {
  const dir = modelPath(modelDir, modelId);
  const manifest = await readManifest(dir);
  if (!manifest) throw new Error(`${modelId} is not installed in ${modelDir} (no ${join(dir, "avs-model.json")})`);
  const verify = PIPELINES[manifest.pipeline]?.verify;
  if (!verify) {
    const known = Object.values(PIPELINES).filter((p) => p.verify);
    throw new Error(
      `verify knows the ${known.map((p) => p.name).join(", ")} pipelines; ${modelId} is for ${manifest.pipeline}`,
    );
  }
  return (await verify())(dir, modelId, manifest);
}

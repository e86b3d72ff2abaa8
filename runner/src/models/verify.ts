/**
 * @module `avs-runner models verify <id>`: loads an installed model the way its pipeline would and checks it. The
 * check belongs to the pipeline (its definition's `verify`); this finds the pipeline from the model's manifest, or,
 * for a folder without `avs-model.json` (a fetched or hand-copied export), from its layout. Layouts of pipelines
 * the runner does not serve yet get the fetch tool's signature checks.
 */
import type { VerifyReport } from "../pipelines/contract.js";
import { PIPELINES } from "../pipelines/index.js";
import { manifestFromLayout, verifyFetchedLayout } from "./fetch/verify-fetched.js";
import { modelPath, readManifest } from "./layout.js";
import { checkReadable, inspectFolder } from "./model-dir.js";

export type { VerifyReport } from "../pipelines/contract.js";

/**
 * Loads `MODEL_DIR/<id>` and checks it is usable by its pipeline; throws with the reason when not (a models or model
 * folder that does not exist or cannot be read is named as such).
 * @example await verifyModel("/models", "upscalerjs/esrgan-slim-x4") // { scale: 4, inputs: ["input"], … }
 */
export async function verifyModel(modelDir: string, modelId: string): Promise<VerifyReport> {
  const dir = modelPath(modelDir, modelId);
  checkReadable(modelDir);
  const problem = inspectFolder(dir, "the model folder");
  if (problem?.kind === "missing") throw new Error(`${modelId} is not installed (no folder ${dir})`);
  if (problem) throw new Error(problem.message);
  const manifest = (await readManifest(dir)) ?? (await manifestFromLayout(dir, modelId));
  const verify = PIPELINES[manifest.pipeline]?.verify;
  if (verify) return (await verify())(dir, modelId, manifest);
  return verifyFetchedLayout(dir, modelId, manifest);
}

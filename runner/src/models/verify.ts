/**
 * @module `avs-runner models verify <id>`: checks the files against the sha256 in `avs-model.json` (verify-files.ts),
 * then loads the model the way its pipeline would and checks it. The
 * check belongs to the pipeline (its definition's `verify`); this finds the pipeline from the model's manifest, or,
 * for a folder without `avs-model.json` (a fetched or hand-copied export), from its layout. Layouts of pipelines
 * the runner does not serve yet get the fetch tool's signature checks.
 */
import type { VerifyReport } from "../pipelines/contract.js";
import { PIPELINES } from "../pipelines/index.js";
import { manifestFromLayout, verifyFetchedLayout } from "./fetch/verify-fetched.js";
import { modelPath, readManifest } from "./layout.js";
import { checkReadable, inspectFolder } from "./model-dir.js";
import { checkModelFolderFiles } from "./special-files.js";
import { checkRecordedFiles, type FilesChecked } from "./verify-files.js";

export type { VerifyReport } from "../pipelines/contract.js";

/** How thoroughly `verifyModel` checks, and whom it tells what it checks. */
export interface VerifyOptions {
  /** Skip hashing the files `avs-model.json` records a sha256 for (only load and check the model). */
  quick?: boolean;
  /** Hears how many files and bytes are about to be hashed. */
  onHashing?: (checking: FilesChecked) => void;
}

/**
 * Checks `MODEL_DIR/<id>`: first every file its `avs-model.json` records a sha256 for (what `models fetch` records;
 * streamed, not with `quick`), then that the model loads and is usable by its pipeline. Throws with the reason when
 * not (every changed or missing file; a models or model folder that does not exist or cannot be read is named as
 * such). The report's `hashed` says what was hashed.
 * @example await verifyModel("/models", "upscalerjs/esrgan-slim-x4") // { scale: 4, inputs: ["input"], … }
 */
export async function verifyModel(
  modelDir: string,
  modelId: string,
  options: VerifyOptions = {},
): Promise<VerifyReport & { hashed?: FilesChecked }> {
  const dir = modelPath(modelDir, modelId);
  checkReadable(modelDir);
  const problem = inspectFolder(dir, "the model folder");
  if (problem?.kind === "missing") throw new Error(`${modelId} is not installed (no folder ${dir})`);
  if (problem) throw new Error(problem.message);
  checkModelFolderFiles(dir);
  const manifest = (await readManifest(dir)) ?? (await manifestFromLayout(dir, modelId));
  const hashed = options.quick ? undefined : await checkRecordedFiles(dir, modelId, manifest, options.onHashing);
  const verify = PIPELINES[manifest.pipeline]?.verify;
  const report = verify
    ? await (await verify())(dir, modelId, manifest)
    : await verifyFetchedLayout(dir, modelId, manifest);
  return hashed?.files ? { ...report, hashed } : report;
}

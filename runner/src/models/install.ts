/** @module Installing catalog models into the models volume (`MODEL_DIR/<model_id>/` + manifest). */
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { catalogEntry } from "./catalog.js";
import { type ModelManifest, modelPath, readManifest, writeManifest } from "./layout.js";
import { makeFolder } from "./model-dir.js";

/**
 * Installs a catalog model into `modelDir` (written to a temporary directory, then moved into place, so a failed
 * install leaves nothing half-written). Returns the model's directory and manifest.
 * @throws {Error} for an unknown id, or a models folder that cannot be created or written (checked before anything
 *   is written, naming the folder and why).
 * @example await installModel("tiny/esrgan-x4", "/tmp/models") // { path: "/tmp/models/tiny/esrgan-x4", … }
 */
export async function installModel(
  modelId: string,
  modelDir: string,
): Promise<{ path: string; manifest: ModelManifest }> {
  const entry = catalogEntry(modelId);
  const target = modelPath(modelDir, modelId);
  const staging = join(dirname(target), `.installing-${process.pid}-${Date.now()}`);
  await makeFolder(modelDir);
  await makeFolder(dirname(target), "the folder");
  await mkdir(staging);
  try {
    const { source, extra } = await entry.install(staging);
    await writeManifest(staging, { ...extra, model_id: modelId, pipeline: entry.pipeline, tiny: entry.tiny, source });
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  return { path: target, manifest: (await readManifest(target))! };
}

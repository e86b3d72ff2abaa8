/** @module Installing catalog models into the models volume (`MODEL_DIR/<model_id>/` + manifest). */
import { mkdir, rename, rm, statfs } from "node:fs/promises";
import { dirname, join } from "node:path";
import { catalogEntry } from "./catalog.js";
import { formatBytes } from "./fetch/progress.js";
import { type ModelManifest, modelPath, readManifest, writeManifest } from "./layout.js";
import { makeFolder, removeCreated } from "./model-dir.js";

/**
 * Installs a catalog model into `modelDir` (written to a temporary directory, then moved into place, so a failed
 * install leaves nothing half-written, nor the folders it created for it). Returns the model's directory and manifest.
 * @throws {Error} for an unknown id, a models folder that cannot be created or written (checked before anything
 *   is written, naming the folder and why), or a full disk (naming the model's folder and the space free, which
 *   it needs more than).
 * @example await installModel("tiny/esrgan-x4", "/tmp/models") // { path: "/tmp/models/tiny/esrgan-x4", … }
 */
export async function installModel(
  modelId: string,
  modelDir: string,
): Promise<{ path: string; manifest: ModelManifest }> {
  const entry = catalogEntry(modelId);
  const target = modelPath(modelDir, modelId);
  const staging = join(dirname(target), `.installing-${process.pid}-${Date.now()}`);
  const created = await makeFolder(modelDir);
  try {
    created.push(...(await makeFolder(dirname(target), "the folder")));
    await mkdir(staging);
  } catch (err) {
    await removeCreated(created);
    throw err;
  }
  try {
    const { source, extra } = await entry.install(staging);
    await writeManifest(staging, { ...extra, model_id: modelId, pipeline: entry.pipeline, tiny: entry.tiny, source });
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
  } catch (err) {
    const full = (err as NodeJS.ErrnoException).code === "ENOSPC";
    await rm(staging, { recursive: true, force: true });
    await removeCreated(created);
    if (!full) throw err;
    // The model's size is not known before it is generated; it filled what is free once its partial files are gone.
    const free = await freeBytes(dirname(target));
    const needs = free ? `more than the ${formatBytes(free.bytes)} free on ${free.dir}` : "more space than is free";
    throw new Error(`cannot install ${modelId} into ${target}: the disk is full (ENOSPC); it needs ${needs}`, {
      cause: err,
    });
  }
  return { path: target, manifest: (await readManifest(target))! };
}

/**
 * The bytes free to this user on the file system of `dir`, asked of `dir` or, when it is gone (an install removes the
 * folders it created), of the nearest folder above it; `undefined` when none answers.
 */
async function freeBytes(dir: string): Promise<{ dir: string; bytes: number } | undefined> {
  for (let at = dir; ; at = dirname(at)) {
    const bytes = await statfs(at).then(
      (s) => s.bavail * s.bsize,
      () => undefined,
    );
    if (bytes !== undefined) return { dir: at, bytes };
    if (dirname(at) === at) return undefined;
  }
}

/** @module Installing catalog models into the models volume (`MODEL_DIR/<model_id>/` + manifest). */
import { mkdir, readdir, rename, rm, stat, statfs } from "node:fs/promises";
import { dirname, join } from "node:path";
import { catalogEntry } from "./catalog.js";
import { formatBytes } from "./fetch/progress.js";
import { type ModelManifest, modelPath, readManifest, writeManifest } from "./layout.js";
import { makeFolder, removeCreated } from "./model-dir.js";

/**
 * Installs a catalog model into `modelDir` (written to a temporary directory, then moved into place, so a failed
 * install leaves nothing half-written, nor the folders it created for it). Returns the model's directory and manifest.
 * @throws {Error} for an unknown id, a models folder that cannot be created or written (checked before anything
 *   is written, naming the folder and why), or a full disk (naming the model's folder, the space the model took
 *   before the disk filled and the space free).
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
    // The model's size is not known before it is generated: what it had written when the disk filled is a floor.
    const written = full ? await bytesUnder(staging) : 0;
    await rm(staging, { recursive: true, force: true });
    await removeCreated(created);
    if (!full) throw err;
    const free = await freeBytes(dirname(target));
    const needs = written > 0 ? `${modelId} needs more than ${formatBytes(written)} and ` : "";
    const has = free ? `${free.dir} has ${formatBytes(free.bytes)} free` : "there is too little free space";
    throw new Error(`cannot install ${modelId} into ${target}: the disk is full (ENOSPC); ${needs}${has}`, {
      cause: err,
    });
  }
  return { path: target, manifest: (await readManifest(target))! };
}

/** The bytes of the files under `dir` (0 when it cannot be listed). */
async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (e.isFile())
      total += await stat(join(e.parentPath, e.name)).then(
        (s) => s.size,
        () => 0,
      );
  }
  return total;
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

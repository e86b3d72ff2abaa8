/**
 * @module The models volume: `MODEL_DIR/<model_id>/` holds a model's files (`model.onnx` for single-file models,
 * the diffusers ONNX layout for Stable Diffusion) and `avs-model.json`, the manifest written on install.
 */
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { folderProblem, inspectFolder } from "./model-dir.js";
import { checkRegularFile } from "./special-files.js";

/** What `avs-runner models install` records next to a model's files. */
export interface ModelManifest {
  model_id: string;
  pipeline: string;
  /** A tiny generated test model (random weights) rather than real weights. */
  tiny: boolean;
  /** Where the weights came from. */
  source: string;
  installed_at: string;
  [extra: string]: unknown;
}

export const MANIFEST = "avs-model.json";

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

/**
 * The directory of a model; rejects ids that could escape `MODEL_DIR`.
 * @example modelPath("/models", "upscalerjs/esrgan-slim-x4") // "/models/upscalerjs/esrgan-slim-x4"
 */
export function modelPath(modelDir: string, modelId: string): string {
  if (!ID.test(modelId) || modelId.includes("..")) {
    throw new Error(`invalid model id ${JSON.stringify(modelId)}: use "name" or "org/name" (letters, digits, . _ -)`);
  }
  return join(modelDir, modelId);
}

/**
 * Writes a model's manifest.
 * @example await writeManifest(dir, { model_id, pipeline: "upscale", tiny: true, source: "factory" })
 */
export async function writeManifest(
  dir: string,
  manifest: { model_id: string; pipeline: string; tiny: boolean; source: string; [extra: string]: unknown },
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const full: ModelManifest = { ...manifest, installed_at: new Date().toISOString() };
  await writeFile(join(dir, MANIFEST), `${JSON.stringify(full, null, 2)}\n`);
}

/**
 * Reads a model's manifest, or `undefined` when there is none.
 *
 * @throws {Error} when it is not a regular file (a FIFO is never opened), cannot be read (a folder closed to this
 *   user reads as "permission denied", not as no manifest) or is not JSON.
 * @example (await readManifest("/models/tiny/esrgan-x4"))?.pipeline; // "upscale"
 */
export async function readManifest(dir: string): Promise<ModelManifest | undefined> {
  const file = join(dir, MANIFEST);
  checkRegularFile(file);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new Error(
      `cannot read ${file}: ${code === "EACCES" || code === "EPERM" ? "permission denied" : (err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  try {
    return JSON.parse(text) as ModelManifest;
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

/** A model folder found by {@link installedModels}: `model_id` is the folder's path under `modelDir`. */
export type InstalledModel = ModelManifest & {
  path: string;
  /** The id `avs-model.json` records, when it is not the folder's (a folder renamed or copied). */
  recorded_id?: string;
};

/**
 * Every model installed under `modelDir` (directories one or two levels deep holding a manifest, symlinked ones
 * followed as `serve` and `verify` follow them), each under its folder's id — the `MODEL_ID` that loads it; none when
 * `modelDir` does not exist.
 * @param onBroken told of a folder whose `avs-model.json` cannot be read, and the scan goes on; without it that throws.
 * @throws {Error} for a folder on the way that cannot be read, naming it and why.
 * @example await installedModels("/models") // [{ model_id: "tiny/esrgan-x4", tiny: true, … }]
 */
export async function installedModels(
  modelDir: string,
  onBroken?: (dir: string, error: Error) => void,
): Promise<InstalledModel[]> {
  const problem = inspectFolder(modelDir);
  if (problem?.kind === "missing") return [];
  if (problem) throw new Error(problem.message);
  const found: Array<ModelManifest & { path: string }> = [];
  const visit = async (dir: string, depth: number) => {
    let manifest: ModelManifest | undefined;
    try {
      manifest = await readManifest(dir);
    } catch (err) {
      if (!onBroken) throw err;
      return onBroken(dir, err as Error);
    }
    if (manifest) return void found.push({ ...manifest, path: dir });
    if (depth >= 2) return;
    const closed = folderProblem(dir, "the folder");
    if (closed) throw new Error(closed);
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.name.startsWith(".")) continue;
      const path = join(dir, e.name);
      const folder =
        e.isDirectory() ||
        (e.isSymbolicLink() &&
          (await stat(path).then(
            (s) => s.isDirectory(),
            () => false,
          )));
      if (folder) await visit(path, depth + 1);
    }
  };
  await visit(modelDir, 0);
  return found
    .map((m) => {
      const id = relative(modelDir, m.path).split(sep).join("/");
      return { ...m, model_id: id, ...(m.model_id && m.model_id !== id ? { recorded_id: m.model_id } : {}) };
    })
    .sort((a, b) => a.model_id.localeCompare(b.model_id));
}

/**
 * @module Whether a model folder holds a model of the pipeline being served, checked before any pipeline loads it
 * (the worker thread's `load`). A folder that says it holds another kind of model — its `avs-model.json` (written by
 * `models install|fetch`) or, without one, a diffusers `model_index.json` whose `_class_name` names another pipeline
 * class — is refused with that said plainly; each pipeline's own load would instead report the first file it misses,
 * which misleads ("model.onnx does not exist; install the model" for an installed model of another pipeline).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePythonJson } from "../internal/python-json.js";
import { MANIFEST } from "./layout.js";

/** The pipelines a model of each kind (`avs-model.json`'s `pipeline`) serves. */
const SERVED_BY: Readonly<Record<string, readonly string[]>> = {
  upscale: ["upscale", "video-upscale"],
  "frame-interpolation": ["frame-interpolation"],
  // Image-to-image needs a VAE encoder too; its load says so when the folder lacks one.
  "text-to-image": ["text-to-image", "image-to-image"],
  "image-to-video": ["image-to-video"],
  lora: [],
};

/** The model kind a diffusers `_class_name` names, when it clearly names one. */
function kindOfClass(className: string): string | undefined {
  if (/VideoDiffusion/.test(className)) return "image-to-video";
  if (/StableDiffusion|LatentConsistency/.test(className)) return "text-to-image";
  return undefined;
}

/** "an upscale", "a text-to-image". */
const aOrAn = (word: string) => `${/^[aeiou]/.test(word) ? "an" : "a"} ${word}`;

/** What kind of model the folder says it holds and where it says so, or `undefined` when it does not say. */
function declaredKind(modelPath: string): { kind: string; source: string } | undefined {
  // Unreadable or malformed files are left to the pipeline's load, which names them.
  let manifest: { pipeline?: unknown } | undefined;
  try {
    manifest = JSON.parse(readFileSync(join(modelPath, MANIFEST), "utf8")) as { pipeline?: unknown };
  } catch {}
  if (typeof manifest?.pipeline === "string" && Object.hasOwn(SERVED_BY, manifest.pipeline)) {
    return { kind: manifest.pipeline, source: MANIFEST };
  }
  if (manifest) return undefined;
  const indexFile = join(modelPath, "model_index.json");
  if (!existsSync(indexFile)) return undefined;
  let className: unknown;
  try {
    className = (parsePythonJson(readFileSync(indexFile, "utf8")) as { _class_name?: unknown })._class_name;
  } catch {
    return undefined;
  }
  const kind = typeof className === "string" ? kindOfClass(className) : undefined;
  return kind ? { kind, source: `model_index.json: ${className}` } : undefined;
}

/** A model folder that says it holds a model another pipeline takes (see {@link modelKindMismatch}). */
export interface ModelKindMismatch {
  /** What the folder holds, as `avs-model.json` names it (`image-to-video`, `lora`, …). */
  kind: string;
  /** Where it says so: `avs-model.json`, or `model_index.json: <class name>`. */
  source: string;
  /** The pipelines that take such a model (none for a LoRA). */
  serves: readonly string[];
  /** `/models/tiny/svd holds an image-to-video model (avs-model.json), not an upscale one`. */
  message: string;
}

/**
 * What the model folder `modelPath` says it holds when that is not a model `pipeline` takes; undefined when it is,
 * or when the folder says nothing (no manifest, no known `_class_name`) or does not exist: the pipeline's load then
 * reports what is missing. Synchronous, and without ONNX Runtime: an orchestrator checks its entries with it.
 * @example modelKindMismatch("upscale", "/models/tiny/svd")?.kind // "image-to-video"
 */
export function modelKindMismatch(pipeline: string, modelPath: string): ModelKindMismatch | undefined {
  const declared = declaredKind(modelPath);
  if (!declared) return undefined;
  const serves = SERVED_BY[declared.kind]!;
  if (serves.includes(pipeline)) return undefined;
  const what = declared.kind === "lora" ? "a LoRA" : `${aOrAn(declared.kind)} model`;
  return {
    ...declared,
    serves,
    message: `${modelPath} holds ${what} (${declared.source}), not ${aOrAn(pipeline)} one`,
  };
}

/**
 * Checks that the model folder `modelPath` does not say it holds a model of a pipeline other than `pipeline`.
 * A folder that says nothing (no manifest, no known `_class_name`), or does not exist, passes: the pipeline's load
 * reports what is missing.
 *
 * @throws {Error} "/models/tiny/svd holds an image-to-video model (avs-model.json), not an upscale one: set
 *   PIPELINE=image-to-video or pick an upscale model".
 * @example await checkModelKind("upscale", "/models/tiny/esrgan-x4"); // passes
 */
export async function checkModelKind(pipeline: string, modelPath: string): Promise<void> {
  const mismatch = modelKindMismatch(pipeline, modelPath);
  if (!mismatch) return;
  const { serves } = mismatch;
  // The kind `pipeline` serves, as `models list` shows it (video-upscale serves upscale models).
  const needed = Object.keys(SERVED_BY).find((kind) => SERVED_BY[kind]!.includes(pipeline)) ?? pipeline;
  const fix = serves.length
    ? `set PIPELINE=${serves[0]}${serves.length > 1 ? ` (or ${serves.slice(1).join(", ")})` : ""} or pick ${aOrAn(needed)} model`
    : `pick ${aOrAn(needed)} model (a LoRA is applied per request, with the loras field)`;
  throw new Error(`${mismatch.message}: ${fix}`);
}

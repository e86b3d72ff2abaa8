/**
 * @module `models verify` for folders that came without an `avs-model.json` (copied or downloaded by hand): the
 * pipeline read from the layout; and the checks for layouts the serving pipelines do not verify themselves — Stable
 * Video Diffusion components, FILM-style interpolators, LoRAs.
 */
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import * as ort from "onnxruntime-node";
import { NotALoraError, readLora } from "../../lora/index.js";
import type { ModelManifest } from "../layout.js";
import { checkRegularFile } from "../special-files.js";
import type { VerifyReport } from "../verify.js";
import { identifyLayout } from "./detect-layout.js";

/**
 * A manifest for a model folder without one, its pipeline derived from the layout.
 *
 * @throws {Error} when the folder does not exist or holds no known layout.
 * @example (await manifestFromLayout("/models/org/sd", "org/sd")).pipeline; // "text-to-image"
 */
export async function manifestFromLayout(dir: string, modelId: string): Promise<ModelManifest> {
  if (!existsSync(dir)) throw new Error(`${modelId} is not installed (no folder ${dir})`);
  const identity = await identifyLayout(dir);
  return {
    model_id: modelId,
    pipeline: identity.pipeline,
    pipelines: identity.pipelines,
    tiny: false,
    source: "unknown (no avs-model.json; pipeline read from the folder's layout)",
    installed_at: "",
  };
}

/** Opens `file` and returns its input and output names, checking the inputs include `required`. */
async function signature(
  file: string,
  required: readonly string[] = [],
): Promise<{ inputs: string[]; outputs: string[] }> {
  if (!existsSync(file)) throw new Error(`${file} is missing`);
  checkRegularFile(file);
  const session = await ort.InferenceSession.create(file);
  try {
    const missing = required.filter((r) => !session.inputNames.includes(r));
    if (missing.length > 0) {
      throw new Error(`${file}: inputs [${session.inputNames.join(", ")}] lack ${missing.join(", ")}`);
    }
    return { inputs: [...session.inputNames], outputs: [...session.outputNames] };
  } finally {
    await session.release();
  }
}

/**
 * Verifies an image-to-video (SVD), frame-interpolation or LoRA folder: every component opens in ONNX Runtime with the
 * inputs the pipeline feeds, or the LoRA file parses into layers.
 *
 * @throws {Error} naming the component and what is wrong.
 * @example (await verifyFetchedLayout("/models/org/film", "org/film", manifest)).inputs; // ["x0", "x1", "time"]
 */
export async function verifyFetchedLayout(
  dir: string,
  modelId: string,
  manifest: ModelManifest,
): Promise<VerifyReport> {
  const report = (io: { inputs: string[]; outputs: string[] }, summary?: string): VerifyReport => ({
    model_id: modelId,
    pipeline: manifest.pipeline,
    tiny: manifest.tiny,
    ...io,
    ...(summary ? { summary } : {}),
  });
  if (manifest.pipeline === "image-to-video") {
    await signature(join(dir, "image_encoder", "model.onnx"));
    await signature(join(dir, "vae_decoder", "model.onnx"));
    const unet = await signature(join(dir, "unet", "model.onnx"), [
      "sample",
      "timestep",
      "encoder_hidden_states",
      "added_time_ids",
    ]);
    return report(unet, "components image_encoder, unet, vae_decoder open");
  }
  if (manifest.pipeline === "frame-interpolation") {
    return report(await signature(join(dir, "model.onnx")));
  }
  if (manifest.pipeline === "lora") {
    // The models folder, as serving reads LoRAs from it: a symlink within it, across orgs too, is fine.
    const models = resolve(dir, ...modelId.split("/").map(() => ".."));
    const lora = operatorView(modelId, () => readLora(models, { id: modelId, weight: 1 }));
    const targets = [...new Set(lora.layers.map((l) => l.target))].join(", ");
    return report(
      { inputs: [], outputs: [] },
      `${lora.layers.length} LoRA layer${lora.layers.length === 1 ? "" : "s"} (${targets})${lora.family ? `, for ${lora.family}` : ""} in ${basename(lora.file)}`,
    );
  }
  throw new Error(`verify does not know the ${manifest.pipeline} pipeline of ${modelId}`);
}

/** The operator's view of a refusal: why the folder holds no LoRA, which callers of the runner are not told. */
function operatorView<T>(modelId: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    const { cause } = err as Error;
    if (cause instanceof NotALoraError) throw new Error(`${modelId} holds no LoRA: ${cause.message}`, { cause: err });
    throw err;
  }
}

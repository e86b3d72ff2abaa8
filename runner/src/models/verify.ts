/** @module `avs-runner models verify <id>`: loads an installed model and checks its input/output signature. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { verifySvdModel } from "../pipelines/image-to-video/verify-svd.js";
import { verifySdModel } from "../pipelines/stable-diffusion/verify-sd.js";
import { probeScale } from "../pipelines/upscale/worker.js";
import { modelPath, readManifest } from "./layout.js";

/** What verification found. */
export interface VerifyReport {
  model_id: string;
  pipeline: string;
  tiny: boolean;
  inputs: string[];
  outputs: string[];
  /** Upscalers: the factor measured by running the model. */
  scale?: number;
}

/**
 * Loads `MODEL_DIR/<id>` and checks it is usable by its pipeline; throws with the reason when not.
 * @example await verifyModel("/models", "upscalerjs/esrgan-slim-x4") // { scale: 4, inputs: ["input"], … }
 */
export async function verifyModel(modelDir: string, modelId: string): Promise<VerifyReport> {
  const dir = modelPath(modelDir, modelId);
  const manifest = await readManifest(dir);
  if (!manifest) throw new Error(`${modelId} is not installed in ${modelDir} (no ${join(dir, "avs-model.json")})`);
  if (manifest.pipeline === "text-to-image" || manifest.pipeline === "image-to-image")
    return verifySdModel(dir, modelId, manifest);
  if (manifest.pipeline === "image-to-video") return verifySvdModel(dir, modelId, manifest);
  if (manifest.pipeline !== "upscale") {
    throw new Error(`verify knows the upscale pipeline only; ${modelId} is for ${manifest.pipeline}`);
  }
  const file = join(dir, "model.onnx");
  if (!existsSync(file)) throw new Error(`${file} is missing`);
  const session = await ort.InferenceSession.create(file);
  try {
    if (session.inputNames.length !== 1 || session.outputNames.length !== 1) {
      throw new Error(`expected one input and one output, got [${session.inputNames}] → [${session.outputNames}]`);
    }
    const scale = await probeScale(session);
    return {
      model_id: modelId,
      pipeline: manifest.pipeline,
      tiny: manifest.tiny,
      inputs: [...session.inputNames],
      outputs: [...session.outputNames],
      scale,
    };
  } finally {
    await session.release();
  }
}

/**
 * @module `avs-runner models verify <id>` for upscalers: checks `model.onnx`'s declared signature as the worker does at
 * load (`signature.ts`), opens it on the CPU and measures its scale factor by running the worker's 16×16 probe.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { readModelFile } from "../../models/special-files.js";
import type { Verifier } from "../contract.js";
import { upscalerSignature } from "./signature.js";
import { probeScale } from "./worker.js";

/**
 * Verifies an installed upscaler.
 * @example await verifyUpscaler("/models/tiny/esrgan-x4", "tiny/esrgan-x4", manifest) // { scale: 4, inputs: ["input"], … }
 */
export const verifyUpscaler: Verifier = async (dir, modelId, manifest) => {
  const file = join(dir, "model.onnx");
  if (!existsSync(file)) throw new Error(`${file} is missing`);
  upscalerSignature(await readModelFile(file), file);
  const session = await ort.InferenceSession.create(file);
  try {
    return {
      model_id: modelId,
      pipeline: manifest.pipeline,
      tiny: manifest.tiny,
      inputs: [...session.inputNames],
      outputs: [...session.outputNames],
      scale: await probeScale(session),
    };
  } finally {
    await session.release();
  }
};

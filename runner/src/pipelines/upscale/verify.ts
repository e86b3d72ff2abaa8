/**
 * @module `avs-runner models verify <id>` for upscalers: opens `model.onnx` on the CPU, checks it has one input and one
 * output, and measures its scale factor by running the 16×16 probe the worker runs at load.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import type { Verifier } from "../contract.js";
import { probeScale } from "./worker.js";

/**
 * Verifies an installed upscaler.
 * @example await verifyUpscaler("/models/tiny/esrgan-x4", "tiny/esrgan-x4", manifest) // { scale: 4, inputs: ["input"], … }
 */
export const verifyUpscaler: Verifier = async (dir, modelId, manifest) => {
  const file = join(dir, "model.onnx");
  if (!existsSync(file)) throw new Error(`${file} is missing`);
  const session = await ort.InferenceSession.create(file);
  try {
    if (session.inputNames.length !== 1 || session.outputNames.length !== 1) {
      throw new Error(`expected one input and one output, got [${session.inputNames}] → [${session.outputNames}]`);
    }
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

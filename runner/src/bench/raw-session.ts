/**
 * @module The baseline: `session.run` on the model's `model.onnx` in this thread, with no HTTP, no image codecs,
 * no worker, no tiling — what the HTTP path's overhead is measured against.
 */
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { sessionOptions } from "../onnx/session.js";

/** A loaded baseline session. */
export interface RawSession {
  load_s: number;
  output_dims: number[];
  /** One timed `session.run`, in ms. */
  runOnce(): Promise<number>;
  release(): Promise<void>;
}

/**
 * Loads the model for the baseline on a `[1,3,size,size]` input.
 * @example const raw = await openRawSession("/models/upscalerjs/esrgan-slim-x4", { size: 256, threads: 0 }); await raw.runOnce()
 */
export async function openRawSession(
  modelPath: string,
  options: { size: number; threads: number },
): Promise<RawSession> {
  const t0 = performance.now();
  // The runner's own session options, so the comparison is of the paths around session.run, not of settings.
  const session = await ort.InferenceSession.create(join(modelPath, "model.onnx"), {
    ...sessionOptions({ intraOpThreads: options.threads }),
    executionProviders: ["cpu"],
  });
  const loadS = (performance.now() - t0) / 1000;
  const { size } = options;
  const data = Float32Array.from({ length: 3 * size * size }, (_, i) => ((i * 7919) % 256) / 255);
  const feeds = { [session.inputNames[0]!]: new ort.Tensor("float32", data, [1, 3, size, size]) };
  const raw: RawSession = {
    load_s: Math.round(loadS * 1000) / 1000,
    output_dims: [],
    async runOnce() {
      const t = performance.now();
      const out = await session.run(feeds);
      const ms = performance.now() - t;
      raw.output_dims = [...out[session.outputNames[0]!]!.dims];
      return ms;
    },
    release: () => session.release(),
  };
  return raw;
}

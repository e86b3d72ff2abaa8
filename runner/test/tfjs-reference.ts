/**
 * @module The original framework as the reference: TensorFlow.js (WASM backend) runs an UpscalerJS layers model
 * as published, with the two custom layers the thick model uses re-declared from their documented behaviour
 * (`MultiplyBeta`: × beta; `PixelShuffle<s>x`: `depthToSpace(s, "NHWC")`).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

let ready: Promise<void> | undefined;

function backend() {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    setWasmPaths(`${dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`);
    await tf.setBackend("wasm");
    await tf.ready();
    class MultiplyBeta extends tf.layers.Layer {
      static className = "MultiplyBeta";
      beta: number;
      constructor(config: { beta?: number }) {
        super(config as never);
        this.beta = config.beta ?? 0.2;
      }
      override call(inputs: tf.Tensor | tf.Tensor[]) {
        return tf.mul(Array.isArray(inputs) ? inputs[0]! : inputs, this.beta);
      }
    }
    tf.serialization.registerClass(MultiplyBeta);
    for (const s of [2, 3, 4, 8]) {
      const Shuffle = class extends tf.layers.Layer {
        static className = `PixelShuffle${s}x`;
        override computeOutputShape(shape: tf.Shape | tf.Shape[]) {
          const [n, h, w] = shape as number[];
          return [n!, h === null ? null : h! * s, w === null ? null : w! * s, 3] as tf.Shape;
        }
        override call(inputs: tf.Tensor | tf.Tensor[]) {
          return tf.depthToSpace((Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D, s, "NHWC");
        }
      };
      tf.serialization.registerClass(Shuffle);
    }
  })();
  return ready;
}

/**
 * Runs a layers model on an NHWC float image and returns the NHWC output.
 * @example const out = await runLayersModel(modelJsonPath, pixels01, 32, 32, 255)
 */
export async function runLayersModel(
  modelJsonPath: string,
  rgb01: Float32Array,
  width: number,
  height: number,
  pixelRange: number,
): Promise<Float32Array> {
  await backend();
  const json = JSON.parse(readFileSync(modelJsonPath, "utf8"));
  const weightSpecs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  const shards = json.weightsManifest.flatMap((g: { paths: string[] }) =>
    g.paths.map((p) => readFileSync(join(dirname(modelJsonPath), p))),
  );
  const bytes = Buffer.concat(shards);
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }),
  );
  const input = tf.tensor4d(rgb01, [1, height, width, 3]).mul(pixelRange);
  const output = (model.predict(input) as tf.Tensor).div(pixelRange);
  const data = (await output.data()) as Float32Array;
  tf.dispose([input, output]);
  model.dispose();
  return data;
}

/**
 * @module The VAE ends of the pipeline: pixels ↔ latents. Images are NCHW in [−1, 1]; latents are scaled by the
 * model's `scaling_factor`. A `latent_parameters` encoder (mean ‖ log-variance) is sampled with the image's seeded
 * noise, as diffusers' `latent_dist.sample(generator)` does; a `latent_sample` encoder's output is used as is.
 */
import * as ort from "onnxruntime-node";
import { ownedBytes, type RgbImage } from "../../image/decode.js";
import { ShapePool, shapeKey } from "../../internal/shape-pool.js";
import {
  planesToRgb,
  RGB_INPUT,
  RGB_OUTPUT,
  type RgbInputMapping,
  type RgbMapping,
  rgbToPlanes,
} from "../../onnx/rgb-output.js";
import type { NoiseSource } from "../../schedulers/index.js";
import {
  describe,
  floatTensor,
  type ReusedFloatTensor,
  readFloats,
  requireValue,
  reusedFloatTensor,
} from "./session-io.js";

/** Runs a session (for the outputs `fetches` names, or all) and adds its time to a per-component tally. */
export type TimedRun = (
  component: string,
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  fetches?: readonly string[],
) => Promise<ort.InferenceSession.ReturnType>;

/** Sees every `session.run` call with its inputs (benchmarks replay them); feeds may be refilled in place later. */
export type RunObserver = (...call: Parameters<TimedRun>) => void;

/**
 * A {@link TimedRun} that adds each component's `session.run` time to `sessionMs` and shows each call to `onRun`.
 *
 * @example
 * const sessionMs: Record<string, number> = {};
 * const run = timedRunner(sessionMs);
 * await run("unet", unet, feeds); // sessionMs.unet is now its time in ms
 */
export function timedRunner(sessionMs: Record<string, number>, onRun?: RunObserver): TimedRun {
  return async (component, session, feeds, fetches) => {
    onRun?.(component, session, feeds, fetches);
    const t0 = performance.now();
    const out = await (fetches ? session.run(feeds, fetches as string[]) : session.run(feeds));
    sessionMs[component] = (sessionMs[component] ?? 0) + performance.now() - t0;
    return out;
  };
}

/**
 * The VAE's pixel range: image bytes ↔ floats in [−1, 1], computed in float64. The same mappings feed the graph
 * surgery that moves these conversions into the encoder and decoder (sd-worker.ts) and the JS conversions below, so
 * both give the same bytes.
 */
export const VAE_RGB_IN: RgbInputMapping = { divisor: 127.5, offset: -1, precision: "float64" };
export const VAE_RGB_OUT: RgbMapping = { scale: 127.5, offset: 127.5, precision: "float64" };

/**
 * RGB bytes → NCHW floats in [−1, 1] (`x / 127.5 − 1`).
 *
 * @example
 * imageToTensor({ width: 8, height: 8, pixels }).length; // 3·8·8
 */
export function imageToTensor(image: RgbImage): Float32Array {
  return rgbToPlanes(image.pixels, image.width, image.height, VAE_RGB_IN);
}

/**
 * NCHW floats in [−1, 1] (image `index` of a batch) → RGB bytes, `x·127.5 + 127.5` rounded half to even (as numpy's
 * round) and clamped.
 *
 * @example
 * tensorToImage(decoded, 0, 64, 64).pixels.length; // 64·64·3
 */
export function tensorToImage(data: Float32Array, index: number, width: number, height: number): RgbImage {
  return { width, height, pixels: planesToRgb(data, width, height, VAE_RGB_OUT, index) };
}

/** The decoder's input per session and shape, refilled by later requests. */
const inputPool = new ShapePool<ReusedFloatTensor>();

/**
 * Decodes `batch` latents (already in model scale) to images: read from the decoder's {@link RGB_OUTPUT} when
 * the session has it (`withRgbPixels` at load), converted by {@link tensorToImage} otherwise.
 *
 * @example
 * const images = await decodeLatents(vaeDecoder, latents, 2, 64, 64, 0.18215, run);
 */
export async function decodeLatents(
  session: ort.InferenceSession,
  latents: Float32Array,
  batch: number,
  width: number,
  height: number,
  scalingFactor: number,
  run: TimedRun,
): Promise<RgbImage[]> {
  const inputs = describe(session, "input");
  const input =
    inputs.get("latent_sample") ?? (inputs.values().next().value as NonNullable<ReturnType<typeof inputs.get>>);
  const dims = [batch, 4, height / 8, width / 8];
  const key = shapeKey(batch, height, width);
  const scaled = inputPool.take(session, key) ?? reusedFloatTensor(input, new Float32Array(latents.length), dims);
  let out: ort.InferenceSession.ReturnType;
  try {
    const values = scaled.values;
    for (let i = 0; i < latents.length; i++) values[i] = (latents[i] as number) / scalingFactor;
    scaled.refresh();
    out = await run("vae_decoder", session, { [input.name]: scaled.tensor });
  } finally {
    inputPool.give(session, key, scaled);
  }
  const rgb = out[RGB_OUTPUT];
  if (rgb) {
    const pixels = rgb.data as Uint8Array;
    const size = width * height * 3;
    // Each image owns its buffer: the worker transfers them one by one.
    if (batch === 1) return [{ width, height, pixels: ownedBytes(pixels) }];
    return Array.from({ length: batch }, (_, i) => ({ width, height, pixels: pixels.slice(i * size, (i + 1) * size) }));
  }
  const decoded = readFloats(out[session.outputNames[0] as string]);
  return Array.from({ length: batch }, (_, i) => tensorToImage(decoded, i, width, height));
}

/**
 * Encodes the init image once and gives each of `batch` images its scaled latents. An encoder with {@link RGB_INPUT}
 * (`withRgbPixels` at load) takes the image's bytes; otherwise {@link imageToTensor} converts them here.
 *
 * @example
 * const init = await encodeImage(vaeEncoder, image, 2, 0.18215, noise, run);
 */
export async function encodeImage(
  session: ort.InferenceSession,
  image: RgbImage,
  batch: number,
  scalingFactor: number,
  noise: NoiseSource,
  run: TimedRun,
): Promise<Float32Array> {
  const inputs = describe(session, "input");
  const out = await run(
    "vae_encoder",
    session,
    inputs.has(RGB_INPUT)
      ? { [RGB_INPUT]: new ort.Tensor("uint8", image.pixels, [1, image.height, image.width, 3]) }
      : {
          sample: floatTensor(requireValue(inputs, "sample", "vae_encoder"), imageToTensor(image), [
            1,
            3,
            image.height,
            image.width,
          ]),
        },
  );
  const size = 4 * (image.height / 8) * (image.width / 8);
  const result = new Float32Array(batch * size);
  if (out.latent_sample) {
    const latent = readFloats(out.latent_sample);
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < size; i++) result[b * size + i] = (latent[i] as number) * scalingFactor;
    return result;
  }
  const name = out.latent_parameters ? "latent_parameters" : (session.outputNames[0] as string);
  const params = readFloats(out[name]);
  if (params.length !== 2 * size) {
    throw new Error(
      `vae_encoder output ${name} has ${params.length} values; ${2 * size} (mean ‖ logvar) or latent_sample expected`,
    );
  }
  const eps = noise(batch * size);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < size; i++) {
      const mean = params[i] as number;
      const logvar = Math.min(Math.max(params[size + i] as number, -30), 20);
      result[b * size + i] = (mean + Math.exp(0.5 * logvar) * (eps[b * size + i] as number)) * scalingFactor;
    }
  }
  return result;
}

/**
 * @module Decoding SVD's latents to frames in chunks, as diffusers' `decode_latents` does: latents / scaling_factor,
 * `decode_chunk_size` frames per temporal-decoder call, the call told how many frames it holds (`num_frames`) when the
 * decoder takes that input. Each chunk's frames go to the caller's sink before the next chunk is decoded, so no float
 * copy of the whole video exists and the caller can encode and send frames as they come.
 */
import * as ort from "onnxruntime-node";
import { ownedBytes, type RgbImage } from "../../image/decode.js";
import { ShapePool, shapeKey } from "../../internal/shape-pool.js";
import { halfBits } from "../../onnx/float16.js";
import { planesToRgb } from "../../onnx/rgb-output.js";
import {
  type ReusedFloatTensor,
  readFloats,
  reusedFloatTensor,
  type ValueInfo,
} from "../stable-diffusion/session-io.js";
import { type TimedRun, VAE_RGB_OUT } from "../stable-diffusion/vae.js";
import { releaseDeadOutput } from "./release-outputs.js";
import type { SvdComponents } from "./svd-load.js";
import { checkAborted, type FrameChunk, type FrameSink, type VideoControl } from "./video-job.js";

/** The decoder's inputs for one chunk length and size. */
interface ChunkInputs {
  latent: ReusedFloatTensor;
  numFrames: ort.Tensor | undefined;
}

const pool = new ShapePool<ChunkInputs>(4);

/**
 * The `num_frames` value `n` as the decoder declares it: int64/int32/float32/float16, a scalar or a [1] tensor.
 *
 * @example
 * numFramesTensor({ name: "num_frames", type: "int64", shape: [] }, 4); // int64 scalar 4
 */
export function numFramesTensor(info: ValueInfo, n: number): ort.Tensor {
  const dims = info.shape.length === 0 ? [] : [1];
  switch (info.type) {
    case "int64":
      return new ort.Tensor("int64", BigInt64Array.of(BigInt(n)), dims);
    case "int32":
      return new ort.Tensor("int32", Int32Array.of(n), dims);
    case "float16":
      return new ort.Tensor("float16", Uint16Array.of(halfBits(n)), dims);
    default:
      return new ort.Tensor("float32", Float32Array.of(n), dims);
  }
}

/**
 * Decodes `latents` [F,4,h,w] in chunks of `chunkSize` frames and hands each chunk to `sink` (awaited), reporting
 * `decode` progress (frames decoded of F) after each and checking for abort before each.
 *
 * @example
 * await decodeFrames(components, latents, { width: 64, height: 64, chunkSize: 4, run, control, sink });
 */
export async function decodeFrames(
  c: SvdComponents,
  latents: Float32Array,
  o: { width: number; height: number; chunkSize: number; run: TimedRun; control: VideoControl; sink: FrameSink },
): Promise<void> {
  const { control } = o;
  const frames = c.frames;
  const chunk = Math.max(1, Math.min(Math.trunc(o.chunkSize), frames));
  let handed = 0;
  for (let first = 0; first < frames; first += chunk) {
    // The previous chunk's buffers went to the sink: dead here unless it kept them (a worker transfers them away).
    releaseDeadOutput(handed);
    checkAborted(control);
    const n = Math.min(chunk, frames - first);
    handed = await decodeChunk(c, latents, first, n, o);
    control.progress?.({ stage: "decode", step: first + n, total: frames });
  }
}

/**
 * Decodes frames `first` … `first + n − 1` and hands them to the sink; resolves with the bytes handed. A function of
 * its own so that no reference to the chunk's output outlives it: the loop above collects the output before the next
 * chunk is decoded, and a variable of the loop's own frame would still hold it then (one more chunk's bytes at once).
 */
async function decodeChunk(
  c: SvdComponents,
  latents: Float32Array,
  first: number,
  n: number,
  o: { width: number; height: number; run: TimedRun; sink: FrameSink },
): Promise<number> {
  const { width, height } = o;
  const io = c.io.vaeDecoder;
  const h = height / 8;
  const w = width / 8;
  const key = shapeKey(n, h, w);
  const inputs = pool.take(c.vaeDecoder, key) ?? {
    latent: reusedFloatTensor(io.latent, new Float32Array(n * 4 * h * w), [n, 4, h, w]),
    numFrames: io.numFrames && numFramesTensor(io.numFrames, n),
  };
  let out: ort.InferenceSession.ReturnType;
  try {
    unscale(latents, first * 4 * h * w, c.index.vaeScalingFactor, inputs.latent.values);
    inputs.latent.refresh();
    const feeds: Record<string, ort.Tensor> = { [io.latent.name]: inputs.latent.tensor };
    if (io.numFrames && inputs.numFrames) feeds[io.numFrames.name] = inputs.numFrames;
    out = await o.run("vae_decoder", c.vaeDecoder, feeds, [io.output]);
  } finally {
    pool.give(c.vaeDecoder, key, inputs);
  }
  const decoded = toChunk(out[io.output] as ort.Tensor, io.rgb, first, n, width, height);
  await o.sink(decoded);
  return decoded.buffers.reduce((bytes, b) => bytes + b.byteLength, 0);
}

/** `out[k] = latents[from + k] / scaling`; out of the async loop so V8 optimises it whole (see conditioning.ts). */
function unscale(latents: Float32Array, from: number, scaling: number, out: Float32Array): void {
  for (let k = 0; k < out.length; k++) out[k] = (latents[from + k] as number) / scaling;
}

/** The decoder's output as frames: views of its 8-bit RGB output (one buffer), or floats converted frame by frame. */
function toChunk(
  tensor: ort.Tensor,
  rgb: boolean,
  first: number,
  n: number,
  width: number,
  height: number,
): FrameChunk {
  const size = width * height * 3;
  if (rgb) {
    const bytes = ownedBytes(tensor.data as Uint8Array);
    const frames: RgbImage[] = Array.from({ length: n }, (_, i) => ({
      width,
      height,
      pixels: n === 1 ? bytes : bytes.subarray(i * size, (i + 1) * size),
    }));
    return { first, frames, buffers: [bytes.buffer as ArrayBuffer] };
  }
  const floats = readFloats(tensor);
  const frames = Array.from({ length: n }, (_, i) => ({
    width,
    height,
    pixels: planesToRgb(floats, width, height, VAE_RGB_OUT, i),
  }));
  return { first, frames, buffers: frames.map((f) => f.pixels.buffer as ArrayBuffer) };
}

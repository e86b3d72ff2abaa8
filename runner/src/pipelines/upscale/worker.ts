/**
 * @module `upscale`, worker half: loads `model.onnx` (a Real-ESRGAN-style model, `input [N,3,H,W]` 0..1 →
 * `output [N,3,sH,sW]`), reads the scale factor from the model by running a small probe, and upscales images in
 * overlapping tiles, reporting each tile (`tiles`) and stopping between tiles when the job is cancelled.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { ownedBytes, type RgbImage } from "../../image/decode.js";
import { readManifest } from "../../models/layout.js";
import { missingModelFile } from "../../models/model-dir.js";
import { readModelFile } from "../../models/special-files.js";
import { fromHalfBits, toHalfBits } from "../../onnx/float16.js";
import { withRgbPixels } from "../../onnx/rgb-output.js";
import { createSession } from "../../onnx/session.js";
import type { WorkerHalf } from "../contract.js";
import { upscalerSignature } from "./signature.js";
import {
  floatChwToRgb,
  type PatchRunner,
  rgbToFloatChw,
  UPSCALE_RGB_IN,
  UPSCALE_RGB_OUT,
  upscaleTiled,
} from "./tiling.js";

const PROBE = 16;

/** Automatic overlap never grows past this: deep models (thick: ~155 px in theory) see far less in practice. */
const MAX_AUTO_OVERLAP = 32;

/**
 * Reads an ESRGAN-style model's scale factor by running it on a 16×16 probe (also warms the session up). `rgb`: the
 * session speaks 8-bit NHWC (see {@link withRgbPixels}) rather than the model's float NCHW.
 * @example await probeScale(session) // 4
 */
export async function probeScale(session: ort.InferenceSession, rgb = false): Promise<number> {
  const input = rgb
    ? new ort.Tensor("uint8", new Uint8Array(3 * PROBE * PROBE).fill(128), [1, PROBE, PROBE, 3])
    : floatInput(session, new Float32Array(3 * PROBE * PROBE).fill(0.5), [1, 3, PROBE, PROBE]);
  const out = (await session.run({ [session.inputNames[0]!]: input }))[session.outputNames[0]!]!;
  const [n, c, h, w] = rgb ? [out.dims[0], out.dims[3], out.dims[1], out.dims[2]] : out.dims;
  if (out.dims.length !== 4 || n !== 1 || c !== 3 || h !== w || h! % PROBE !== 0 || h! < PROBE) {
    const expected = rgb ? `[1,${PROBE}s,${PROBE}s,3]` : `[1,3,${PROBE}s,${PROBE}s]`;
    throw new Error(
      `not an ESRGAN-style upscaler: a [1,3,${PROBE},${PROBE}] input gave [${out.dims.join(",")}], expected ${expected}`,
    );
  }
  return h! / PROBE;
}

/** The element type of the model's input as its metadata declares it (fp16 exports take float16). */
function inputType(session: ort.InferenceSession): "float32" | "float16" {
  const meta = session.inputMetadata?.[0];
  const type = meta?.isTensor ? meta.type : "float32";
  if (type !== "float32" && type !== "float16")
    throw new Error(`an upscaler's input must be float32 or float16, got ${type}`);
  return type;
}

/** A 0..1 input tensor in the model's input type. */
function floatInput(session: ort.InferenceSession, data: Float32Array, dims: number[]): ort.Tensor {
  return inputType(session) === "float16"
    ? new ort.Tensor("float16", toHalfBits(data), dims)
    : new ort.Tensor("float32", data, dims);
}

/** An output tensor as float32, whatever the model returns. */
function floatOutput(tensor: ort.Tensor): Float32Array {
  if (tensor.type === "float32") return tensor.data as Float32Array;
  if (tensor.type === "float16") return fromHalfBits(tensor.data as Uint16Array);
  throw new Error(`an upscaler's output must be float32 or float16, got ${tensor.type}`);
}

/** The worker half's settings (`TILE_SIZE`, `TILE_OVERLAP`). */
export interface UpscaleOptions {
  tileSize: number;
  tileOverlap: number;
}

/** What the loaded upscaler reports. */
export type UpscaleInfo = {
  scale: number;
  input: string;
  input_type: string;
  output: string;
  /** The 8-bit ↔ 0..1 conversions run inside the graph. */
  pixels_in_graph: boolean;
  tile_size: number;
  tile_overlap: number;
  receptive_radius?: number;
};

/** The upscale pipeline's worker half: an RGB image in, the upscaled RGB image out. */
export const upscaleWorker: WorkerHalf<RgbImage, RgbImage, UpscaleOptions, UpscaleInfo> = {
  async load(ctx) {
    const file = join(ctx.modelPath, "model.onnx");
    if (!existsSync(file)) {
      throw new Error(missingModelFile(file, ctx.modelId));
    }
    // The 8-bit ↔ 0..1 conversions join the graph, so ONNX Runtime does them (fused with the model's first and last
    // operators where it can) and the session takes and hands back RGB bytes; other models are converted in JS.
    const bytes = await readModelFile(file);
    // Checked on the file's own graph: after the rewrite its types and channels are hidden from ONNX Runtime.
    const declared = upscalerSignature(bytes, file);
    const fused = withRgbPixels(bytes, { input: UPSCALE_RGB_IN, output: UPSCALE_RGB_OUT });
    if (fused.reason) ctx.log("info", `8-bit conversions run in JS: ${fused.reason}`, { model: file });
    const rgb = fused.bytes !== undefined;
    const { session, provider } = await createSession(fused.bytes ?? file, ctx);
    const scale = await probeScale(session, rgb).catch((cause: Error) => {
      throw new Error(`${file} (input ${declared.input}, output ${declared.output}): ${cause.message}`, { cause });
    });
    const inputName = session.inputNames[0]!;
    const outputName = session.outputNames[0]!;
    const tileSize = ctx.options.tileSize;
    // Enough context for exact tiles when the model's receptive radius is known (slim 11 px, medium 19 px).
    const radius = Number((await readManifest(ctx.modelPath))?.receptive_radius ?? 0);
    const overlap = Math.max(ctx.options.tileOverlap, Math.min(radius, MAX_AUTO_OVERLAP));
    // Short sides are padded (see tiling.ts), except for a model that takes one fixed size: padding would break it.
    const minSide = declared.fixedSize ? 0 : 2 * overlap + 1;
    return {
      provider,
      info: {
        scale,
        input: inputName,
        input_type: fused.replaced?.input ?? inputType(session),
        output: outputName,
        pixels_in_graph: rgb,
        tile_size: tileSize,
        tile_overlap: overlap,
        ...(radius ? { receptive_radius: radius } : {}),
      },
      async run(image, control) {
        const runPatch: PatchRunner = async (patch, w, h) => {
          if (rgb) {
            const result = await session.run({ [inputName]: new ort.Tensor("uint8", patch, [1, h, w, 3]) });
            // Transferred to the HTTP thread: in a buffer of its own.
            return ownedBytes(result[outputName]!.data as Uint8Array);
          }
          const chw = rgbToFloatChw(patch, w, h);
          const result = (await session.run({ [inputName]: floatInput(session, chw, [1, 3, h, w]) }))[outputName]!;
          return floatChwToRgb(floatOutput(result), w * scale, h * scale);
        };
        const out = await upscaleTiled(image, scale, { tileSize, overlap, minSide }, runPatch, control);
        return { output: out, transfer: [out.pixels.buffer as ArrayBuffer] };
      },
      release: () => session.release(),
    };
  },
};

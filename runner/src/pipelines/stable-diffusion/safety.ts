/**
 * @module The safety checker of diffusers' ONNX export (`clip_input [B,3,224,224]`, `images [B,H,W,3]` →
 * `has_nsfw_concepts [B]`), run when the model folder has one. Its inputs are prepared as the pipelines'
 * `CLIPImageProcessor` does: the shortest side resized to 224 (bicubic), the centre 224×224 cropped, scaled to
 * 0..1 and normalised with CLIP's mean and std (float32 or float16, as the export declares) — by the preparation
 * session of safety-preprocess.ts when the runner loaded one, else here with sharp's bicubic (Catmull-Rom, up to ~20
 * levels from PIL on upscales; the session is within one). Images are returned unchanged; only the flags are used.
 */
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import type { RgbImage } from "../../image/decode.js";
import { Lru } from "../../internal/lru.js";
import { type ShapeKey, shapeKey } from "../../internal/shape-pool.js";
import { clipGeometry, CLIP_MEAN as MEAN, CLIP_SIDE as SIDE, CLIP_STD as STD } from "./safety-preprocess.js";
import { describe, floatTensor, requireValue } from "./session-io.js";
import type { TimedRun } from "./vae.js";

/** `value / 255` normalised with CLIP's mean and std, per channel, for every 8-bit value. */
const NORMALISED = [0, 1, 2].map((c) =>
  Float32Array.from({ length: 256 }, (_, v) => (v / 255 - (MEAN[c] as number)) / (STD[c] as number)),
);

/**
 * One flag per image.
 *
 * @example
 * const nsfw = await checkSafety(session, images, run); // [false, true]
 */
export async function checkSafety(
  session: ort.InferenceSession,
  images: RgbImage[],
  run: TimedRun,
  preprocess?: ort.InferenceSession,
): Promise<boolean[]> {
  // Only the flag: the checker's image output (the input, or black where NSFW) is not used.
  const flagName = session.outputNames.includes("has_nsfw_concepts")
    ? "has_nsfw_concepts"
    : (session.outputNames.at(-1) as string);
  const flags: boolean[] = [];
  for (const image of images) {
    const feeds = preprocess ? await preparedFeeds(preprocess, image, run) : await jsFeeds(session, image);
    const out = await run("safety_checker", session, feeds, [flagName]);
    flags.push(Boolean(out[flagName]?.data[0]));
  }
  return flags;
}

/** The checker's inputs for one image, from the preparation session. */
async function preparedFeeds(
  preprocess: ort.InferenceSession,
  image: RgbImage,
  run: TimedRun,
): Promise<Record<string, ort.Tensor>> {
  const { width, height, pixels } = image;
  const geometry = geometries.getOrSet(shapeKey(1, height, width), () => geometryFeeds(width, height));
  const out = await run("safety_preprocess", preprocess, {
    column_sizes: geometry.column_sizes,
    resize_sizes: geometry.resize_sizes,
    crop_starts: geometry.crop_starts,
    crop_ends: geometry.crop_ends,
    pixels: new ort.Tensor("uint8", pixels, [1, height, width, 3]),
  });
  return { clip_input: out.clip_input as ort.Tensor, images: out.images as ort.Tensor };
}

/** The preparation session's geometry inputs for one image size. */
interface GeometryFeeds {
  column_sizes: ort.Tensor;
  resize_sizes: ort.Tensor;
  crop_starts: ort.Tensor;
  crop_ends: ort.Tensor;
}

const geometries = new Lru<ShapeKey, GeometryFeeds>(8);

function geometryFeeds(width: number, height: number): GeometryFeeds {
  const { resized, top, left } = clipGeometry(width, height);
  const ints = (...v: number[]) => new ort.Tensor("int64", BigInt64Array.from(v, BigInt), [v.length]);
  return {
    column_sizes: ints(1, 3, height, resized[1]),
    resize_sizes: ints(1, 3, ...resized),
    crop_starts: ints(top, left),
    crop_ends: ints(top + SIDE, left + SIDE),
  };
}

/** The checker's inputs for one image, computed here. */
async function jsFeeds(session: ort.InferenceSession, image: RgbImage): Promise<Record<string, ort.Tensor>> {
  const { width, height, pixels } = image;
  const clip = await clipInput(image);
  const hwc = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) hwc[i] = (pixels[i] as number) / 255;
  const inputs = describe(session, "input");
  return {
    clip_input: floatTensor(requireValue(inputs, "clip_input", "safety_checker"), clip, [1, 3, SIDE, SIDE]),
    images: floatTensor(requireValue(inputs, "images", "safety_checker"), hwc, [1, height, width, 3]),
  };
}

/**
 * The CLIP input of one image, `[3,224,224]` planes: shortest side to 224 (bicubic), centre crop, normalised.
 * @example const clip = await clipInput({ width: 512, height: 768, pixels }); // Float32Array(3 * 224 * 224)
 */
export async function clipInput(image: RgbImage): Promise<Float32Array> {
  const { width, height, pixels } = image;
  const resized = await sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), {
    raw: { width, height, channels: 3 },
  })
    .resize(SIDE, SIDE, { fit: "cover", position: "centre", kernel: "cubic" })
    .raw()
    .toBuffer();
  const plane = SIDE * SIDE;
  const clip = new Float32Array(3 * plane);
  const [r, g, b] = NORMALISED as [Float32Array, Float32Array, Float32Array];
  for (let i = 0, p = 0; i < plane; i++, p += 3) {
    clip[i] = r[resized[p] as number] as number;
    clip[i + plane] = g[resized[p + 1] as number] as number;
    clip[i + 2 * plane] = b[resized[p + 2] as number] as number;
  }
  return clip;
}

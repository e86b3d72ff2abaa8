/**
 * @module The safety checker of diffusers' ONNX export (`clip_input [B,3,224,224]`, `images [B,H,W,3]` →
 * `has_nsfw_concepts [B]`), run when the model folder has one. The CLIP input is prepared as the pipelines'
 * `CLIPImageProcessor` does: the shortest side resized to 224 (bicubic), the centre 224×224 cropped, scaled to
 * 0..1 and normalised with CLIP's mean and std (float32 or float16, as the export declares). Images are returned
 * unchanged; only the flags are used.
 */
import type * as ort from "onnxruntime-node";
import sharp from "sharp";
import type { RgbImage } from "../../image/decode.js";
import { describe, floatTensor, requireValue } from "./session-io.js";
import type { TimedRun } from "./vae.js";

const MEAN = [0.48145466, 0.4578275, 0.40821073];
const STD = [0.26862954, 0.26130258, 0.27577711];
const SIDE = 224;
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
): Promise<boolean[]> {
  const flags: boolean[] = [];
  for (const image of images) {
    const { width, height, pixels } = image;
    const clip = await clipInput(image);
    const hwc = new Float32Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) hwc[i] = (pixels[i] as number) / 255;
    const inputs = describe(session, "input");
    const out = await run("safety_checker", session, {
      clip_input: floatTensor(requireValue(inputs, "clip_input", "safety_checker"), clip, [1, 3, SIDE, SIDE]),
      images: floatTensor(requireValue(inputs, "images", "safety_checker"), hwc, [1, height, width, 3]),
    });
    const flag = out.has_nsfw_concepts ?? out[session.outputNames.at(-1) as string];
    flags.push(Boolean(flag?.data[0]));
  }
  return flags;
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

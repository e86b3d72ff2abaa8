/**
 * @module The safety checker of diffusers' ONNX export (`clip_input [B,3,224,224]`, `images [B,H,W,3]` →
 * `has_nsfw_concepts [B]`), run when the model folder has one. The CLIP input is the image resized to 224×224
 * (float32 or float16, as the export declares; nearest neighbour — simpler than the feature extractor's bicubic resize and centre crop) and normalised with CLIP's
 * mean and std. Images are returned unchanged; only the flags are used.
 */
import type * as ort from "onnxruntime-node";
import type { RgbImage } from "../../image/decode.js";
import { describe, floatTensor, requireValue } from "./session-io.js";
import type { TimedRun } from "./vae.js";

const MEAN = [0.48145466, 0.4578275, 0.40821073];
const STD = [0.26862954, 0.26130258, 0.27577711];
const SIDE = 224;

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
  const plane = SIDE * SIDE;
  for (const image of images) {
    const { width, height, pixels } = image;
    const clip = new Float32Array(3 * plane);
    const columns = Int32Array.from(
      { length: SIDE },
      (_, x) => Math.min(width - 1, Math.floor(((x + 0.5) * width) / SIDE)) * 3,
    );
    for (let c = 0; c < 3; c++) {
      const scale = 1 / (255 * (STD[c] as number));
      const shift = (MEAN[c] as number) / (STD[c] as number);
      for (let y = 0; y < SIDE; y++) {
        const row = Math.min(height - 1, Math.floor(((y + 0.5) * height) / SIDE)) * width * 3 + c;
        const at = c * plane + y * SIDE;
        for (let x = 0; x < SIDE; x++) clip[at + x] = (pixels[row + (columns[x] as number)] as number) * scale - shift;
      }
    }
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

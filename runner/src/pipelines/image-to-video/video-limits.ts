/**
 * @module The request-side rules of image-to-video, for the HTTP half to call before queueing a job: Livepeer's
 * defaults, Livepeer's size rule (multiples of 8, its 400 message), the frame budget (width × height × frames × steps
 * ≤ a limit, a 400 that names the product and the limit), the conditioning image's minimum size, the guidance ramp
 * and the seed.
 */
import { BadRequestError } from "../../errors.js";
import type { RgbImage } from "../../image/decode.js";
import { checkDivisibleBy8, requestSeed } from "../stable-diffusion/http-common.js";
import type { VideoParams } from "./video-job.js";

/**
 * Defaults of the request fields: Livepeer's (height 576, width 1024, fps 6, motion_bucket_id 127,
 * noise_aug_strength 0.02, 25 steps), diffusers' guidance ramp (1.0 → 3.0), and 4 frames per decoder call (the chunk
 * Livepeer's ai-runner passes to diffusers when the request names none, to bound the decoder's memory), and the
 * safety check on (Livepeer's default; it runs only when the model folder has a checker).
 */
export const VIDEO_DEFAULTS = {
  height: 576,
  width: 1024,
  fps: 6,
  motionBucketId: 127,
  noiseAugStrength: 0.02,
  numInferenceSteps: 25,
  minGuidanceScale: 1.0,
  maxGuidanceScale: 3.0,
  decodeChunkSize: 4,
  safetyCheck: true,
} as const;

/**
 * Default frame budget: 1024 × 576 px × 25 frames × 50 steps (twice Livepeer's default request on SVD-XT), the
 * default of the runner's `MAX_VIDEO_WORK` setting.
 */
export const DEFAULT_MAX_VIDEO_WORK = 1024 * 576 * 25 * 50;

/** The smallest conditioning image side: the antialiasing blur pads by reflection, which needs a few pixels. */
export const MIN_CONDITIONING_SIDE = 8;

/**
 * Livepeer's rule for generated sizes (the same message as text-to-image).
 *
 * @throws {BadRequestError} (400) "Height and width must be divisible by 8, got height 500 and width 512".
 * @example
 * checkVideoSize(576, 1024); // ok
 */
export function checkVideoSize(height: number, width: number): void {
  checkDivisibleBy8(height, width);
}

/**
 * The frame budget of one request; `frames` is the model's frame count (the worker reports it as `num_frames`).
 *
 * @throws {BadRequestError} (400) naming the product and the limit.
 * @example
 * checkVideoWork({ width: 1024, height: 576, frames: 25, steps: 25 }, DEFAULT_MAX_VIDEO_WORK); // ok
 */
export function checkVideoWork(
  w: { width: number; height: number; frames: number; steps: number },
  limit: number,
): void {
  const work = w.width * w.height * w.frames * w.steps;
  if (work > limit) {
    throw new BadRequestError(
      `request too large: width×height×frames×num_inference_steps = ${w.width}×${w.height}×${w.frames}×${w.steps} = ${work} exceeds this runner's frame budget of ${limit} (MAX_VIDEO_WORK); ask for fewer pixels or steps (this model makes ${w.frames} frames)`,
    );
  }
}

/**
 * The conditioning image must be at least {@link MIN_CONDITIONING_SIDE} px on each side.
 *
 * @throws {BadRequestError} (400) naming its size.
 * @example
 * checkConditioningImage({ width: 4, height: 4, pixels }); // throws
 */
export function checkConditioningImage(image: Pick<RgbImage, "width" | "height">): void {
  if (image.width < MIN_CONDITIONING_SIDE || image.height < MIN_CONDITIONING_SIDE) {
    throw new BadRequestError(
      `image must be at least ${MIN_CONDITIONING_SIDE}×${MIN_CONDITIONING_SIDE} px, got ${image.width}×${image.height}`,
    );
  }
}

/**
 * The guidance ramp must not fall: diffusers decides whether guidance runs from the maximum alone, so a minimum above
 * it is either ignored or, in diffusers, a failure; the request is refused instead.
 *
 * @throws {BadRequestError} (400) naming both values.
 * @example
 * checkGuidance(1, 3); // ok
 */
export function checkGuidance(min: number, max: number): void {
  if (min > max) {
    throw new BadRequestError(
      `min_guidance_scale (${min}) must not exceed max_guidance_scale (${max}); the guidance ramps from the first frame's min to the last frame's max`,
    );
  }
}

/** Request fields as they arrive (optional ones may be missing; names as in the spec). */
export interface VideoRequestFields {
  height?: number | undefined;
  width?: number | undefined;
  fps?: number | undefined;
  motion_bucket_id?: number | undefined;
  noise_aug_strength?: number | undefined;
  num_inference_steps?: number | undefined;
  seed?: number | undefined;
  min_guidance_scale?: number | undefined;
  max_guidance_scale?: number | undefined;
  decode_chunk_size?: number | undefined;
  safety_check?: boolean | undefined;
}

/**
 * The job of a validated request: defaults filled in, then every check above (`frames` from the loaded model,
 * `maxWork` from the runner's settings). A missing seed is drawn at random (and is the one to report back).
 *
 * @throws {BadRequestError} (400) for a size that is not a multiple of 8, a request over the frame budget, a tiny image or a
 * falling guidance ramp.
 * @example
 * const params = videoParams(body, image, { frames: 14, maxWork: DEFAULT_MAX_VIDEO_WORK });
 */
export function videoParams(
  fields: VideoRequestFields,
  image: RgbImage,
  model: { frames: number; maxWork: number },
): VideoParams {
  const d = VIDEO_DEFAULTS;
  const height = fields.height ?? d.height;
  const width = fields.width ?? d.width;
  const steps = fields.num_inference_steps ?? d.numInferenceSteps;
  checkVideoSize(height, width);
  checkVideoWork({ width, height, frames: model.frames, steps }, model.maxWork);
  checkConditioningImage(image);
  const minGuidanceScale = fields.min_guidance_scale ?? d.minGuidanceScale;
  const maxGuidanceScale = fields.max_guidance_scale ?? d.maxGuidanceScale;
  checkGuidance(minGuidanceScale, maxGuidanceScale);
  return {
    image,
    width,
    height,
    fps: fields.fps ?? d.fps,
    motionBucketId: fields.motion_bucket_id ?? d.motionBucketId,
    noiseAugStrength: fields.noise_aug_strength ?? d.noiseAugStrength,
    numInferenceSteps: steps,
    seed: requestSeed(fields.seed, 1),
    minGuidanceScale,
    maxGuidanceScale,
    decodeChunkSize: fields.decode_chunk_size ?? d.decodeChunkSize,
    safetyCheck: fields.safety_check ?? d.safetyCheck,
  };
}

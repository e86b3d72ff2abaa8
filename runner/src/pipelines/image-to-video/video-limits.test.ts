/** @module The request-side rules of image-to-video: defaults, sizes, the frame budget, the image, guidance, seeds. */
import { describe, expect, it } from "vitest";
import { testCard } from "./tiny-svd-harness.js";
import {
  checkConditioningImage,
  checkVideoWork,
  DEFAULT_MAX_VIDEO_WORK,
  VIDEO_DEFAULTS,
  videoParams,
} from "./video-limits.js";

const model = { frames: 25, maxWork: DEFAULT_MAX_VIDEO_WORK };

describe("image-to-video request rules", () => {
  it("fills in Livepeer's defaults and ours, and keeps what the request says", () => {
    const image = testCard(64, 40);
    const p = videoParams({ seed: 7 }, image, model);
    expect(p).toEqual({
      image,
      width: 1024,
      height: 576,
      fps: 6,
      motionBucketId: 127,
      noiseAugStrength: 0.02,
      numInferenceSteps: 25,
      seed: 7,
      minGuidanceScale: 1,
      maxGuidanceScale: 3,
      decodeChunkSize: VIDEO_DEFAULTS.decodeChunkSize,
      safetyCheck: true,
    });
    const q = videoParams(
      {
        width: 64,
        height: 32,
        fps: 12,
        motion_bucket_id: 0,
        noise_aug_strength: 0,
        num_inference_steps: 4,
        max_guidance_scale: 1,
        min_guidance_scale: 1,
        decode_chunk_size: 2,
        safety_check: false,
      },
      image,
      model,
    );
    expect(q).toMatchObject({
      width: 64,
      height: 32,
      fps: 12,
      motionBucketId: 0,
      noiseAugStrength: 0,
      numInferenceSteps: 4,
      maxGuidanceScale: 1,
      decodeChunkSize: 2,
      safetyCheck: false,
    });
  });

  it("draws a seed when none is given", () => {
    const seeds = new Set(Array.from({ length: 5 }, () => videoParams({}, testCard(8, 8), model).seed));
    expect(seeds.size).toBeGreaterThan(1);
    for (const s of seeds) expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
  });

  it("answers Livepeer's 400 for sizes that are not multiples of 8", () => {
    expect(() => videoParams({ width: 1000, height: 570 }, testCard(8, 8), model)).toThrow(
      expect.objectContaining({
        name: "BadRequestError",
        message: "Height and width must be divisible by 8, got height 570 and width 1000",
      }),
    );
  });

  it("states the frame budget: the product, the limit and the model's frame count", () => {
    // Livepeer's default request on SVD-XT fits the default budget; twice the steps exactly reaches it.
    expect(() =>
      checkVideoWork({ width: 1024, height: 576, frames: 25, steps: 50 }, DEFAULT_MAX_VIDEO_WORK),
    ).not.toThrow();
    expect(() => videoParams({ num_inference_steps: 51 }, testCard(8, 8), model)).toThrow(
      expect.objectContaining({
        name: "BadRequestError",
        message:
          "request too large: width×height×frames×num_inference_steps = 1024×576×25×51 = 752025600 exceeds this runner's frame budget of 737280000 (MAX_VIDEO_WORK); ask for fewer pixels or steps (this model makes 25 frames)",
      }),
    );
    expect(() => checkVideoWork({ width: 64, height: 64, frames: 14, steps: 2 }, 64 * 64 * 14)).toThrow(
      /frame budget of 57344/,
    );
  });

  it("refuses a conditioning image under 8×8 and a falling guidance ramp", () => {
    expect(() => checkConditioningImage({ width: 8, height: 7 })).toThrow(
      expect.objectContaining({ name: "BadRequestError", message: "image must be at least 8×8 px, got 8×7" }),
    );
    expect(() => videoParams({ min_guidance_scale: 2.5, max_guidance_scale: 2 }, testCard(8, 8), model)).toThrow(
      expect.objectContaining({
        name: "BadRequestError",
        message: expect.stringMatching(/^min_guidance_scale \(2\.5\) must not exceed max_guidance_scale \(2\)/),
      }),
    );
  });
});

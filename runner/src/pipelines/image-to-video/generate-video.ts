/**
 * @module One image-to-video generation, as diffusers' `StableVideoDiffusionPipeline.__call__` computes it: the CLIP
 * embedding of the image (zeros for the unconditional half under guidance), the noise-augmented image's VAE latents,
 * `added_time_ids = [fps − 1, motion_bucket_id, noise_aug_strength]` ("SVD was conditioned on fps − 1"), the scheduler's
 * initial noise (σ-scaled, from the same seeded stream after the image's noise), the denoising loop with the per-frame
 * guidance ramp `linspace(min_guidance_scale, max_guidance_scale, frames)` (guidance runs when max > 1), and chunked
 * temporal decoding whose frames go to the caller as they are made.
 */
import { batchNoise, guidanceRamp, type NoiseSource, scale } from "../../schedulers/index.js";
import { type RunObserver, timedRunner } from "../stable-diffusion/vae.js";
import { fitImage, imageEmbeddings, imageLatents } from "./conditioning.js";
import { decodeFrames } from "./decode-frames.js";
import { freeNow, releaseDeadOutput } from "./release-outputs.js";
import type { SvdComponents } from "./svd-load.js";
import { denoiseVideo } from "./video-denoise.js";
import { checkAborted, type FrameSink, type VideoControl, type VideoParams, type VideoResult } from "./video-job.js";
import { checkGuidance, checkVideoSize } from "./video-limits.js";

/** What a caller of {@link generateVideo} may add: an observer of the sessions, and whether the image is handed over. */
export interface GenerateOptions {
  /** Told of each `session.run` (the benchmark's floor). */
  onRun?: RunObserver;
  /**
   * The image's pixels are this generation's to free: once both conditionings are made, their buffer is freed at
   * once (`freeNow`, when at least {@link FREED_IMAGE_BYTES}) and their views are detached. A 1024×576 image is 1.7 MB
   * that otherwise stays alive until the generation ends (the params hold it). Leave it unset when the image is read
   * again after the call.
   */
  ownsImage?: boolean;
}

/**
 * An owned image of this many bytes or more is freed once conditioned (256 KiB, about 300×300 px); a smaller one is
 * left to the collector, since freeing costs ~40 µs and a small image is a small part of the request's memory.
 */
export const FREED_IMAGE_BYTES = 256 * 1024;

/**
 * Generates a video: frames reach `onFrames` chunk by chunk (8-bit RGB, `width`×`height`, in order), progress and
 * abort go through `control`, and `options` may free the image early ({@link GenerateOptions}). Resolves with the
 * counts and times once the last chunk was handed out; rejects with the control's abort error (or
 * {@link VideoAbortedError}) when aborted between steps or chunks, and with a `BadRequestError` 400 for a size that is
 * not a multiple of 8 or a guidance ramp that falls.
 *
 * @example
 * const frames: RgbImage[] = [];
 * const result = await generateVideo(components, params, control, (chunk) => void frames.push(...chunk.frames));
 */
export async function generateVideo(
  c: SvdComponents,
  p: VideoParams,
  control: VideoControl,
  onFrames: FrameSink,
  options: GenerateOptions = {},
): Promise<VideoResult> {
  const started = performance.now();
  checkVideoSize(p.height, p.width);
  checkGuidance(p.minGuidanceScale, p.maxGuidanceScale);
  const sessionMs: Record<string, number> = {};
  const run = timedRunner(sessionMs, options.onRun);
  const frames = c.frames;
  const h = p.height / 8;
  const w = p.width / 8;
  const guided = p.maxGuidanceScale > 1;
  const plan = c.scheduler.plan(p.numInferenceSteps);
  const noise = batchNoise([p.seed]);

  checkAborted(control);
  const embeds = await imageEmbeddings(c, p.image, run);
  const fitted = await fitImage(p.image, p.width, p.height);
  const image = await imageLatents(c, fitted, p.noiseAugStrength, noise, run);
  if (options.ownsImage) freeNow([p.image.pixels.buffer], FREED_IMAGE_BYTES);

  const latents = await denoiseVideo(c, {
    plan,
    h,
    w,
    ramp: guided ? Float32Array.from(guidanceRamp(p.minGuidanceScale, p.maxGuidanceScale, frames)) : undefined,
    embeds,
    imageLatents: image,
    timeIds: [p.fps - 1, p.motionBucketId, p.noiseAugStrength],
    latents: initialLatents(noise, frames * 4 * h * w, plan.initNoiseSigma),
    noise,
    run,
    control,
  });
  // The last UNet output and a large loop's arrays (its `sample`, [B,F,8,h,w]) were let go (release-outputs.ts):
  // collect them before the decoder's working set grows.
  releaseDeadOutput((guided ? 4 : 2) * latents.byteLength);
  await decodeFrames(c, latents, {
    width: p.width,
    height: p.height,
    chunkSize: p.decodeChunkSize,
    run,
    control,
    sink: onFrames,
  });
  return {
    frames,
    width: p.width,
    height: p.height,
    steps: plan.timesteps.length,
    guided,
    sessionMs,
    totalMs: performance.now() - started,
  };
}

/** The scheduler's initial latents σ·ε (a function of its own, so no caller's frame keeps them once the loop drops them). */
function initialLatents(noise: NoiseSource, count: number, sigma: number): Float32Array {
  const drawn = noise(count);
  scale(sigma, drawn, drawn);
  return drawn;
}

/**
 * @module The HTTP side shared by text-to-image and image-to-image: the Livepeer size rule (multiples of 8), the
 * work limit (width × height × images × steps ≤ MAX_SD_WORK), seeds, the worker's job from the request's common fields,
 * and turning the worker's images into `Media`.
 */
import { randomInt } from "node:crypto";
import { BadRequestError } from "../../errors.js";
import { encodePng, mediaResponse } from "../../image/encode.js";
import type { Logger } from "../../log.js";
import type { SdJob, SdResult } from "./job.js";

/** The body fields text-to-image and image-to-image share (defaults filled in by the validator). */
export interface SdRequestFields {
  prompt: string;
  negative_prompt: string;
  guidance_scale: number;
  num_inference_steps: number;
  num_images_per_prompt: number;
  safety_check: boolean;
}

/**
 * The worker's job: the request's common fields plus what the pipeline worked out (seed, size, LoRAs, init image).
 * @example sdJob(body, { seed, width: body.width, height: body.height, loras: parseLoras(body.loras) })
 */
export function sdJob(body: SdRequestFields, rest: Pick<SdJob, "seed" | "width" | "height" | "loras" | "init">): SdJob {
  return {
    prompt: body.prompt,
    negativePrompt: body.negative_prompt,
    guidanceScale: body.guidance_scale,
    numInferenceSteps: body.num_inference_steps,
    numImages: body.num_images_per_prompt,
    ...rest,
    safetyCheck: body.safety_check,
  };
}

/**
 * Livepeer's rule for generated sizes.
 *
 * @throws {BadRequestError} "Height and width must be divisible by 8 …".
 * @example
 * checkDivisibleBy8(512, 500); // throws
 */
export function checkDivisibleBy8(height: number, width: number): void {
  if (height % 8 !== 0 || width % 8 !== 0) {
    throw new BadRequestError(`Height and width must be divisible by 8, got height ${height} and width ${width}`);
  }
}

/**
 * The compute limit of one request.
 *
 * @throws {BadRequestError} naming the product and the limit.
 * @example
 * checkWork({ width: 1024, height: 1024, images: 4, steps: 50 }, 209_715_200); // ok, exactly at the default limit
 */
export function checkWork(w: { width: number; height: number; images: number; steps: number }, limit: number): void {
  const work = w.width * w.height * w.images * w.steps;
  if (work > limit) {
    throw new BadRequestError(
      `request too large: width×height×num_images_per_prompt×steps = ${w.width}×${w.height}×${w.images}×${w.steps} = ${work} exceeds this runner's limit of ${limit} (MAX_SD_WORK); ask for fewer pixels, images or steps`,
    );
  }
}

/**
 * The request's seed, or a random one (Livepeer draws one and reports it); image i uses seed + i, which must stay
 * an exact integer.
 *
 * @example
 * requestSeed(undefined, 2); // e.g. 3141592653
 */
export function requestSeed(seed: number | undefined, images: number): number {
  const s = seed ?? randomInt(0, 2 ** 32);
  if (s > Number.MAX_SAFE_INTEGER - (images - 1)) {
    throw new BadRequestError(
      `seed + num_images_per_prompt − 1 must be ≤ ${Number.MAX_SAFE_INTEGER} (image i uses seed + i), got seed ${s}`,
    );
  }
  return s;
}

/**
 * The `{images: Media[]}` answer from the worker's result: PNG data URLs (zlib level `pngCompression`, the runner's
 * `PNG_COMPRESSION`), seed + i, the safety flags; truncation is logged.
 *
 * @example
 * return toImageResponse(result, seed, ctx.log, ctx.config.pngCompression);
 */
export async function toImageResponse(result: SdResult, seed: number, log: Logger, pngCompression: number) {
  if (result.truncated.prompt > 0 || result.truncated.negativePrompt > 0) {
    log.warn("prompt truncated to the text encoder's 77 tokens", {
      prompt_tokens_cut: result.truncated.prompt,
      negative_prompt_tokens_cut: result.truncated.negativePrompt,
      cut_text: result.truncated.text,
    });
  }
  const images = await Promise.all(
    result.images.map(async (image, i) => ({
      png: await encodePng(image, pngCompression),
      seed: seed + i,
      nsfw: result.nsfw[i] ?? false,
    })),
  );
  return mediaResponse(images);
}

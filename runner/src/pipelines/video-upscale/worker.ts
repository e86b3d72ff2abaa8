/**
 * @module `video-upscale`, worker half: the upscale pipeline's worker (same models, same tiling, one frame per
 * call), loaded only once ffmpeg has passed its start-up check, so a runner without a usable ffmpeg reports `ERROR`
 * with what is missing and how to install it instead of failing every request.
 */

import type { RgbImage } from "../../image/decode.js";
import { checkFfmpeg } from "../../video/ffmpeg-binaries.js";
import type { WorkerHalf } from "../contract.js";
import { type UpscaleInfo, type UpscaleOptions, upscaleWorker } from "../upscale/worker.js";

/** The video upscale pipeline's worker half: an RGB frame in, the upscaled frame out. */
export const videoUpscaleWorker: WorkerHalf<RgbImage, RgbImage, UpscaleOptions, UpscaleInfo & { ffmpeg: string }> = {
  async load(ctx) {
    const { version } = await checkFfmpeg();
    const loaded = await upscaleWorker.load(ctx);
    return { ...loaded, info: { ...loaded.info, ffmpeg: version } };
  },
};

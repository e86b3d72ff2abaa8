/**
 * @module The `video-upscale` pipeline (`POST /video-upscale`): every frame of an uploaded video through the same
 * ESRGAN worker as `/upscale` (same models, same tiling), streamed decode → upscale → encode in one queue slot
 * (`upscale-video.ts`), answered as one H.264 mp4 `data:` URL. The upload is probed against the runner's video
 * limits before the job is queued, so a refused video never waits for a slot or starts a decoder.
 */
import { randomInt } from "node:crypto";
import type { RgbImage } from "../../image/decode.js";
import { checkVideoLimits, videoLimitsInfo } from "../../video/limits.js";
import { probeVideo } from "../../video/probe.js";
import { definePipeline } from "../define.js";
import type { UpscaleInfo, UpscaleOptions } from "../upscale/worker.js";
import { WORKER_HALVES } from "../worker-halves.js";
import { upscaleVideo } from "./upscale-video.js";
import { mp4Response, saveUpload, videoLimitsOf } from "./video-upload.js";

/** Tile progress of single frames is not the job's progress: the job reports frames. */
const quiet = () => {};

/** The video upscale pipeline. */
export const videoUpscale = definePipeline<"genVideoUpscale", "seed", RgbImage, RgbImage, UpscaleOptions, UpscaleInfo>({
  name: "video-upscale",
  operationId: "genVideoUpscale",
  optional: ["seed"],
  worker: WORKER_HALVES["video-upscale"],
  loadOptions: (config) => ({ tileSize: config.tileSize, tileOverlap: config.tileOverlap }),
  verify: async () => (await import("../upscale/verify.js")).verifyUpscaler,
  // The models are `/upscale`'s (installed from its catalog entries): listing them twice would list them twice.
  catalog: [],
  info: (config) => ({ video_limits: videoLimitsInfo(videoLimitsOf(config)) }),

  async handle(body, ctx) {
    const limits = videoLimitsOf(ctx.config);
    const scratch = await saveUpload(body.video as Blob);
    try {
      const probe = await probeVideo(scratch.upload, {
        limits,
        scale: ctx.modelInfo().scale ?? 1,
        imageHint: "to upscale one image, use /upscale",
      });
      const seed = body.seed ?? randomInt(0, 2 ** 32);
      await ctx.session(async (run, control) => {
        // The model may have finished loading after the probe: the output limit with its real factor.
        const scale = ctx.modelInfo().scale ?? 1;
        checkVideoLimits({ width: probe.video.width, height: probe.video.height }, limits, scale);
        await upscaleVideo({
          probe,
          output: scratch.output,
          scale,
          control,
          upscaleFrame: async (pixels, width, height) => {
            const out = await run({ width, height, pixels }, { transfer: [pixels.buffer], onProgress: quiet });
            return out.pixels;
          },
        });
      });
      return await mp4Response(scratch.output, seed);
    } finally {
      await scratch.remove();
    }
  },
});

/**
 * @module The `image-to-video` pipeline (`POST /image-to-video`), Stable Video Diffusion as diffusers'
 * `StableVideoDiffusionPipeline` computes it. HTTP half: decodes the conditioning image (type from its bytes, limits
 * from its header), applies Livepeer's size rule, the frame budget (`MAX_VIDEO_WORK`, counted with the loaded model's
 * frame count) and the guidance ramp, moves the pixels to the worker, and answers Livepeer's `{frames: Media[][]}`
 * with PNG data URLs, streamed frame by frame. No SVD layout ships a safety checker, so `safety_check` is accepted and
 * `nsfw` is false. Worker half: `worker.ts`.
 */
import { decodeImage, ownedBytes } from "../../image/decode.js";
import { SVD_TINY_ENTRIES } from "../../models/factory/svd-catalog.js";
import { definePipeline } from "../define.js";
import { framesResponse } from "./frames-response.js";
import { checkVideoSize, videoParams } from "./video-limits.js";

/** Frames assumed before the model has said (SVD-XT's 25; requests are refused until the model has loaded anyway). */
const FRAMES_BEFORE_LOAD = 25;

/** The image-to-video pipeline. */
export const imageToVideo = definePipeline({
  name: "image-to-video",
  operationId: "genImageToVideo",
  optional: ["seed"],
  worker: async () => (await import("./worker.js")).svdWorker,
  verify: async () => (await import("./verify-svd.js")).verifySvdModel,
  catalog: SVD_TINY_ENTRIES,

  async prepare(body, ctx) {
    // The size rule first: a wrong size is refused before the upload is decoded.
    checkVideoSize(body.height, body.width);
    const image = await decodeImage(new Uint8Array(await body.image.arrayBuffer()), {
      maxSide: ctx.config.maxImageSide,
      maxPixels: ctx.config.maxInputPixels,
    });
    const frames = ctx.modelInfo().num_frames ?? FRAMES_BEFORE_LOAD;
    const params = videoParams(body, image, { frames, maxWork: ctx.config.maxVideoWork });
    const pixels = ownedBytes(image.pixels);
    return {
      job: { ...params, image: { ...image, pixels } },
      transfer: [pixels.buffer as ArrayBuffer],
      state: { seed: params.seed },
    };
  },

  respond: (output, { seed }, ctx) =>
    framesResponse(output.frames, { seed, nsfw: false, pngCompression: ctx.config.pngCompression }),
});

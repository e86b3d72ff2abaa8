/**
 * @module The `image-to-video` pipeline (`POST /image-to-video`), Stable Video Diffusion as diffusers'
 * `StableVideoDiffusionPipeline` computes it. HTTP half: decodes the conditioning image (type from its bytes, limits
 * from its header), applies Livepeer's size rule, the frame budget (`MAX_VIDEO_WORK`, counted with the loaded model's
 * frame count) and the guidance ramp, moves the pixels to the worker, and answers Livepeer's `{frames: Media[][]}`
 * with PNG data URLs, streamed frame by frame: the worker hands the video out in batches of whole decoder chunks
 * ({@link FRAME_BATCH_BYTES}), one worker call each inside one queue slot, and the next batch is asked for once the
 * previous one is encoded and its pixels collected, so the process holds one batch of frames at a time and the
 * decoder's next output reuses the last one's memory (decoding it meanwhile cost ~14 MB more at 1024×576 and saved
 * only the PNG encoding of one chunk, milliseconds against a real decoder's seconds).
 * The answer starts with the first batch: a failure before it (bad input, the denoising loop, the first decoder
 * chunk) is an error status as for any pipeline; one after it ends the stream early. `safety_check` runs the model
 * folder's safety checker, when it has one, on the conditioning image (the worker's `start` job, before generating;
 * its first batch says the flag), and every frame carries the flag. Worker half: `worker.ts`.
 */
import { decodeImage, ownedBytes } from "../../image/decode.js";
import { mark } from "../../internal/timeline.js";
import { SVD_TINY_ENTRIES } from "../../models/factory/svd-catalog.js";
import { progressUntil } from "../../server/answer-progress.js";
import { definePipeline } from "../define.js";
import { WORKER_HALVES } from "../worker-halves.js";
import { FrameFeed, framesResponse } from "./frames-response.js";
import { checkVideoSize, MIN_CONDITIONING_SIDE, videoParams } from "./video-limits.js";
import type { SvdInfo, VideoJob, VideoOutput } from "./worker.js";

/** Frames assumed before the model has said (SVD-XT's 25; requests are refused until the model has loaded anyway). */
const FRAMES_BEFORE_LOAD = 25;

/**
 * The worker hands out whole decoder chunks until a batch holds this many bytes: one chunk per call at 1024×576
 * (4 frames, 7 MB, at the default `decode_chunk_size`), the whole video in one call for small sizes (14 frames of
 * 64×64 are 172 kB), where more calls would only add thread hops.
 */
export const FRAME_BATCH_BYTES = 4 * 1024 * 1024;

/**
 * The worker's V8 young generation, in MB (V8's default allows 48). A cold worker's first 25-frame 1024×576 request
 * makes ~50 MB of short-lived heap objects before its first denoising step (`--trace-gc`: six scavenges of ~8 MB each),
 * and V8 grows the worker's heap from 3 to ~30 MB committed for them, pages the process still holds in the denoising
 * loop. With the young generation capped here, that request's peak is ~9 MB lower (round 10 in
 * runner/docs/performance.md), with the same frames and no measured cost in speed; a cap of 24 MB or more no longer
 * lowered the peak.
 */
export const SVD_WORKER_YOUNG_GENERATION_MB = 12;

/** The image-to-video pipeline. */
export const imageToVideo = definePipeline<
  "genImageToVideo",
  "seed",
  VideoJob,
  VideoOutput,
  Record<string, never>,
  SvdInfo
>({
  name: "image-to-video",
  operationId: "genImageToVideo",
  optional: ["seed"],
  worker: WORKER_HALVES["image-to-video"],
  verify: async () => (await import("./verify-svd.js")).verifySvdModel,
  catalog: SVD_TINY_ENTRIES,
  workerResourceLimits: { maxYoungGenerationSizeMb: SVD_WORKER_YOUNG_GENERATION_MB },

  async handle(body, ctx) {
    // The size rule first: a wrong size is refused before the upload is decoded.
    checkVideoSize(body.height, body.width);
    const image = await decodeImage(new Uint8Array(await body.image.arrayBuffer()), {
      maxSide: ctx.config.maxImageSide,
      maxPixels: ctx.config.maxInputPixels,
      minSide: MIN_CONDITIONING_SIDE,
    });
    mark("image-decoded");
    const frames = ctx.modelInfo().num_frames ?? FRAMES_BEFORE_LOAD;
    const params = videoParams(body, image, { frames, maxWork: ctx.config.maxVideoWork });
    const pixels = ownedBytes(image.pixels);
    const feed = new FrameFeed();
    const answer = { seed: params.seed, nsfw: false, pngCompression: ctx.config.pngCompression };
    let answered: (response: Response) => void = () => {};
    const response = new Promise<Response>((resolve) => {
      answered = resolve;
    });
    const generation = ctx.session(async (run) => {
      const start: VideoJob = {
        kind: "start",
        params: { ...params, image: { ...image, pixels } },
        frameBytes: FRAME_BATCH_BYTES,
      };
      mark("queue-slot");
      const first = await handOver(feed, run(start, { transfer: [pixels.buffer as ArrayBuffer] }));
      answer.nsfw = first.nsfw;
      let { done } = first;
      answered(progressUntil(framesResponse(feed, answer), generation));
      while (!done) {
        // The next batch is decoded once this one is encoded and its pixels collected, so that the decoder's output
        // reuses their memory: decoding it meanwhile kept two batches and the PNG encoders' memory at once.
        await feed.drained();
        ({ done } = await handOver(feed, run({ kind: "more", frameBytes: FRAME_BATCH_BYTES })));
      }
      feed.end();
    });
    // Before the answer started, a failure is the request's error; after, it ends the stream.
    generation.catch((err) => feed.fail(err));
    return Promise.race([response, generation.then(() => response)]);
  },
});

/**
 * Pushes the batch `next` brings into the feed; resolves with whether it was the last and (on the first) the safety
 * checker's flag. No variable of the caller's holds a batch across the next worker call: a batch's frames live only
 * in the feed and the encoders until they are encoded, and are then collected (frames-response.ts).
 */
async function handOver(feed: FrameFeed, next: Promise<VideoOutput>): Promise<{ done: boolean; nsfw: boolean }> {
  const batch = await next;
  feed.push(batch.frames);
  return { done: batch.done, nsfw: batch.nsfw === true };
}

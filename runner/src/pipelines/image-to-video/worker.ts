/**
 * @module `image-to-video`, worker half: loads the SVD folder (`svd-load.ts`) and runs generations
 * (`generate-video.ts`) handed out in batches of frames (`frame-batches.ts`): a `start` job runs the denoising loop
 * and decodes until the frames reach the job's byte budget, each `more` job decodes the next ones (the HTTP thread
 * asks once it has encoded the previous batch, so only one batch of frames is alive at a time). Each step and decoded chunk is reported through the
 * calling job's control, and the generation stops between them when the job is cancelled. The frames move to the
 * HTTP thread without a copy: each batch's buffers are its own and are transferred.
 */
import { JobError } from "../../errors.js";
import type { WorkerHalf } from "../contract.js";
import { type FrameBatch, FrameBatches } from "./frame-batches.js";
import { loadSvd } from "./svd-load.js";
import type { VideoParams } from "./video-job.js";

/**
 * A job of the image-to-video worker: start a generation (a new `start` ends one left unfinished), or take the next
 * frames of the running one. `frameBytes`: decode whole chunks until the batch holds at least this many bytes.
 */
export type VideoJob =
  | { kind: "start"; params: VideoParams; frameBytes: number }
  | { kind: "more"; frameBytes: number };

/** One batch of frames in order; the last has `done` and the generation's result. */
export type VideoOutput = Omit<FrameBatch, "buffers">;

/** What a loaded SVD model reports (`num_frames` decides the frame budget of a request). */
export type SvdInfo = {
  num_frames: number;
  scheduler: string;
  prediction_type: string;
  timestep_type: string;
  karras_sigmas: boolean;
  image_embed_dim: number;
  decoder_takes_num_frames: boolean;
  pixels_in_graph: boolean;
};

/** The image-to-video pipeline's worker half: a validated generation in, its frames out batch by batch. */
export const svdWorker: WorkerHalf<VideoJob, VideoOutput, Record<string, never>, SvdInfo> = {
  async load(ctx) {
    const svd = await loadSvd(ctx);
    let running: FrameBatches | undefined;
    return {
      provider: svd.provider,
      info: svd.info as SvdInfo,
      async run(job, control) {
        if (job.kind === "start") {
          running?.cancel();
          running = new FrameBatches(svd.components, job.params);
        } else if (!running) {
          throw new JobError("no image-to-video generation is running to take more frames from");
        }
        const batches = running;
        try {
          const { buffers, ...output } = await batches.next(job.frameBytes, control);
          if (output.done && running === batches) running = undefined;
          return { output, transfer: buffers };
        } catch (err) {
          if (running === batches) running = undefined;
          throw err;
        }
      },
      release: async () => {
        running?.cancel();
        await svd.release();
      },
    };
  },
};

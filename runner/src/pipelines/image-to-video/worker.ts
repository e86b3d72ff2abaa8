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
import { checkSafety } from "../stable-diffusion/safety.js";
import { timedRunner } from "../stable-diffusion/vae.js";
import { type FrameBatch, FrameBatches } from "./frame-batches.js";
import { loadSvd, type SvdComponents } from "./svd-load.js";
import type { VideoParams } from "./video-job.js";

/**
 * A job of the image-to-video worker: start a generation (a new `start` ends one left unfinished), or take the next
 * frames of the running one. `frameBytes`: decode whole chunks until the batch holds at least this many bytes.
 */
export type VideoJob =
  | { kind: "start"; params: VideoParams; frameBytes: number }
  | { kind: "more"; frameBytes: number };

/**
 * One batch of frames in order; the last has `done` and the generation's result. The first says whether the safety
 * checker flagged the conditioning image (`nsfw`; false when the request did not ask or the model has no checker).
 */
export type VideoOutput = Omit<FrameBatch, "buffers"> & { nsfw?: boolean };

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
  safety_checker: boolean;
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
        let nsfw: boolean | undefined;
        if (job.kind === "start") {
          running?.cancel();
          running = undefined;
          nsfw = await flagged(svd.components, job.params);
          // The params came in the job's message: their image is this thread's copy, freed once conditioned.
          running = new FrameBatches(svd.components, job.params, { ownsImage: true });
        } else if (!running) {
          throw new JobError("no image-to-video generation is running to take more frames from");
        }
        const batches = running;
        try {
          const { buffers, ...batch } = await batches.next(job.frameBytes, control);
          if (batch.done && running === batches) running = undefined;
          const output: VideoOutput = nsfw === undefined ? batch : { ...batch, nsfw };
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

/** Whether the model's safety checker flags the conditioning image; false when not asked or the model has none. */
async function flagged(c: SvdComponents, params: VideoParams): Promise<boolean> {
  if (!params.safetyCheck || !c.safetyChecker) return false;
  const [nsfw] = await checkSafety(c.safetyChecker, [params.image], timedRunner({}), c.safetyPreprocess);
  return nsfw === true;
}

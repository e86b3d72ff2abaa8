/**
 * @module `image-to-video`, worker half: loads the SVD folder (`svd-load.ts`) and runs one generation per job
 * (`generate-video.ts`), reporting each denoising step and decoded chunk through the job's control and stopping
 * between them when the job is cancelled. The frames move to the HTTP thread without a copy: each chunk's buffers are
 * its own and are transferred.
 */
import type { RgbImage } from "../../image/decode.js";
import type { WorkerHalf } from "../contract.js";
import { generateVideo } from "./generate-video.js";
import { loadSvd } from "./svd-load.js";
import type { VideoParams, VideoResult } from "./video-job.js";

/** What one generation hands back: the frames in order and what the generation reports. */
export interface VideoOutput {
  frames: RgbImage[];
  result: VideoResult;
}

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

/** The image-to-video pipeline's worker half: a validated generation in, its frames out. */
export const svdWorker: WorkerHalf<VideoParams, VideoOutput, Record<string, never>, SvdInfo> = {
  async load(ctx) {
    const svd = await loadSvd(ctx);
    return {
      provider: svd.provider,
      info: svd.info as SvdInfo,
      async run(job, control) {
        const frames: RgbImage[] = [];
        const buffers: ArrayBuffer[] = [];
        const result = await generateVideo(svd.components, job, control, (chunk) => {
          frames.push(...chunk.frames);
          buffers.push(...chunk.buffers);
        });
        return { output: { frames, result }, transfer: buffers };
      },
      release: () => svd.release(),
    };
  },
};

/**
 * @module `avs-runner models verify <id>` for Stable Video Diffusion folders: loads every component as the pipeline
 * would and runs a one-step 64×64 generation on a flat grey image, so a broken export fails here rather than at the
 * first request.
 */
import type { VerifyReport } from "../../models/verify.js";
import { generateVideo } from "./generate-video.js";
import { loadSvd } from "./svd-load.js";
import { VIDEO_DEFAULTS } from "./video-limits.js";

/** What verification of an SVD folder found. */
export interface SvdVerifyReport extends VerifyReport {
  frames: number;
  scheduler: string;
  components: string[];
}

/**
 * Loads the SVD model in `dir` and generates one 64×64 video with one step and a fixed seed.
 *
 * @throws {Error} with the load or run failure.
 * @example
 * await verifySvdModel("/models/tiny/svd", "tiny/svd", { pipeline: "image-to-video", tiny: true }); // { frames: 14, … }
 */
export async function verifySvdModel(
  dir: string,
  modelId: string,
  manifest: Pick<VerifyReport, "pipeline" | "tiny">,
): Promise<SvdVerifyReport> {
  const svd = await loadSvd({ modelId, modelPath: dir, executionProvider: "cpu", intraOpThreads: 0, log: () => {} });
  try {
    const c = svd.components;
    let frames = 0;
    const result = await generateVideo(
      c,
      {
        ...VIDEO_DEFAULTS,
        image: { width: 64, height: 64, pixels: new Uint8Array(64 * 64 * 3).fill(128) },
        width: 64,
        height: 64,
        numInferenceSteps: 1,
        seed: 0,
      },
      {},
      (chunk) => {
        frames += chunk.frames.length;
      },
    );
    if (frames !== c.frames) throw new Error(`the generation gave ${frames} frames; the model makes ${c.frames}`);
    const { unet, scheduler } = c;
    return {
      model_id: modelId,
      pipeline: manifest.pipeline,
      tiny: manifest.tiny,
      inputs: [...unet.inputNames],
      outputs: [...unet.outputNames],
      frames,
      scheduler: scheduler.config.className,
      components: Object.keys(result.sessionMs),
    };
  } finally {
    await svd.release();
  }
}

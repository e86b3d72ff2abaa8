/**
 * @module Test harness for the image-to-video tests: tiny SVD models written to a temporary folder and loaded as the
 * worker would, a default request, and a run that collects the frames, the `session.run` calls and the final latents
 * (read back from what the decoder was fed). Used by tests only.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as ort from "onnxruntime-node";
import type { RgbImage } from "../../image/decode.js";
import { type TinySvdOptions, writeTinySvdModel } from "../../models/factory/svd-tiny.js";
import type { TinySvdVariant } from "../../models/factory/svd-tiny-weights.js";
import { fromHalfBits } from "../../onnx/float16.js";
import { generateVideo } from "./generate-video.js";
import { loadSvd, type SvdComponents } from "./svd-load.js";
import type { FrameChunk, VideoControl, VideoParams, VideoResult } from "./video-job.js";
import { VIDEO_DEFAULTS } from "./video-limits.js";

/**
 * A card with hard edges and gradients, so resizing, blurring and pooling all show.
 *
 * @example
 * testCard(32, 24).pixels.length; // 32·24·3
 */
export function testCard(width: number, height: number, seed = 1): RgbImage {
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) {
        const edge = ((x >> 3) + (y >> 2) + c) % 2 === 0 ? 90 : 0;
        pixels[(y * width + x) * 3 + c] = (edge + x * (3 + c) + y * seed * 2 + 40 * c) % 256;
      }
  return { width, height, pixels };
}

/**
 * A small request (32×24, 8 steps) on a test card of its size; override any field.
 *
 * @example
 * params({ seed: 7, fps: 12 });
 */
export function params(over: Partial<VideoParams> = {}): VideoParams {
  const width = over.width ?? 32;
  const height = over.height ?? 24;
  return {
    ...VIDEO_DEFAULTS,
    image: testCard(width, height),
    width,
    height,
    numInferenceSteps: 8,
    seed: 42,
    decodeChunkSize: 4,
    ...over,
  };
}

/** What one generation produced. */
export interface Collected {
  result: VideoResult;
  chunks: FrameChunk[];
  /** Every frame's bytes, in order. */
  frames: Uint8Array[];
  /** The final latents [F,4,h,w], rebuilt from the decoder's inputs × the scaling factor. */
  latents: Float32Array;
  /** Component of each `session.run`, in order. */
  runs: string[];
  /** `num_frames` fed to each decoder call (undefined when the decoder has no such input). */
  numFrames: (number | undefined)[];
}

/**
 * Runs a generation and collects what it produced.
 *
 * @example
 * const { frames, latents } = await collect(svd.components, params());
 */
export async function collect(c: SvdComponents, p: VideoParams, control: VideoControl = {}): Promise<Collected> {
  const chunks: FrameChunk[] = [];
  const runs: string[] = [];
  const numFrames: (number | undefined)[] = [];
  const decoded: Float32Array[] = [];
  const result = await generateVideo(c, p, control, (chunk) => void chunks.push(chunk), {
    onRun: (component, _session, feeds) => {
      runs.push(component);
      if (component !== "vae_decoder") return;
      const latent = feeds.latent_sample as ort.Tensor;
      const values =
        latent.type === "float16"
          ? fromHalfBits(latent.data as Uint16Array)
          : Float32Array.from(latent.data as Float32Array);
      decoded.push(values.map((v) => v * c.index.vaeScalingFactor));
      const nf = feeds.num_frames;
      numFrames.push(nf ? Number((nf.data as ArrayLike<number | bigint>)[0]) : undefined);
    },
  });
  const latents = new Float32Array(decoded.reduce((n, d) => n + d.length, 0));
  let at = 0;
  for (const d of decoded) {
    latents.set(d, at);
    at += d.length;
  }
  return { result, chunks, frames: chunks.flatMap((ch) => ch.frames.map((f) => f.pixels)), latents, runs, numFrames };
}

/**
 * A temporary models folder; `model()` writes and loads a tiny SVD model in it, `cleanup()` releases and removes all.
 *
 * @example
 * const h = svdHarness(); afterAll(h.cleanup);
 * const { svd } = await h.model("svd", "svd");
 */
export function svdHarness() {
  const root = mkdtempSync(join(tmpdir(), "avs-svd-pipeline-"));
  const loaded: Awaited<ReturnType<typeof loadSvd>>[] = [];
  return {
    root,
    async model(name: string, variant: TinySvdVariant, overrides: Partial<TinySvdOptions> = {}) {
      const dir = join(root, "models", "tiny", name);
      const options = writeTinySvdModel(dir, variant, overrides);
      const svd = await loadSvd({
        modelId: `tiny/${name}`,
        modelPath: dir,
        executionProvider: "cpu",
        intraOpThreads: 1,
        log: () => {},
      });
      loaded.push(svd);
      return { svd, options, dir };
    },
    async cleanup() {
      await Promise.all(loaded.map((l) => l.release()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

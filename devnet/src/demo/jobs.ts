/**
 * @module The demo's jobs: one per available pipeline, sent through the SDK to the broadcaster, results downloaded
 * into the output directory. Each job is built from the gateway's `PIPELINES` table — the pipeline's SDK method,
 * its fields and its file fields — so a new pipeline is demonstrated without code here. Inputs are the photo shipped
 * with `@upscalerjs/esrgan-slim` (MIT).
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { type Client, type Media, PIPELINES, type PipelineEntry } from "@ai-video-subnet/sdk";
import { testVideo } from "@ai-video-subnet/test-kit";
import type { PlannedModel } from "../models/model-plan.js";

/** The outcome of one demo job. */
export interface JobResult {
  pipeline: string;
  modelId: string;
  tiny: boolean;
  ok: boolean;
  /** Orchestrator that served it (from the broadcaster's log), when known. */
  orchestrator?: string;
  latencyMs: number;
  /** Where the result was written. */
  outputPath?: string;
  error?: string;
}

/**
 * The packaged photo (128×128 PNG) used as the input image of the demo and of the tests.
 * @example const png = await readFile(demoPhotoPath());
 */
export function demoPhotoPath(): string {
  // The runner depends on the model package; its main file lies somewhere below the package's root.
  const require = createRequire(import.meta.url);
  let dir = dirname(createRequire(require.resolve("@ai-video-subnet/runner")).resolve("@upscalerjs/esrgan-slim"));
  while (!existsSync(join(dir, "assets", "fixture.png"))) {
    if (dirname(dir) === dir) throw new Error("cannot find the package directory of @upscalerjs/esrgan-slim");
    dir = dirname(dir);
  }
  return join(dir, "assets", "fixture.png");
}

/**
 * The demo's settings, each used by a pipeline whose request has that field: tiny Stable Diffusion models are small
 * and fast at 64×64 with a couple of steps (not trained, their output is no real picture anyway); the seed makes every
 * run the same.
 */
const DEMO_FIELDS: Record<string, unknown> = {
  width: 64,
  height: 64,
  num_inference_steps: 2,
  guidance_scale: 1,
  strength: 0.6,
  seed: 42,
  // Frame interpolation: the 8 fps test clip raised to 24 fps (12 frames → 36, 1.5 s either way). A multiplier, not
  // output_fps: image-to-video has output_fps too (the SVD → FILM chain), and its plain demo job must stay plain.
  multiplier: 3,
};

/**
 * The SDK options of a demo job of `pipeline`: its fields from {@link DEMO_FIELDS}, the photo in its image fields,
 * a short test video (made with ffmpeg) in its video fields. A request that takes a video or images as alternative
 * sources (frame interpolation) gets the video only.
 * @example await demoOptions(PIPELINES.upscale, "tiny/esrgan-x4", photo) // { modelId, prompt, image, seed }
 */
export async function demoOptions(
  pipeline: PipelineEntry,
  modelId: string,
  photo: Uint8Array,
): Promise<Record<string, unknown>> {
  const fields: readonly string[] = pipeline.fields;
  const files = pipeline.files as Record<string, string>;
  const options: Record<string, unknown> = { modelId };
  const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  // A pipeline that takes a video or images (frame-interpolation's video or first_image + last_image) gets the video.
  const hasVideo = Object.values(files).includes("video");
  for (const field of fields) {
    if (files[field] === "image") {
      if (!hasVideo) options[camel(field)] = photo;
    } else if (files[field] === "video")
      options[camel(field)] = await testVideo({ width: 64, height: 64, frames: 12, fps: 8 });
    else if (field in DEMO_FIELDS) options[camel(field)] = DEMO_FIELDS[field];
  }
  // Upscalers ignore the prompt; image pipelines repaint the photo, the others draw from the prompt alone.
  if (fields.includes("prompt")) {
    options.prompt = Object.keys(files).length ? "the same scene as a watercolour" : "a lighthouse on a cliff at dawn";
  }
  return options;
}

/** A job of the demo beyond one per pipeline: its name (the output's file name) and the options it adds. */
export interface JobVariant {
  name: string;
  options: Record<string, unknown>;
}

/**
 * The image-to-video → FILM chain: the model's 14 frames at 7 fps interpolated to 24 fps, about 2 s (issue 14).
 * @example await runJob(client, svdModel, photo, out, servedBy, FILM_24FPS) // writes image-to-video-24fps.mp4
 */
export const FILM_24FPS: JobVariant = { name: "image-to-video-24fps", options: { fps: 7, outputFps: 24 } };

/**
 * Runs one job and writes its result to `outputDir/<pipeline><ext>` (or `<variant.name><ext>`).
 * @example const r = await runJob(client, model, photo, "./demo-output", (id) => net.servedBy(id));
 */
export async function runJob(
  client: Client,
  model: PlannedModel,
  photo: Uint8Array,
  outputDir: string,
  servedBy: (requestId: string) => string | undefined,
  variant?: JobVariant,
): Promise<JobResult> {
  const pipeline = (PIPELINES as Record<string, PipelineEntry>)[model.pipeline];
  const name = variant?.name ?? model.pipeline;
  const base = { pipeline: name, modelId: model.modelId, tiny: model.tiny };
  if (!pipeline) return { ...base, ok: false, latencyMs: 0, error: `the gateway has no pipeline ${model.pipeline}` };
  const method = client[pipeline.clientMethod as keyof Client] as (
    options: Record<string, unknown>,
    call: { requestId: string },
  ) => Promise<{ images: Media[] }>;
  const requestId = `demo-${name}-${Date.now().toString(36)}`;
  const started = performance.now();
  try {
    const options = { ...(await demoOptions(pipeline, model.modelId, photo)), ...variant?.options };
    const { images: media } = await method(options, { requestId });
    const latencyMs = performance.now() - started;
    const first = media[0];
    if (!first) throw new Error("the answer held no media");
    const bytes = await client.download(first);
    const ext = extname(new URL(first.url).pathname) || ".bin";
    const outputPath = join(outputDir, `${name}${ext}`);
    await writeFile(outputPath, bytes);
    return { ...base, ok: true, latencyMs, outputPath, orchestrator: servedBy(requestId) };
  } catch (err) {
    return {
      ...base,
      ok: false,
      latencyMs: performance.now() - started,
      error: (err as Error).message,
      orchestrator: servedBy(requestId),
    };
  }
}

/**
 * @module The demo's jobs: one per available pipeline, sent through the SDK to the broadcaster, results
 * downloaded into the output directory. Inputs are the photo shipped with `@upscalerjs/esrgan-slim` (MIT).
 */
import { writeFile } from "node:fs/promises";
import { extname, join } from "node:path";
import type { Client, Media } from "@ai-video-subnet/sdk";
import type { PlannedModel } from "../models/model-plan.js";
import { packageRoot } from "../network/binaries.js";

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
  return join(packageRoot("@upscalerjs/esrgan-slim"), "assets", "fixture.png");
}

type Send = (client: Client, model: PlannedModel, photo: Uint8Array, call: { requestId: string }) => Promise<Media[]>;

// Tiny Stable Diffusion models are small and fast at 64×64 with a couple of steps; their output is noise anyway.
const SENDERS: Record<string, Send> = {
  "text-to-image": async (client, m, _photo, call) =>
    (
      await client.textToImage(
        {
          modelId: m.modelId,
          prompt: "a lighthouse on a cliff at dawn",
          width: 64,
          height: 64,
          numInferenceSteps: 2,
          guidanceScale: 1,
          seed: 42,
        },
        call,
      )
    ).images,
  "image-to-image": async (client, m, photo, call) =>
    (
      await client.imageToImage(
        {
          modelId: m.modelId,
          prompt: "the same scene as a watercolour",
          image: photo,
          numInferenceSteps: 2,
          strength: 0.6,
          guidanceScale: 1,
          seed: 42,
        },
        call,
      )
    ).images,
  "image-to-video": async (client, m, photo, call) =>
    (
      await client.imageToVideo(
        { modelId: m.modelId, image: photo, width: 64, height: 64, numInferenceSteps: 2, seed: 42 },
        call,
      )
    ).images,
  upscale: async (client, m, photo, call) =>
    (await client.upscale({ modelId: m.modelId, prompt: "", image: photo, seed: 42 }, call)).images,
};

/**
 * Runs one job and writes its result to `outputDir/<pipeline><ext>`.
 * @example const r = await runJob(client, model, photo, "./demo-output", (id) => net.servedBy(id));
 */
export async function runJob(
  client: Client,
  model: PlannedModel,
  photo: Uint8Array,
  outputDir: string,
  servedBy: (requestId: string) => string | undefined,
): Promise<JobResult> {
  const send = SENDERS[model.pipeline];
  const base = { pipeline: model.pipeline, modelId: model.modelId, tiny: model.tiny };
  if (!send) return { ...base, ok: false, latencyMs: 0, error: `the demo has no job for ${model.pipeline}` };
  const requestId = `demo-${model.pipeline}-${Date.now().toString(36)}`;
  const started = performance.now();
  try {
    const media = await send(client, model, photo, { requestId });
    const latencyMs = performance.now() - started;
    const first = media[0];
    if (!first) throw new Error("the answer held no media");
    const bytes = await client.download(first);
    const ext = extname(new URL(first.url).pathname) || ".bin";
    const outputPath = join(outputDir, `${model.pipeline}${ext}`);
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

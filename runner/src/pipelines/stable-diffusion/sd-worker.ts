/**
 * @module The worker half shared by text-to-image and image-to-image: loads every component of the SD folder
 * (failing with the reason when one is missing or the scheduler is unknown), then runs jobs, with LoRA-merged
 * sessions from the cache when a job asks for LoRAs.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type * as ort from "onnxruntime-node";
import { missingModelFile } from "../../models/model-dir.js";
import { readModelFile } from "../../models/special-files.js";
import { withRgbPixels } from "../../onnx/rgb-output.js";
import { sessionOptions } from "../../onnx/session.js";
import { createScheduler } from "../../schedulers/index.js";
import { loadClipTokenizer } from "../../tokenizer/index.js";
import type { LoadedModel, WorkerHalf, WorkerLoadContext } from "../contract.js";
import { sessionOpener } from "../session-opener.js";
import { generate, type SdComponents } from "./generate.js";
import type { SdJob, SdResult } from "./job.js";
import { LoraSessionCache } from "./lora-sessions.js";
import { readSdModelIndex, SdModelError } from "./model-index.js";
import { safetyPreprocessModelFor } from "./safety-preprocess.js";
import { planTextEncoder } from "./text-encoding.js";
import { VAE_RGB_IN, VAE_RGB_OUT } from "./vae.js";

/** UNet inputs the pipeline knows how to feed. */
const UNET_INPUTS = new Set([
  "sample",
  "timestep",
  "encoder_hidden_states",
  "text_embeds",
  "time_ids",
  "timestep_cond",
]);

/** What a loaded SD model reports. */
export type SdInfo = {
  family: string;
  scheduler: string;
  timestep_spacing: string;
  prediction_type: string;
  safety_checker: boolean;
  image_to_image: boolean;
};

/** The worker half's settings (`loadOptions`): the LoRA file limit, `MAX_LORA_BYTES` (default 1 GiB). */
export interface SdWorkerOptions {
  maxLoraBytes?: number;
}

/** A loaded SD model, with its components and LoRA cache for tests and benchmarks. */
export type LoadedSd = LoadedModel<SdJob, SdResult, SdInfo> & { components: SdComponents; loras: LoraSessionCache };

/**
 * Loads an SD model folder into sessions and returns the loaded pipeline.
 *
 * @example
 * const loaded = await loadSd(ctx);
 * const { output } = await loaded.run(job);
 */
export async function loadSd(
  ctx: WorkerLoadContext<SdWorkerOptions>,
  options: { imageToImage?: boolean } = {},
): Promise<LoadedSd> {
  const indexFile = join(ctx.modelPath, "model_index.json");
  if (!existsSync(indexFile)) throw new SdModelError(missingModelFile(indexFile, ctx.modelId));
  const index = readSdModelIndex(ctx.modelPath);
  if (options.imageToImage && !index.files.vaeEncoder) {
    throw new Error(`${ctx.modelPath}/vae_encoder/model.onnx is missing; image-to-image needs the VAE encoder`);
  }
  const scheduler = createScheduler(index.schedulerConfig);
  const tokenizers = index.tokenizerDirs.map((d) => loadClipTokenizer(d));
  const sessions = sessionOpener(ctx);
  /** A model file, or model bytes after graph surgery, on the runner's provider (`cpu` forces the CPU). */
  const open = sessions.open;
  /** A VAE end that takes or gives 8-bit RGB (graph surgery, same bytes as vae.ts' JS conversions), else the file. */
  const openVae = async (file: string, component: string, ends: Parameters<typeof withRgbPixels>[1]) => {
    const fused = withRgbPixels(await readModelFile(file), ends);
    if (fused.reason !== undefined) {
      ctx.log("info", `${component}: 8-bit pixels are converted in JavaScript`, { reason: fused.reason });
      return open(file);
    }
    return open(fused.bytes);
  };
  // A few hundred kB of pixel arithmetic: the CPU, whatever runs the models. Without an arena, as SVD's: an image of
  // an extreme aspect ratio (4096×8) makes a 308 MB row pass that would otherwise stay held for the model's life.
  const pixelSessions = sessionOpener({ ...ctx, memory: { cpuArena: false, memPattern: false } });
  const openSafetyPreprocess = (checker: ort.InferenceSession) =>
    pixelSessions.open(safetyPreprocessModelFor(checker), "cpu");
  const releaseAll = () => Promise.all([sessions.releaseAll(), pixelSessions.releaseAll()]);
  try {
    const unet = await open(index.files.unet);
    const unknown = unet.inputNames.filter((n) => !UNET_INPUTS.has(n));
    if (unknown.length > 0) {
      throw new Error(
        `unet has inputs this runner does not feed: ${unknown.join(", ")} (known: ${[...UNET_INPUTS].join(", ")})`,
      );
    }
    const textSessions = [await open(index.files.textEncoder)];
    if (index.files.textEncoder2) textSessions.push(await open(index.files.textEncoder2));
    const sdxl = index.family === "sdxl";
    const plan = (list: ort.InferenceSession[]) =>
      list.map((s, i) => planTextEncoder(s, tokenizers[i] as (typeof tokenizers)[number], sdxl, i));
    const components: SdComponents = {
      index,
      scheduler,
      textEncoders: plan(textSessions),
      unet,
      vaeDecoder: await openVae(index.files.vaeDecoder, "vae_decoder", { output: VAE_RGB_OUT }),
      vaeEncoder: index.files.vaeEncoder
        ? await openVae(index.files.vaeEncoder, "vae_encoder", { input: { ...VAE_RGB_IN, input: "sample" } })
        : undefined,
      safetyChecker: index.files.safetyChecker ? await open(index.files.safetyChecker) : undefined,
    };
    if (components.safetyChecker) components.safetyPreprocess = await openSafetyPreprocess(components.safetyChecker);
    const modelDir = resolve(ctx.modelPath, ...ctx.modelId.split("/").map(() => ".."));
    const loras = new LoraSessionCache(
      index,
      modelDir,
      { unet, textEncoders: textSessions },
      { ...sessionOptions(ctx), executionProviders: [sessions.provider] },
      { maxLoraBytes: ctx.options.maxLoraBytes, log: ctx.log },
    );
    return {
      provider: sessions.provider,
      components,
      loras,
      info: {
        family: index.family,
        scheduler: scheduler.config.className,
        timestep_spacing: scheduler.config.timestepSpacing,
        prediction_type: scheduler.config.predictionType,
        safety_checker: Boolean(components.safetyChecker),
        image_to_image: Boolean(components.vaeEncoder),
      },
      async run(job, control) {
        const adapted = await loras.get(job.loras, control);
        const { result } = await generate(
          { ...components, unet: adapted.unet, textEncoders: plan(adapted.textEncoders) },
          job,
          control,
        );
        return { output: result, transfer: result.images.map((i) => i.pixels.buffer as ArrayBuffer) };
      },
      async release() {
        await loras.clear();
        await releaseAll();
      },
    };
  } catch (err) {
    await releaseAll();
    throw err;
  }
}

/** The worker half of `text-to-image`. */
export const sdWorker: WorkerHalf<SdJob, SdResult, SdWorkerOptions, SdInfo> = { load: (ctx) => loadSd(ctx) };

/** The worker half of `image-to-image` (the folder must have a VAE encoder). */
export const sdImageWorker: WorkerHalf<SdJob, SdResult, SdWorkerOptions, SdInfo> = {
  load: (ctx) => loadSd(ctx, { imageToImage: true }),
};

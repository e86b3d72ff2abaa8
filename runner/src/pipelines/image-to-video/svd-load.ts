/**
 * @module Loading a Stable Video Diffusion folder into ONNX Runtime sessions inside the worker, with every name, dtype
 * and shape the generation needs read from the sessions' metadata and checked once: a model that cannot be used fails
 * here with the reason (missing component, a UNet input the pipeline does not feed, an integer timestep where SVD's
 * are continuous, a scheduler other than Euler, no frame count anywhere).
 */
import type * as ort from "onnxruntime-node";
import type { ExecutionProvider } from "../../config.js";
import { readModelFile } from "../../models/special-files.js";
import { RGB_OUTPUT, withRgbPixels } from "../../onnx/rgb-output.js";
import type { SessionMemory, SessionSettings } from "../../onnx/session.js";
import { createScheduler, type Scheduler } from "../../schedulers/index.js";
import { type SessionOpener, sessionOpener } from "../session-opener.js";
import { safetyPreprocessModelFor } from "../stable-diffusion/safety-preprocess.js";
import { describe, requireValue, type ValueInfo } from "../stable-diffusion/session-io.js";
import { VAE_RGB_OUT } from "../stable-diffusion/vae.js";
import { LARGE_OUTPUT_BYTES } from "./release-outputs.js";
import { readSvdModelIndex, SvdModelError, type SvdModelIndex } from "./svd-model-index.js";

/** What loading needs: where the model is, and how sessions are made (the worker's load context has these). */
export interface SvdLoadContext extends SessionSettings {
  modelId: string;
  modelPath: string;
}

/** The names and types of the values a generation feeds and reads, resolved at load. */
export interface SvdIo {
  /** The image encoder's input; the CLIP preparation (clip-preprocess.ts) fills it in this type, `clipSide` px square. */
  pixelValues: ValueInfo;
  clipSide: number;
  embedDim: number;
  unet: { sample: ValueInfo; timestep: ValueInfo; hidden: ValueInfo; timeIds: ValueInfo; output: string };
  /** The encoder's output holds the latents (4 channels) or mean ‖ logvar (8 channels, whose mode is the mean). */
  vaeEncoder: { sample: ValueInfo; output: string };
  vaeDecoder: {
    latent: ValueInfo;
    numFrames: ValueInfo | undefined;
    /** The decoder gives 8-bit RGB (graph surgery at load) under this name, else floats under `output`. */
    rgb: boolean;
    output: string;
  };
}

/** A loaded SVD model. */
export interface SvdComponents {
  index: SvdModelIndex;
  scheduler: Scheduler;
  /** Frames per video: the UNet's fixed frame dimension, else unet/config.json's `num_frames`. */
  frames: number;
  imageEncoder: ort.InferenceSession;
  vaeEncoder: ort.InferenceSession;
  unet: ort.InferenceSession;
  vaeDecoder: ort.InferenceSession;
  /** The folder's safety checker, when it has one: run on the conditioning image when a request asks. */
  safetyChecker?: ort.InferenceSession | undefined;
  /** Prepares the checker's inputs in ONNX Runtime (safety-preprocess.ts). */
  safetyPreprocess?: ort.InferenceSession | undefined;
  io: SvdIo;
  /**
   * Guidance whose joint UNet input ([2, F, 8, h, w] as float32) would take this many bytes or more runs as two UNet
   * runs of batch 1 (video-denoise.ts): the same values, for half the input and half the UNet's working memory, and
   * on the CPU no slower, since a convolution's work there grows with the batch. Set on the CPU when the UNet's batch
   * is not fixed (to {@link LARGE_OUTPUT_BYTES}, 4 MiB: frames of about 300 k pixels at 14 frames, 170 k at 25); unset
   * elsewhere, where one batch of two uses a GPU better.
   */
  splitGuidanceBytes?: number | undefined;
}

/** SVD's sessions, as {@link SVD_SESSION_MEMORY} names them. */
export type SvdSession = "imageEncoder" | "vaeEncoder" | "unet" | "vaeDecoder" | "safetyChecker";

/**
 * How each SVD session takes memory unless the load context says otherwise. The memory pattern is off for all: with
 * it on, ONNX Runtime plans each run's buffers as one block sized by the shapes it has seen, so after a small request
 * a 25-frame 1024×576 one gets a second, larger block next to the first; without it the arena's freed chunks are
 * reused from run to run. The arena is kept for the UNet (25 runs a request) and the temporal decoder (whose
 * full-resolution chunk buffers malloc would keep fragmented: arena off there was 3.7× warm against 0.4×), and off
 * for the two sessions that run once per request on the input image — the image encoder and the VAE encoder — so
 * what they take goes back after each run instead of staying in an arena of its own per session beside the UNet's
 * and the decoder's (cold peak on tiny/svd-xt 25 frames 1024×576: 5.6× → 4.7× the raw frames; history in
 * runner/docs/performance.md). Outputs are the same bytes either way (svd-load.test.ts).
 */
export const SVD_SESSION_MEMORY: Readonly<Record<SvdSession, SessionMemory>> = {
  imageEncoder: { cpuArena: false, memPattern: false },
  vaeEncoder: { cpuArena: false, memPattern: false },
  unet: { cpuArena: true, memPattern: false },
  vaeDecoder: { cpuArena: true, memPattern: false },
  safetyChecker: { cpuArena: false, memPattern: false },
};

/** UNet inputs the pipeline feeds. */
const UNET_INPUTS = ["sample", "timestep", "encoder_hidden_states", "added_time_ids"];
const FLOATS = new Set(["float32", "float16"]);

function floatValue(values: Map<string, ValueInfo>, name: string, component: string, rank?: number): ValueInfo {
  const v = requireValue(values, name, component);
  if (!FLOATS.has(v.type)) throw new SvdModelError(`${component} ${name} is ${v.type}; float32 or float16 expected`);
  if (rank !== undefined && v.shape.length !== rank) {
    throw new SvdModelError(`${component} ${name} has rank ${v.shape.length} ([${v.shape}]); rank ${rank} expected`);
  }
  return v;
}

/** The resolved I/O of each session, or an error naming what does not fit. */
function resolveIo(
  s: Pick<SvdComponents, "imageEncoder" | "vaeEncoder" | "unet" | "vaeDecoder">,
  index: SvdModelIndex,
): { io: SvdIo; frames: number } {
  const encIn = describe(s.imageEncoder, "input");
  const pixelValues = floatValue(
    encIn,
    encIn.has("pixel_values") ? "pixel_values" : (s.imageEncoder.inputNames[0] as string),
    "image_encoder",
    4,
  );
  const embeds = requireValue(describe(s.imageEncoder, "output"), "image_embeds", "image_encoder");
  const side = pixelValues.shape[2];
  const clipSide = typeof side === "number" && side > 0 ? side : 224;

  const unetIn = describe(s.unet, "input");
  const unknown = s.unet.inputNames.filter((n) => !UNET_INPUTS.includes(n));
  if (unknown.length > 0) {
    throw new SvdModelError(
      `unet has inputs this runner does not feed: ${unknown.join(", ")} (known: ${UNET_INPUTS.join(", ")})`,
    );
  }
  const sample = floatValue(unetIn, "sample", "unet", 5);
  const channels = sample.shape[2];
  if (typeof channels === "number" && channels !== 8) {
    throw new SvdModelError(
      `unet sample has ${channels} channels; SVD's UNet takes 8 (4 noisy latents + 4 image latents)`,
    );
  }
  const timestep = requireValue(unetIn, "timestep", "unet");
  if (!FLOATS.has(timestep.type)) {
    throw new SvdModelError(
      `unet timestep is ${timestep.type}; SVD's timesteps are continuous (0.25·ln σ), so a float input is needed`,
    );
  }
  const hidden = floatValue(unetIn, "encoder_hidden_states", "unet", 3);
  const embedDim = [hidden.shape[2], embeds.shape[1]].find((d): d is number => typeof d === "number" && d > 0);
  if (embedDim === undefined) {
    throw new SvdModelError(
      "cannot tell the image embedding width: unet encoder_hidden_states and image_encoder image_embeds both leave it symbolic",
    );
  }
  const fixed = sample.shape[1];
  const frames = typeof fixed === "number" && fixed > 0 ? fixed : index.configFrames;
  if (frames === undefined) {
    throw new SvdModelError(
      "the unet's frame dimension is symbolic and unet/config.json has no num_frames; add it (14 for SVD, 25 for SVD-XT)",
    );
  }
  const unetOut = describe(s.unet, "output");
  const vaeIn = describe(s.vaeEncoder, "input");
  const encoderOutput =
    ["latent_parameters", "latent_sample"].find((n) => s.vaeEncoder.outputNames.includes(n)) ??
    (s.vaeEncoder.outputNames[0] as string);
  const decIn = describe(s.vaeDecoder, "input");
  const extra = s.vaeDecoder.inputNames.filter((n) => n !== "latent_sample" && n !== "num_frames");
  if (!decIn.has("latent_sample") || extra.length > 0) {
    throw new SvdModelError(
      `vae_decoder must take latent_sample (and optionally num_frames); it takes ${s.vaeDecoder.inputNames.join(", ")}`,
    );
  }
  const numFrames = decIn.get("num_frames");
  if (numFrames && !["int64", "int32", "float32", "float16"].includes(numFrames.type)) {
    throw new SvdModelError(`vae_decoder num_frames is ${numFrames.type}; an integer or float scalar expected`);
  }
  const rgb = s.vaeDecoder.outputNames.includes(RGB_OUTPUT);
  return {
    frames,
    io: {
      pixelValues,
      clipSide,
      embedDim,
      unet: {
        sample,
        timestep,
        hidden,
        timeIds: floatValue(unetIn, "added_time_ids", "unet", 2),
        output: unetOut.has("out_sample") ? "out_sample" : (s.unet.outputNames[0] as string),
      },
      vaeEncoder: {
        sample: floatValue(
          vaeIn,
          vaeIn.has("sample") ? "sample" : (s.vaeEncoder.inputNames[0] as string),
          "vae_encoder",
          4,
        ),
        output: encoderOutput,
      },
      vaeDecoder: {
        latent: floatValue(decIn, "latent_sample", "vae_decoder", 4),
        numFrames,
        rgb,
        output: rgb ? RGB_OUTPUT : (s.vaeDecoder.outputNames[0] as string),
      },
    },
  };
}

/**
 * Loads the SVD folder at `ctx.modelPath`. The temporal decoder gets an 8-bit RGB output appended to its graph when it
 * can take one (inline weights), so frames leave ONNX Runtime as bytes. Every session takes memory as `ctx.memory` says, else as {@link SVD_SESSION_MEMORY} says for it.
 *
 * @throws {SvdModelError} (or a scheduler config error) naming what is missing or unsupported.
 * @example
 * const svd = await loadSvd({ modelId: "tiny/svd", modelPath: "/models/tiny/svd", executionProvider: "cpu", intraOpThreads: 0, log });
 * svd.components.frames; // 14
 */
export async function loadSvd(ctx: SvdLoadContext): Promise<{
  provider: ExecutionProvider;
  components: SvdComponents;
  info: Record<string, unknown>;
  release(): Promise<void>;
}> {
  const index = readSvdModelIndex(ctx.modelPath);
  const scheduler = createScheduler(index.schedulerConfig);
  if (scheduler.config.className !== "EulerDiscreteScheduler") {
    throw new SvdModelError(
      `scheduler_config.json: image-to-video runs EulerDiscreteScheduler (as SVD ships), got ${scheduler.config.className}`,
    );
  }
  // One opener per memory setting; a later one starts on the provider the earlier ones ended on (after a fallback).
  const openers = new Map<string, SessionOpener>();
  let provider = ctx.executionProvider;
  const open = async (session: SvdSession, model: string | Uint8Array, on?: ExecutionProvider) => {
    const memory = ctx.memory ?? SVD_SESSION_MEMORY[session];
    const key = `${memory.cpuArena}/${memory.memPattern}`;
    let opener = openers.get(key);
    if (!opener) {
      opener = sessionOpener({ ...ctx, executionProvider: provider, memory });
      openers.set(key, opener);
    }
    const created = await opener.open(model, on);
    if (on === undefined) provider = opener.provider;
    return created;
  };
  const releaseAll = async () => void (await Promise.all([...openers.values()].map((o) => o.releaseAll())));
  try {
    const imageEncoder = await open("imageEncoder", index.files.imageEncoder);
    const vaeEncoder = await open("vaeEncoder", index.files.vaeEncoder);
    const unet = await open("unet", index.files.unet);
    const decoderBytes = await readModelFile(index.files.vaeDecoder);
    const fused = withRgbPixels(decoderBytes, {
      output: { ...VAE_RGB_OUT, precision: "float32", beforeDataMovement: true },
    });
    if (fused.reason !== undefined)
      ctx.log("info", "vae_decoder: 8-bit pixels are converted in JavaScript", { reason: fused.reason });
    const vaeDecoder = await open("vaeDecoder", fused.bytes ?? index.files.vaeDecoder);
    const { io, frames } = resolveIo({ imageEncoder, vaeEncoder, unet, vaeDecoder }, index);
    const checkerFile = index.files.safetyChecker;
    const safetyChecker = checkerFile === undefined ? undefined : await open("safetyChecker", checkerFile);
    const batch = io.unet.sample.shape[0];
    const components: SvdComponents = {
      index,
      scheduler,
      frames,
      imageEncoder,
      vaeEncoder,
      unet,
      vaeDecoder,
      safetyChecker,
      // A few hundred kB of pixel arithmetic: the CPU, whatever runs the models.
      safetyPreprocess: safetyChecker && (await open("safetyChecker", safetyPreprocessModelFor(safetyChecker), "cpu")),
      io,
      splitGuidanceBytes:
        provider === "cpu" && !(typeof batch === "number" && batch > 0) ? LARGE_OUTPUT_BYTES : undefined,
    };
    return {
      provider,
      components,
      info: {
        num_frames: frames,
        scheduler: scheduler.config.className,
        prediction_type: scheduler.config.predictionType,
        timestep_type: scheduler.config.timestepType,
        karras_sigmas: scheduler.config.useKarrasSigmas,
        image_embed_dim: io.embedDim,
        decoder_takes_num_frames: Boolean(io.vaeDecoder.numFrames),
        pixels_in_graph: io.vaeDecoder.rgb,
        safety_checker: Boolean(safetyChecker),
      },
      release: releaseAll,
    };
  } catch (err) {
    await releaseAll();
    throw err;
  }
}

/**
 * @module Writes tiny Stable Diffusion model folders in the diffusers/Optimum ONNX layout (`model_index.json`,
 * `scheduler/`, `tokenizer/`, `text_encoder/`, `unet/`, `vae_encoder/`, `vae_decoder/`, SDXL's `text_encoder_2/` and
 * `tokenizer_2/`, optionally `safety_checker/`), for `tiny/sd15`, `tiny/sd-turbo`, `tiny/sdxl-turbo` and the tests'
 * export variants.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { GraphBuilder } from "../../onnx/index.js";
import {
  type FloatIo,
  type TimestepVariant,
  tinySafetyCheckerGraph,
  tinyTextEncoderGraph,
  tinyUnetGraph,
  tinyVaeDecoderGraph,
  tinyVaeEncoderGraph,
} from "./sd-tiny-graphs.js";
import { type TinySdFamily, tinySdWeights } from "./sd-tiny-weights.js";
import { tinyClipVocab, writeTinyTokenizerFolder } from "./sd-tokenizer.js";

/** Export variants of a tiny model; each defaults per family (see {@link TINY_SD_DEFAULTS}). */
export interface TinySdOptions {
  idsType: "int32" | "int64";
  timestep: TimestepVariant;
  vaeEncoderOutput: "latent_sample" | "latent_parameters";
  /** fp16 inputs and outputs on every component. */
  io: FloatIo;
  /** Weights in `model.onnx_data` next to each `model.onnx`. */
  externalData: boolean;
  tokenizerFormat: "tokenizer.json" | "vocab+merges";
  /** Contents of scheduler/scheduler_config.json. */
  scheduler: Record<string, unknown>;
  safetyChecker: boolean;
  /** The safety checker flags images whose mean pixel value (0 … 1) exceeds this. */
  safetyThreshold: number;
  /** A UNet exported for a fixed batch (undefined = dynamic), to prove how many samples a step runs. */
  unetBatch: number | undefined;
  /** An LCM-distilled UNet: a `timestep_cond [B, dim]` guidance-embedding input of this width. */
  timestepCond: number | undefined;
}

const SD_BETAS = { beta_schedule: "scaled_linear", beta_start: 0.00085, beta_end: 0.012, num_train_timesteps: 1000 };

/** Per-family defaults: together they cover every export variant at least once. */
export const TINY_SD_DEFAULTS: Record<TinySdFamily, TinySdOptions> = {
  sd15: {
    idsType: "int32",
    timestep: { shape: "[B]", dtype: "int64" },
    vaeEncoderOutput: "latent_sample",
    io: "float32",
    externalData: false,
    tokenizerFormat: "vocab+merges",
    scheduler: {
      _class_name: "EulerDiscreteScheduler",
      ...SD_BETAS,
      timestep_spacing: "leading",
      steps_offset: 1,
      prediction_type: "epsilon",
    },
    safetyChecker: true,
    safetyThreshold: 0.9,
    unetBatch: undefined,
    timestepCond: undefined,
  },
  "sd-turbo": {
    idsType: "int64",
    timestep: { shape: "[1]", dtype: "float" },
    vaeEncoderOutput: "latent_parameters",
    io: "float32",
    externalData: false,
    tokenizerFormat: "tokenizer.json",
    scheduler: {
      _class_name: "EulerDiscreteScheduler",
      ...SD_BETAS,
      timestep_spacing: "trailing",
      prediction_type: "epsilon",
    },
    safetyChecker: false,
    safetyThreshold: 0.9,
    unetBatch: undefined,
    timestepCond: undefined,
  },
  "sdxl-turbo": {
    idsType: "int64",
    timestep: { shape: "scalar", dtype: "float" },
    vaeEncoderOutput: "latent_sample",
    io: "float32",
    externalData: true,
    tokenizerFormat: "tokenizer.json",
    scheduler: {
      _class_name: "EulerAncestralDiscreteScheduler",
      ...SD_BETAS,
      timestep_spacing: "trailing",
      prediction_type: "epsilon",
    },
    safetyChecker: false,
    safetyThreshold: 0.9,
    unetBatch: undefined,
    timestepCond: undefined,
  },
};

/** VAE latent scaling factor of each family (SD 0.18215, SDXL 0.13025). */
const SCALING = { sd15: 0.18215, "sd-turbo": 0.18215, "sdxl-turbo": 0.13025 } as const;

/**
 * Writes `value` as indented JSON.
 *
 * @example
 * writeJson(join(dir, "model_index.json"), { _class_name: "StableDiffusionPipeline" });
 */
export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Writes a component folder: `model.onnx` (with its weights in `model.onnx_data` when `external`, initializers of at
 * least `minBytes` moved there) and `config.json` when given.
 *
 * @example
 * writeGraph(join(dir, "unet"), unetGraph, true, { in_channels: 4 });
 */
export function writeGraph(
  dir: string,
  g: GraphBuilder,
  external: boolean,
  config?: Record<string, unknown>,
  minBytes = 256,
): void {
  mkdirSync(dir, { recursive: true });
  if (external) {
    const { model, data } = g.toSplitBytes({}, { location: "model.onnx_data", minBytes });
    writeFileSync(join(dir, "model.onnx"), model);
    writeFileSync(join(dir, "model.onnx_data"), data);
  } else {
    writeFileSync(join(dir, "model.onnx"), g.toBytes());
  }
  if (config) writeJson(join(dir, "config.json"), config);
}

/**
 * Writes a tiny model of `family` into `dir`, with `overrides` of the family's default export variants.
 *
 * @example
 * writeTinySdModel("/models/tiny/sd15", "sd15");
 * writeTinySdModel(tmp, "sd15", { io: "float16", timestep: { shape: "scalar", dtype: "float" } });
 */
export function writeTinySdModel(
  dir: string,
  family: TinySdFamily,
  overrides: Partial<TinySdOptions> = {},
): TinySdOptions {
  const o = { ...TINY_SD_DEFAULTS[family], ...overrides };
  const vocab = Object.keys(tinyClipVocab().vocab).length;
  const w = tinySdWeights(family, vocab);
  const { textDims, pooledDim } = w.dims;
  const sdxl = family === "sdxl-turbo";
  mkdirSync(dir, { recursive: true });
  const lib = (name: string) => (name.startsWith("CLIP") ? ["transformers", name] : ["diffusers", name]);
  writeJson(join(dir, "model_index.json"), {
    _class_name: sdxl ? "ORTStableDiffusionXLPipeline" : "ORTStableDiffusionPipeline",
    _diffusers_version: "0.30.0",
    _avs_family: sdxl ? "sdxl" : family === "sd15" ? "sd1" : "sd2",
    ...(sdxl ? { force_zeros_for_empty_prompt: true } : {}),
    scheduler: lib(String(o.scheduler._class_name)),
    text_encoder: lib("CLIPTextModel"),
    tokenizer: lib("CLIPTokenizer"),
    ...(sdxl ? { text_encoder_2: lib("CLIPTextModelWithProjection"), tokenizer_2: lib("CLIPTokenizer") } : {}),
    unet: lib("UNet2DConditionModel"),
    vae_encoder: lib("AutoencoderKL"),
    vae_decoder: lib("AutoencoderKL"),
    safety_checker: o.safetyChecker ? ["stable_diffusion", "StableDiffusionSafetyChecker"] : [null, null],
  });
  mkdirSync(join(dir, "scheduler"), { recursive: true });
  writeJson(join(dir, "scheduler", "scheduler_config.json"), o.scheduler);
  const kinds = sdxl ? (["sdxl-1", "sdxl-2"] as const) : (["sd"] as const);
  kinds.forEach((kind, i) => {
    const suffix = i === 0 ? "" : "_2";
    writeTinyTokenizerFolder(join(dir, `tokenizer${suffix}`), {
      format: o.tokenizerFormat,
      padToken: family === "sd15" || i === 0 ? "<|endoftext|>" : "!",
    });
    const d = textDims[i] as number;
    const g = tinyTextEncoderGraph(w.text[i] as (typeof w.text)[number], {
      d,
      pooledDim,
      kind,
      idsType: o.idsType,
      io: o.io,
    });
    writeGraph(join(dir, `text_encoder${suffix}`), g, o.externalData, {
      hidden_size: d,
      num_hidden_layers: 2,
      vocab_size: vocab,
      max_position_embeddings: 77,
      ...(kind === "sdxl-2" ? { projection_dim: pooledDim } : {}),
    });
  });
  const contextDim = textDims.reduce((a, b) => a + b, 0);
  const unet = tinyUnetGraph(w.wk, {
    contextDim,
    timestep: o.timestep,
    io: o.io,
    ...(o.unetBatch ? { batch: o.unetBatch } : {}),
    ...(o.timestepCond ? { timestepCond: o.timestepCond } : {}),
    ...(sdxl ? { sdxl: { pooledDim } } : {}),
  });
  writeGraph(join(dir, "unet"), unet, o.externalData, {
    in_channels: 4,
    out_channels: 4,
    sample_size: 8,
    cross_attention_dim: contextDim,
    ...(sdxl ? { addition_embed_type: "text_time", projection_class_embeddings_input_dim: pooledDim + 6 } : {}),
  });
  const vae = { latent_channels: 4, scaling_factor: SCALING[family], sample_size: 64 };
  writeGraph(join(dir, "vae_encoder"), tinyVaeEncoderGraph({ output: o.vaeEncoderOutput, io: o.io }), false, vae);
  writeGraph(join(dir, "vae_decoder"), tinyVaeDecoderGraph({ io: o.io }), false, vae);
  if (o.safetyChecker) writeGraph(join(dir, "safety_checker"), tinySafetyCheckerGraph(o.safetyThreshold, o.io), false);
  return o;
}

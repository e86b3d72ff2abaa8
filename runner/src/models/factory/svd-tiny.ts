/**
 * @module Writes tiny Stable Video Diffusion folders in the diffusers/ONNX layout (`model_index.json`,
 * `feature_extractor/preprocessor_config.json`, `image_encoder/`, `vae_encoder/`, `unet/`, `vae_decoder/`,
 * `scheduler/scheduler_config.json`), for `tiny/svd`, `tiny/svd-xt` and the tests' export variants.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { GraphBuilder } from "../../onnx/index.js";
import { writeGraph, writeJson } from "./sd-tiny.js";
import { type FloatIo, type TimestepVariant, tinyVaeEncoderGraph } from "./sd-tiny-graphs.js";
import {
  type NumFramesVariant,
  tinyImageEncoderGraph,
  tinySvdUnetGraph,
  tinyTemporalDecoderGraph,
} from "./svd-tiny-graphs.js";
import {
  SVD_CLIP_SIDE,
  SVD_EMBED_DIM,
  SVD_SCALING_FACTOR,
  TINY_SVD_FRAMES,
  type TinySvdVariant,
  tinySvdWeights,
} from "./svd-tiny-weights.js";

/**
 * `scheduler/scheduler_config.json` as the SVD checkpoints ship it (stable-video-diffusion-img2vid and -xt): Euler
 * with Karras sigmas between 0.002 and 700, v-prediction, continuous timesteps (0.25·ln σ), `leading` spacing.
 */
export const SVD_SCHEDULER_CONFIG = {
  _class_name: "EulerDiscreteScheduler",
  _diffusers_version: "0.24.0.dev0",
  beta_end: 0.012,
  beta_schedule: "scaled_linear",
  beta_start: 0.00085,
  clip_sample: false,
  interpolation_type: "linear",
  num_train_timesteps: 1000,
  prediction_type: "v_prediction",
  set_alpha_to_one: false,
  sigma_max: 700.0,
  sigma_min: 0.002,
  skip_prk_steps: true,
  steps_offset: 1,
  timestep_spacing: "leading",
  timestep_type: "continuous",
  trained_betas: null,
  use_karras_sigmas: true,
};

/** `feature_extractor/preprocessor_config.json` as SVD ships it (CLIP's mean and std; the pipeline reads them). */
export const SVD_FEATURE_EXTRACTOR = {
  crop_size: { height: SVD_CLIP_SIDE, width: SVD_CLIP_SIDE },
  do_center_crop: true,
  do_convert_rgb: true,
  do_normalize: true,
  do_rescale: true,
  do_resize: true,
  feature_extractor_type: "CLIPFeatureExtractor",
  image_mean: [0.48145466, 0.4578275, 0.40821073],
  image_processor_type: "CLIPImageProcessor",
  image_std: [0.26862954, 0.26130258, 0.27577711],
  resample: 3,
  rescale_factor: 0.00392156862745098,
  size: { shortest_edge: SVD_CLIP_SIDE },
};

/** Export variants of a tiny SVD model. */
export interface TinySvdOptions {
  /** Frames in the UNet's `sample` shape, or "dynamic" (symbolic; `unet/config.json`'s `num_frames` says it). */
  frames: number | "dynamic";
  timestep: TimestepVariant["shape"];
  /** fp16 inputs and outputs on every component. */
  io: FloatIo;
  /**
   * The image encoder's, UNet's and decoder's weights in `model.onnx_data` next to their `model.onnx` (the CLIP
   * preparation then stays a session of its own and the decoder keeps JS pixel conversion).
   */
  externalData: boolean;
  vaeEncoderOutput: "latent_sample" | "latent_parameters";
  /** The temporal decoder's `num_frames` input, or "none" for a decoder exported without it. */
  numFrames: NumFramesVariant | "none";
  /** Contents of scheduler/scheduler_config.json. */
  scheduler: Record<string, unknown>;
}

/**
 * Defaults of a variant: the frame count of the real checkpoint, a scalar float timestep, a `latent_parameters` VAE
 * encoder (its mode is the mean) and a scalar int64 `num_frames`.
 *
 * @example
 * tinySvdDefaults("svd-xt").frames; // 25
 */
export function tinySvdDefaults(variant: TinySvdVariant): TinySvdOptions {
  return {
    frames: TINY_SVD_FRAMES[variant],
    timestep: "scalar",
    io: "float32",
    externalData: false,
    vaeEncoderOutput: "latent_parameters",
    numFrames: { dtype: "int64", shape: "scalar" },
    scheduler: SVD_SCHEDULER_CONFIG,
  };
}

/** Weights move out of an external-data export; shape constants (at most 5 int64 = 40 bytes) stay inline. */
const EXTERNAL_MIN_BYTES = 44;

function writeComponent(dir: string, g: GraphBuilder, external: boolean, config: Record<string, unknown>): void {
  writeGraph(dir, g, external, config, EXTERNAL_MIN_BYTES);
}

/**
 * Writes a tiny SVD model of `variant` into `dir`, with `overrides` of its default export variants.
 *
 * @example
 * writeTinySvdModel("/models/tiny/svd", "svd");
 * writeTinySvdModel(tmp, "svd", { io: "float16", timestep: "[B]", numFrames: { dtype: "float", shape: "[1]" } });
 */
export function writeTinySvdModel(
  dir: string,
  variant: TinySvdVariant,
  overrides: Partial<TinySvdOptions> = {},
): TinySvdOptions {
  const o = { ...tinySvdDefaults(variant), ...overrides };
  const w = tinySvdWeights(variant);
  const frames = TINY_SVD_FRAMES[variant];
  mkdirSync(dir, { recursive: true });
  const vae = ["diffusers", "AutoencoderKLTemporalDecoder"];
  writeJson(join(dir, "model_index.json"), {
    _class_name: "StableVideoDiffusionPipeline",
    _diffusers_version: "0.24.0.dev0",
    feature_extractor: ["transformers", "CLIPImageProcessor"],
    image_encoder: ["transformers", "CLIPVisionModelWithProjection"],
    scheduler: ["diffusers", String(o.scheduler._class_name)],
    unet: ["diffusers", "UNetSpatioTemporalConditionModel"],
    vae_encoder: vae,
    vae_decoder: vae,
  });
  mkdirSync(join(dir, "feature_extractor"), { recursive: true });
  writeJson(join(dir, "feature_extractor", "preprocessor_config.json"), SVD_FEATURE_EXTRACTOR);
  mkdirSync(join(dir, "scheduler"), { recursive: true });
  writeJson(join(dir, "scheduler", "scheduler_config.json"), o.scheduler);
  writeComponent(join(dir, "image_encoder"), tinyImageEncoderGraph(w, o.io), o.externalData, {
    image_size: SVD_CLIP_SIDE,
    projection_dim: SVD_EMBED_DIM,
  });
  const vaeConfig = { latent_channels: 4, scaling_factor: SVD_SCALING_FACTOR, block_out_channels: [8, 8, 8, 8] };
  writeComponent(
    join(dir, "vae_encoder"),
    tinyVaeEncoderGraph({ output: o.vaeEncoderOutput, io: o.io }),
    false,
    vaeConfig,
  );
  writeComponent(join(dir, "unet"), tinySvdUnetGraph(w, o), o.externalData, {
    num_frames: frames,
    in_channels: 8,
    out_channels: 4,
    cross_attention_dim: SVD_EMBED_DIM,
    projection_class_embeddings_input_dim: 3,
  });
  writeComponent(
    join(dir, "vae_decoder"),
    tinyTemporalDecoderGraph({ io: o.io, numFrames: o.numFrames }),
    o.externalData,
    vaeConfig,
  );
  return o;
}

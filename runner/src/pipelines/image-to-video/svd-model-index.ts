/**
 * @module Reading a Stable Video Diffusion folder in the diffusers/ONNX layout: the component files, the CLIP
 * normalisation of `feature_extractor/preprocessor_config.json`, the scheduler config, the VAE scaling factor and the
 * frame count `unet/config.json` states (used when the UNet's export leaves the frame dimension symbolic).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** A Stable Video Diffusion folder, resolved. */
export interface SvdModelIndex {
  dir: string;
  files: {
    imageEncoder: string;
    vaeEncoder: string;
    unet: string;
    vaeDecoder: string;
    /** `safety_checker/model.onnx` when the folder has one (diffusers' ONNX export of the CompVis checker). */
    safetyChecker: string | undefined;
  };
  /** CLIP's per-channel mean and std from the feature extractor's config. */
  imageMean: [number, number, number];
  imageStd: [number, number, number];
  schedulerConfig: unknown;
  /** Latents are divided by this before decoding (the VAE's config.json, else SVD's 0.18215). */
  vaeScalingFactor: number;
  /** `num_frames` of unet/config.json (14 for SVD, 25 for SVD-XT), when it says. */
  configFrames: number | undefined;
}

/** Thrown when the folder is not a usable SVD model; the runner reports it and health says ERROR. */
export class SvdModelError extends Error {
  override name = "SvdModelError";
}

function readJson(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new SvdModelError(`${path} is missing`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new SvdModelError(`${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new SvdModelError(`${path} must hold a JSON object`);
  return parsed as Record<string, unknown>;
}

function optionalJson(path: string): Record<string, unknown> {
  return existsSync(path) ? readJson(path) : {};
}

function triple(value: unknown, path: string, key: string): [number, number, number] {
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    value.some((v) => typeof v !== "number" || !Number.isFinite(v)) ||
    (key === "image_std" && value.some((v) => v <= 0))
  ) {
    throw new SvdModelError(
      `${path}: ${key} must be three ${key === "image_std" ? "positive " : ""}numbers (one per RGB channel), got ${JSON.stringify(value)}`,
    );
  }
  return value as [number, number, number];
}

/**
 * Resolves the SVD folder `dir`.
 *
 * @throws {SvdModelError} naming the missing or broken file.
 * @example
 * const index = readSvdModelIndex("/models/tiny/svd");
 * index.configFrames; // 14
 */
export function readSvdModelIndex(dir: string): SvdModelIndex {
  const index = readJson(join(dir, "model_index.json"));
  const className = index._class_name;
  if (typeof className === "string" && !/VideoDiffusion/.test(className)) {
    throw new SvdModelError(
      `${join(dir, "model_index.json")} describes a ${className}; image-to-video needs a StableVideoDiffusionPipeline folder`,
    );
  }
  const file = (component: string) => {
    const path = join(dir, component, "model.onnx");
    if (!existsSync(path)) throw new SvdModelError(`${path} is missing (image-to-video needs ${component}/)`);
    return path;
  };
  const extractorPath = join(dir, "feature_extractor", "preprocessor_config.json");
  const extractor = readJson(extractorPath);
  const vae = {
    ...optionalJson(join(dir, "vae_encoder", "config.json")),
    ...optionalJson(join(dir, "vae_decoder", "config.json")),
  };
  const scaling = vae.scaling_factor;
  if (scaling !== undefined && (typeof scaling !== "number" || !(scaling > 0))) {
    throw new SvdModelError(
      `vae config.json: scaling_factor must be a positive number, got ${JSON.stringify(scaling)}`,
    );
  }
  const frames = optionalJson(join(dir, "unet", "config.json")).num_frames;
  if (frames !== undefined && (typeof frames !== "number" || !Number.isInteger(frames) || frames < 1)) {
    throw new SvdModelError(`unet/config.json: num_frames must be a whole number ≥ 1, got ${JSON.stringify(frames)}`);
  }
  return {
    dir,
    files: {
      imageEncoder: file("image_encoder"),
      vaeEncoder: file("vae_encoder"),
      unet: file("unet"),
      vaeDecoder: file("vae_decoder"),
      safetyChecker: existsSync(join(dir, "safety_checker", "model.onnx"))
        ? join(dir, "safety_checker", "model.onnx")
        : undefined,
    },
    imageMean: triple(extractor.image_mean, extractorPath, "image_mean"),
    imageStd: triple(extractor.image_std, extractorPath, "image_std"),
    schedulerConfig: readJson(join(dir, "scheduler", "scheduler_config.json")),
    vaeScalingFactor: (scaling as number | undefined) ?? 0.18215,
    configFrames: frames as number | undefined,
  };
}

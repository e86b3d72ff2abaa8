/**
 * @module Reading a Stable Diffusion folder in the diffusers/Optimum ONNX layout through its `model_index.json`: the
 * family (SD 1.x, SD 2.x, SDXL), the component files, the scheduler config and the VAE scaling factor.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePythonJson } from "../../internal/python-json.js";
import type { SdFamily } from "../../lora/index.js";

/** A Stable Diffusion model folder, resolved. */
export interface SdModelIndex {
  dir: string;
  family: SdFamily;
  /** `model.onnx` of each component present. */
  files: {
    textEncoder: string;
    textEncoder2: string | undefined;
    unet: string;
    vaeDecoder: string;
    vaeEncoder: string | undefined;
    safetyChecker: string | undefined;
  };
  tokenizerDirs: string[];
  schedulerConfig: unknown;
  /** Latents are divided by this before decoding (SD 0.18215, SDXL 0.13025, or the VAE's config.json). */
  vaeScalingFactor: number;
  /** SDXL: an empty negative prompt means zero embeddings rather than the encoded empty string. */
  forceZerosForEmptyPrompt: boolean;
}

/** Thrown when the folder is not a usable SD model; the runner reports it and health says ERROR. */
export class SdModelError extends Error {
  override name = "SdModelError";
}

function readJson(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new SdModelError(`${path} is missing`);
  try {
    return parsePythonJson(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (cause) {
    throw new SdModelError(`${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

function optionalJson(path: string): Record<string, unknown> {
  return existsSync(path) ? readJson(path) : {};
}

/**
 * Resolves the SD folder `dir`.
 *
 * @throws {SdModelError} naming the missing or broken file.
 * @example
 * const index = readSdModelIndex("/models/tiny/sdxl-turbo");
 * index.family; // "sdxl"
 */
export function readSdModelIndex(dir: string): SdModelIndex {
  const index = readJson(join(dir, "model_index.json"));
  const declared = (name: string) => {
    const v = index[name];
    return Array.isArray(v) && v[0] !== null && v[1] !== null;
  };
  const file = (component: string, required: boolean) => {
    const path = join(dir, component, "model.onnx");
    if (existsSync(path)) return path;
    // Only claim model_index.json lists it when it does (a folder of another pipeline's model may not).
    const why = declared(component) ? `model_index.json lists ${component}` : `Stable Diffusion needs ${component}/`;
    if (required) throw new SdModelError(`${path} is missing (${why})`);
    return undefined;
  };
  const className = String(index._class_name ?? "");
  const hasSecond = declared("text_encoder_2") || existsSync(join(dir, "text_encoder_2", "model.onnx"));
  const isXl = /XL/.test(className) || hasSecond;
  const textConfig = optionalJson(join(dir, "text_encoder", "config.json"));
  const family: SdFamily =
    index._avs_family === "sd1" || index._avs_family === "sd2" || index._avs_family === "sdxl"
      ? index._avs_family
      : isXl
        ? "sdxl"
        : textConfig.hidden_size === 1024
          ? "sd2"
          : "sd1";
  const vaeConfig = {
    ...optionalJson(join(dir, "vae_encoder", "config.json")),
    ...optionalJson(join(dir, "vae_decoder", "config.json")),
  };
  const scaling =
    typeof vaeConfig.scaling_factor === "number" ? vaeConfig.scaling_factor : family === "sdxl" ? 0.13025 : 0.18215;
  return {
    dir,
    family,
    files: {
      textEncoder: file("text_encoder", true) as string,
      textEncoder2: isXl ? (file("text_encoder_2", true) as string) : undefined,
      unet: file("unet", true) as string,
      vaeDecoder: file("vae_decoder", true) as string,
      vaeEncoder: file("vae_encoder", false),
      safetyChecker: file("safety_checker", false),
    },
    tokenizerDirs: isXl ? [join(dir, "tokenizer"), join(dir, "tokenizer_2")] : [join(dir, "tokenizer")],
    schedulerConfig: readJson(join(dir, "scheduler", "scheduler_config.json")),
    vaeScalingFactor: scaling,
    forceZerosForEmptyPrompt: isXl && index.force_zeros_for_empty_prompt !== false,
  };
}

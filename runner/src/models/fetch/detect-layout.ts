/**
 * @module Recognising what a repository or a model folder holds, in the layouts real exports use: a diffusers/Optimum
 * ONNX pipeline (`model_index.json` + `unet/model.onnx`, external weights in `model.onnx_data` or `weights.pb`) at
 * the root or in one subfolder such as `onnx/` (Stable Diffusion, SDXL, Stable Video Diffusion); a single-file model
 * (`model.onnx`, `onnx/model.onnx` as transformers.js exports put it, or one `*.onnx`) — ESRGAN or FILM, told apart
 * by its inputs; or a LoRA (`*.safetensors`). `planLayout` works on the file list before anything is downloaded,
 * `arrangeLayout` moves a fetched folder into the runner's layout, `identifyLayout` reads a folder.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { parsePythonJson } from "../../internal/python-json.js";

/** What a repository's files will become. */
export type LayoutPlan =
  | { kind: "diffusers"; root: string }
  | { kind: "single-onnx"; file: string }
  | { kind: "lora"; file: string };

/** What a model folder serves. */
export interface LayoutIdentity {
  /** The pipeline recorded in `avs-model.json` (`lora` for a LoRA). */
  pipeline: string;
  /** Every pipeline the folder can serve (Stable Diffusion: text-to-image, and image-to-image with a VAE encoder). */
  pipelines: string[];
  layout: "diffusers-onnx" | "single-onnx" | "lora";
}

/** The repository or folder is not something the runner can use; the message says why and what to do. */
export class LayoutError extends Error {
  override name = "LayoutError";
}

const LORA_NAMES = ["pytorch_lora_weights.safetensors", "adapter_model.safetensors"];

function listed(paths: readonly string[], limit = 12): string {
  return paths.length > limit ? `${paths.slice(0, limit).join(", ")}, … (${paths.length} files)` : paths.join(", ");
}

/**
 * Decides, from a repository's file list, which files make the model and how they will be laid out.
 *
 * @throws {LayoutError} for a diffusers repository without an ONNX UNet, several candidate ONNX or LoRA files, or
 *   nothing usable, naming the files and the `--include` that would pick one.
 * @example
 * planLayout(["onnx/model_index.json", "onnx/unet/model.onnx", "README.md"]); // { kind: "diffusers", root: "onnx" }
 */
export function planLayout(paths: readonly string[]): LayoutPlan {
  const has = new Set(paths);
  const roots = ["", ...new Set(paths.filter((p) => p.includes("/")).map((p) => p.slice(0, p.indexOf("/"))))];
  const diffusers = roots.find((r) => {
    const at = r ? `${r}/` : "";
    return has.has(`${at}model_index.json`) && has.has(`${at}unet/model.onnx`);
  });
  if (diffusers !== undefined) {
    const at = diffusers ? `${diffusers}/` : "";
    const video = has.has(`${at}image_encoder/model.onnx`);
    const needed = video
      ? ["image_encoder/model.onnx", "vae_decoder/model.onnx", "scheduler/scheduler_config.json"]
      : ["text_encoder/model.onnx", "vae_decoder/model.onnx", "scheduler/scheduler_config.json", "tokenizer/"];
    const missing = needed.filter((n) =>
      n.endsWith("/") ? !paths.some((p) => p.startsWith(at + n)) : !has.has(at + n),
    );
    if (missing.length > 0) {
      throw new LayoutError(
        `the ONNX pipeline${at ? ` under ${diffusers}/` : ""} lacks ${missing.join(", ")} among the files to fetch; widen --include`,
      );
    }
    return { kind: "diffusers", root: diffusers };
  }
  if (paths.some((p) => p === "model_index.json" || p.endsWith("/model_index.json"))) {
    throw new LayoutError(
      "a diffusers repository without an ONNX export (no unet/model.onnx next to model_index.json): the runner runs " +
        "ONNX models; fetch a revision or repository that has one (e.g. --revision onnx), or widen --include",
    );
  }
  const onnx = paths.filter((p) => p.endsWith(".onnx"));
  const single = has.has("model.onnx")
    ? "model.onnx"
    : has.has("onnx/model.onnx")
      ? "onnx/model.onnx"
      : onnx.length === 1
        ? onnx[0]
        : undefined;
  if (single) return { kind: "single-onnx", file: single };
  if (onnx.length > 1) {
    throw new LayoutError(
      `several ONNX files and none is model.onnx (${listed(onnx)}); pick one with --include, e.g. --include ${JSON.stringify(onnx[0])}`,
    );
  }
  const safetensors = paths.filter((p) => p.endsWith(".safetensors") && !p.includes("/"));
  const lora = LORA_NAMES.find((n) => has.has(n)) ?? (safetensors.length === 1 ? safetensors[0] : undefined);
  if (lora) return { kind: "lora", file: lora };
  if (safetensors.length > 1) {
    throw new LayoutError(
      `several .safetensors files at the top of the repository (${listed(safetensors)}); a LoRA folder holds one: pick it with --include`,
    );
  }
  throw new LayoutError(
    `no ONNX model and no LoRA among the files (${listed([...paths]) || "none"}): the runner needs ONNX exports or LoRA .safetensors files`,
  );
}

/** Moves every entry of `dir/sub` up into `dir`, replacing entries of the same name, and removes `sub`. */
async function hoist(dir: string, sub: string): Promise<void> {
  const from = join(dir, sub);
  const parked = join(dir, `.hoisting-${process.pid}`);
  await rename(from, parked);
  for (const name of await readdir(parked)) {
    await rm(join(dir, name), { recursive: true, force: true });
    await rename(join(parked, name), join(dir, name));
  }
  await rm(parked, { recursive: true, force: true });
}

/**
 * Moves a fetched folder into the runner's layout: a pipeline found in a subfolder, or a single-file model's folder,
 * is moved to the top (replacing same-named entries there); a single ONNX file is named `model.onnx`. External
 * weight files keep their names and stay beside the graph, which refers to them by name.
 *
 * @example await arrangeLayout("/models/.fetching-x", { kind: "diffusers", root: "onnx" });
 */
export async function arrangeLayout(dir: string, plan: LayoutPlan): Promise<void> {
  if (plan.kind === "diffusers") {
    if (plan.root) await hoist(dir, plan.root);
    return;
  }
  if (plan.kind !== "single-onnx") return;
  const slash = plan.file.lastIndexOf("/");
  if (slash > 0) await hoist(dir, plan.file.slice(0, slash));
  const name = plan.file.slice(slash + 1);
  if (name !== "model.onnx") await rename(join(dir, name), join(dir, "model.onnx"));
}

/** `upscale` for one image input, `frame-interpolation` for two (FILM: two frames and a time), else an error. */
async function singleFilePipeline(file: string): Promise<string> {
  const session = await ort.InferenceSession.create(file);
  try {
    const rank4 = session.inputMetadata.filter((m) => m.isTensor && m.shape.length === 4).map((m) => m.name);
    if (session.inputNames.length === 1 && rank4.length === 1) return "upscale";
    if (rank4.length === 2 && session.inputNames.length <= 3) return "frame-interpolation";
    throw new LayoutError(
      `${file}: inputs [${session.inputNames.join(", ")}] are neither an upscaler's (one image) nor a frame ` +
        "interpolator's (two images and a time)",
    );
  } finally {
    await session.release();
  }
}

/**
 * What the folder `dir` serves, from its files (and, for a single `model.onnx`, its inputs).
 *
 * @throws {LayoutError} when the folder holds none of the layouts.
 * @example
 * (await identifyLayout("/models/stabilityai/sd-turbo")).pipelines; // ["text-to-image", "image-to-image"]
 */
export async function identifyLayout(dir: string): Promise<LayoutIdentity> {
  if (existsSync(join(dir, "model_index.json")) && existsSync(join(dir, "unet", "model.onnx"))) {
    const index = parsePythonJson(readFileSync(join(dir, "model_index.json"), "utf8")) as { _class_name?: unknown };
    const video =
      /VideoDiffusion/.test(String(index._class_name ?? "")) || existsSync(join(dir, "image_encoder", "model.onnx"));
    if (video) return { pipeline: "image-to-video", pipelines: ["image-to-video"], layout: "diffusers-onnx" };
    const pipelines = existsSync(join(dir, "vae_encoder", "model.onnx"))
      ? ["text-to-image", "image-to-image"]
      : ["text-to-image"];
    return { pipeline: "text-to-image", pipelines, layout: "diffusers-onnx" };
  }
  if (existsSync(join(dir, "model.onnx"))) {
    const pipeline = await singleFilePipeline(join(dir, "model.onnx"));
    return { pipeline, pipelines: [pipeline], layout: "single-onnx" };
  }
  const names = existsSync(dir) ? readdirSync(dir) : [];
  if (names.some((n) => n.endsWith(".safetensors"))) return { pipeline: "lora", pipelines: [], layout: "lora" };
  throw new LayoutError(
    `${dir} holds no model the runner knows: expected model_index.json with unet/model.onnx, a model.onnx, or a LoRA .safetensors`,
  );
}

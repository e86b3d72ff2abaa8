/**
 * @module One benchmark job as an HTTP request: the pipeline's route with its body (JSON for text-to-image,
 * multipart for the image pipelines), typed by the gateway spec, plus its work units — output pixels × steps for
 * text-to-image and image-to-video, input pixels × steps for the image pipelines, as the broadcaster counts them
 * when it compares prices (`price_per_unit` per `pixels_per_unit` units).
 */
import type { components } from "../generated/gateway.js";
import { testImage } from "./test-image.js";

type Schemas = components["schemas"];

/** The pipelines avs-bench can drive. */
export const PIPELINES = ["text-to-image", "image-to-image", "image-to-video", "upscale"] as const;
export type Pipeline = (typeof PIPELINES)[number];

/** What a job looks like. */
export interface Workload {
  pipeline: Pipeline;
  modelId: string;
  /** Side in px: of the input image (image pipelines) or of the output (text-to-image, image-to-video). */
  size: number;
  /** Denoising steps (ignored by ESRGAN; still counted in units, as the broadcaster does). */
  steps: number;
  prompt: string;
  /** `num_images_per_prompt` of text-to-image and image-to-image (default 1). */
  images?: number;
}

/** A built request. */
export interface JobRequest {
  path: `/${Pipeline}`;
  /** A fresh body each call (a FormData or a JSON string can be sent once). */
  body(): { body: BodyInit; contentType?: string };
  /** Pixels × steps of one job (× images). */
  units: number;
  /** Images one job produces. */
  images: number;
}

/**
 * Builds the request of a workload; the seed is fixed so that every run does the same work.
 * @example const req = jobRequest({ pipeline: "upscale", modelId: "tiny/esrgan-x4", size: 64, steps: 1, prompt: "" });
 */
export function jobRequest(w: Workload): JobRequest {
  const seed = 42;
  const images = w.images ?? 1;
  if (images !== 1 && w.pipeline !== "text-to-image" && w.pipeline !== "image-to-image") {
    throw new Error(
      `${w.pipeline} makes one output per job; only text-to-image and image-to-image take several images`,
    );
  }
  if (w.pipeline === "text-to-image") {
    const body: Schemas["TextToImageRequest"] = {
      model_id: w.modelId,
      prompt: w.prompt,
      width: w.size,
      height: w.size,
      num_inference_steps: w.steps,
      seed,
      ...(images !== 1 ? { num_images_per_prompt: images } : {}),
    };
    const text = JSON.stringify(body);
    return {
      path: "/text-to-image",
      body: () => ({ body: text, contentType: "application/json" }),
      units: w.size * w.size * w.steps * images,
      images,
    };
  }
  const image = testImage(w.size);
  const fields: Record<string, string> = {
    model_id: w.modelId,
    seed: String(seed),
    num_inference_steps: String(w.steps),
  };
  if (w.pipeline !== "image-to-video") fields.prompt = w.prompt;
  if (images !== 1) fields.num_images_per_prompt = String(images);
  if (w.pipeline === "image-to-video") Object.assign(fields, { width: String(w.size), height: String(w.size) });
  const body = () => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append("image", new Blob([new Uint8Array(image)], { type: "image/png" }), "bench.png");
    return { body: form };
  };
  return { path: `/${w.pipeline}`, body, units: w.size * w.size * w.steps * images, images };
}

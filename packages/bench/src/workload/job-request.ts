/**
 * @module One benchmark job as an HTTP request, built from the gateway spec's generated `PIPELINES` table: the
 * pipeline's route with its body (JSON, or multipart with the test picture in every image field), plus its work
 * units counted by server-kit's `workUnits` on the same body values (pixels × frames × steps × images by the
 * pipeline's recipe), the function the broadcaster counts with when it compares prices (`price_per_unit` per
 * `pixels_per_unit` units). A pipeline added to the spec is benchmarked with no change here.
 */
import { workUnits } from "@ai-video-subnet/server-kit";
import { PIPELINES, type PipelineName } from "../generated/gateway-pipelines.js";
import { testImage } from "./test-image.js";

export { PIPELINES };

/** A pipeline avs-bench can drive: every pipeline of the gateway spec. */
export type Pipeline = PipelineName;

/** What a job looks like. */
export interface Workload {
  pipeline: Pipeline;
  modelId: string;
  /** Side in px: of the input image (image inputs) or of the output (pipelines sized by width and height). */
  size: number;
  /** Denoising steps (ignored by ESRGAN; still counted in units, as the broadcaster does). */
  steps: number;
  prompt: string;
  /** Images per job, for pipelines that count them (`num_images_per_prompt`; default 1). */
  images?: number;
}

/** A built request. */
export interface JobRequest {
  path: `/${Pipeline}`;
  /** A fresh body each call (a FormData or a JSON string can be sent once). */
  body(): { body: BodyInit; contentType?: string };
  /** Work units of one job: pixels × frames × steps × images, as the broadcaster counts them. */
  units: number;
  /** Images one job produces. */
  images: number;
}

/**
 * Builds the request of a workload; the seed is fixed so that every run does the same work.
 * @example const req = await jobRequest({ pipeline: "upscale", modelId: "tiny/esrgan-x4", size: 64, steps: 1, prompt: "" });
 */
export async function jobRequest(w: Workload): Promise<JobRequest> {
  const p = PIPELINES[w.pipeline];
  const units: { pixels: string | readonly string[]; steps?: string; images?: string } = p.units;
  const fields: readonly string[] = p.fields;
  const images = w.images ?? 1;
  if (images !== 1 && !units.images) {
    const several = Object.values(PIPELINES).filter((q) => "images" in q.units);
    throw new Error(
      `${w.pipeline} makes one output per job; only ${several.map((q) => q.pipeline).join(" and ")} take several images`,
    );
  }
  const files = Object.entries(p.files as Record<string, "image" | "video">);
  const video = files.find(([, kind]) => kind === "video");
  if (video) throw new Error(`avs-bench has no video workload yet (${w.pipeline} takes a video in ${video[0]})`);
  const values: Record<string, string | number> = { model_id: w.modelId, seed: 42 };
  if (fields.includes("prompt")) values.prompt = w.prompt;
  if (units.steps) values[units.steps] = w.steps;
  if (units.images && images !== 1) values[units.images] = images;
  if (Array.isArray(units.pixels)) for (const side of units.pixels) values[side] = w.size;
  const image = testImage(w.size);
  // Counted on the values the broadcaster's validator hands it: numbers as numbers, the test picture in its fields.
  const counted: Record<string, unknown> = { ...values };
  for (const [field] of files) counted[field] = new Blob([image], { type: "image/png" });
  const jobUnits = await workUnits(p, counted);
  if (p.body === "json") {
    const text = JSON.stringify(values);
    return {
      path: p.path,
      body: () => ({ body: text, contentType: "application/json" }),
      units: jobUnits,
      images,
    };
  }
  const body = () => {
    const form = new FormData();
    for (const [k, v] of Object.entries(values)) form.append(k, String(v));
    for (const [field] of files) form.append(field, new Blob([image], { type: "image/png" }), "bench.png");
    return { body: form };
  };
  return { path: p.path, body, units: jobUnits, images };
}

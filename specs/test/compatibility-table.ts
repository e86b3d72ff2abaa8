/**
 * @module The Livepeer AI runner (v0.14.1) wire format of the four pipelines, field by field, as recorded in
 * the project's design notes. The contract tests hold our specs to it.
 */

/** A field: its JSON Schema type and its default (`undefined` = no default). */
export type Field = [type: "string" | "integer" | "number" | "boolean" | "file", defaultValue?: unknown];

export interface PipelineContract {
  path: string;
  mediaType: "application/json" | "multipart/form-data";
  required: string[];
  fields: Record<string, Field>;
  /** Our optional extension fields (never required, always defaulted), which Livepeer's clients simply do not send. */
  extensions?: Record<string, Field>;
  /** Extensions of the orchestrator's and gateway's request only (never sent to a runner), e.g. the FILM chain's. */
  networkExtensions?: Record<string, Field>;
}

const common = {
  model_id: ["string", ""],
  safety_check: ["boolean", true],
  seed: ["integer", undefined],
} satisfies Record<string, Field>;

export const PIPELINES: PipelineContract[] = [
  {
    path: "/text-to-image",
    mediaType: "application/json",
    required: ["prompt"],
    fields: {
      ...common,
      prompt: ["string"],
      loras: ["string", ""],
      height: ["integer", 576],
      width: ["integer", 1024],
      guidance_scale: ["number", 7.5],
      negative_prompt: ["string", ""],
      num_inference_steps: ["integer", 50],
      num_images_per_prompt: ["integer", 1],
    },
  },
  {
    path: "/image-to-image",
    mediaType: "multipart/form-data",
    required: ["prompt", "image"],
    fields: {
      ...common,
      prompt: ["string"],
      image: ["file"],
      loras: ["string", ""],
      strength: ["number", 0.8],
      guidance_scale: ["number", 7.5],
      image_guidance_scale: ["number", 1.5],
      negative_prompt: ["string", ""],
      num_inference_steps: ["integer", 100],
      num_images_per_prompt: ["integer", 1],
    },
  },
  {
    path: "/image-to-video",
    mediaType: "multipart/form-data",
    required: ["image"],
    fields: {
      ...common,
      image: ["file"],
      height: ["integer", 576],
      width: ["integer", 1024],
      fps: ["integer", 6],
      motion_bucket_id: ["integer", 127],
      noise_aug_strength: ["number", 0.02],
      num_inference_steps: ["integer", 25],
    },
    extensions: {
      min_guidance_scale: ["number", 1.0],
      max_guidance_scale: ["number", 3.0],
      decode_chunk_size: ["integer", 4],
    },
    networkExtensions: {
      output_fps: ["number"],
      interpolation_model_id: ["string"],
    },
  },
  {
    path: "/upscale",
    mediaType: "multipart/form-data",
    required: ["prompt", "image"],
    fields: {
      ...common,
      prompt: ["string"],
      image: ["file"],
      num_inference_steps: ["integer", 75],
    },
  },
];

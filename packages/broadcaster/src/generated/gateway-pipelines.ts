/**
 * Generated from specs/gateway.yaml by `avs-codegen` (x-avs-pipeline). Do not edit by hand:
 * change the spec and run `pnpm generate`.
 */

/** One job operation of the gateway API, as its `x-avs-pipeline` extension and the operation describe it. */
export interface PipelineEntry {
  /** The route's path without its `/`: the runner's `PIPELINE`, the capability an orchestrator advertises. */
  readonly pipeline: string;
  readonly operationId: string;
  readonly path: string;
  /** The SDK method: the pipeline name in camelCase. */
  readonly clientMethod: string;
  /** How the request body is sent. */
  readonly body: "json" | "multipart";
  /** Every field of the request body, in the spec's order. */
  readonly fields: readonly string[];
  /** The file fields and the media each holds. */
  readonly files: Readonly<Record<string, "image" | "video">>;
  /** Work units = pixels × frames × steps × images; each names a field (or, for pixels and frames, a file field; pixels may list alternative file fields, the first present counted; frames may be a constant; with rate, the frames counted are the output of that frame-rate change of the source). */
  readonly units: {
    readonly pixels: string | readonly string[];
    readonly frames?: string | number;
    readonly steps?: string;
    readonly images?: string;
    readonly rate?: {
      readonly output_fps?: string;
      readonly multiplier?: string;
      readonly times_to_interpolate?: string;
      readonly source_fps?: string;
    };
  };
  /** The 200 answer: `{images}`, `{frames}` or the video file itself. */
  readonly response: "images" | "frames" | "video";
}

/** The job operations of the gateway API, by pipeline name, in the spec's order. */
export const PIPELINES = {
  /** Generate images from text prompts. `POST /text-to-image` (genTextToImage). */
  "text-to-image": {
    "pipeline": "text-to-image",
    "operationId": "genTextToImage",
    "path": "/text-to-image",
    "clientMethod": "textToImage",
    "body": "json",
    "fields": ["model_id", "loras", "prompt", "height", "width", "guidance_scale", "negative_prompt", "safety_check", "seed", "num_inference_steps", "num_images_per_prompt"],
    "files": {},
    "units": {
      "pixels": ["width", "height"],
      "steps": "num_inference_steps",
      "images": "num_images_per_prompt",
    },
    "response": "images",
  },
  /** Apply image transformations to a provided image. `POST /image-to-image` (genImageToImage). */
  "image-to-image": {
    "pipeline": "image-to-image",
    "operationId": "genImageToImage",
    "path": "/image-to-image",
    "clientMethod": "imageToImage",
    "body": "multipart",
    "fields": ["prompt", "image", "model_id", "loras", "strength", "guidance_scale", "image_guidance_scale", "negative_prompt", "safety_check", "seed", "num_inference_steps", "num_images_per_prompt"],
    "files": {
      "image": "image",
    },
    "units": {
      "pixels": "image",
      "steps": "num_inference_steps",
      "images": "num_images_per_prompt",
    },
    "response": "images",
  },
  /** Generate a video from a provided image. The result is one H.264 mp4, as the single entry of `images`. With `output_fps` above `fps` (our extension), an orchestrator that also serves a frame-interpolation model interpolates the frames to that rate with FILM, e.g. 14 frames at 7 fps → 48 frames at 24 fps, about 2 s. `POST /image-to-video` (genImageToVideo). */
  "image-to-video": {
    "pipeline": "image-to-video",
    "operationId": "genImageToVideo",
    "path": "/image-to-video",
    "clientMethod": "imageToVideo",
    "body": "multipart",
    "fields": ["image", "model_id", "height", "width", "fps", "motion_bucket_id", "noise_aug_strength", "safety_check", "seed", "num_inference_steps", "min_guidance_scale", "max_guidance_scale", "decode_chunk_size", "output_fps", "interpolation_model_id"],
    "files": {
      "image": "image",
    },
    "units": {
      "pixels": ["width", "height"],
      "frames": 25,
      "steps": "num_inference_steps",
    },
    "response": "images",
  },
  /** Upscale an image by increasing its resolution. `POST /upscale` (genUpscale). */
  "upscale": {
    "pipeline": "upscale",
    "operationId": "genUpscale",
    "path": "/upscale",
    "clientMethod": "upscale",
    "body": "multipart",
    "fields": ["prompt", "image", "model_id", "safety_check", "seed", "num_inference_steps"],
    "files": {
      "image": "image",
    },
    "units": {
      "pixels": "image",
      "steps": "num_inference_steps",
    },
    "response": "images",
  },
  /** Upscale every frame of a video with an ESRGAN model (our extension). The result is one H.264 mp4 with the same frame count, frame rate, timestamps and audio, as the single entry of `images`. Long videos suit `Prefer: respond-async` (progress per frame on the job's event stream). `POST /video-upscale` (genVideoUpscale). */
  "video-upscale": {
    "pipeline": "video-upscale",
    "operationId": "genVideoUpscale",
    "path": "/video-upscale",
    "clientMethod": "videoUpscale",
    "body": "multipart",
    "fields": ["video", "model_id", "seed"],
    "files": {
      "video": "video",
    },
    "units": {
      "pixels": "video",
      "frames": "video",
    },
    "response": "images",
  },
  /** Raise the frame rate of a video, or make a clip from two images, with a FILM model (our extension): a target `output_fps`, a `multiplier` or FILM's `times_to_interpolate`. The result is one H.264 mp4 of the same duration, as the single entry of `images`. Long videos suit `Prefer: respond-async` (progress per output frame on the job's event stream). `POST /frame-interpolation` (genFrameInterpolation). */
  "frame-interpolation": {
    "pipeline": "frame-interpolation",
    "operationId": "genFrameInterpolation",
    "path": "/frame-interpolation",
    "clientMethod": "frameInterpolation",
    "body": "multipart",
    "fields": ["video", "first_image", "last_image", "source_fps", "output_fps", "multiplier", "times_to_interpolate", "model_id", "seed"],
    "files": {
      "video": "video",
      "first_image": "image",
      "last_image": "image",
    },
    "units": {
      "pixels": ["video", "first_image"],
      "frames": "video",
      "rate": {
        "output_fps": "output_fps",
        "multiplier": "multiplier",
        "times_to_interpolate": "times_to_interpolate",
        "source_fps": "source_fps",
      },
    },
    "response": "images",
  },
} as const satisfies Record<string, PipelineEntry>;

/** A pipeline of the gateway API. */
export type PipelineName = keyof typeof PIPELINES;

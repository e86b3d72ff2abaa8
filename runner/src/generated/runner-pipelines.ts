/**
 * Generated from specs/runner.yaml by `avs-codegen` (x-avs-pipeline). Do not edit by hand:
 * change the spec and run `pnpm generate`.
 */

/** One job operation of the runner API, as its `x-avs-pipeline` extension and the operation describe it. */
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

/** The job operations of the runner API, by pipeline name, in the spec's order. */
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
  /** Apply image transformations to a provided image. The image is resized to a multiple of 8. `POST /image-to-image` (genImageToImage). */
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
  /** Generate a video from a provided image. The frames come back as PNG data URLs. `POST /image-to-video` (genImageToVideo). */
  "image-to-video": {
    "pipeline": "image-to-video",
    "operationId": "genImageToVideo",
    "path": "/image-to-video",
    "clientMethod": "imageToVideo",
    "body": "multipart",
    "fields": ["image", "model_id", "height", "width", "fps", "motion_bucket_id", "noise_aug_strength", "safety_check", "seed", "num_inference_steps", "min_guidance_scale", "max_guidance_scale", "decode_chunk_size"],
    "files": {
      "image": "image",
    },
    "units": {
      "pixels": ["width", "height"],
      "frames": 25,
      "steps": "num_inference_steps",
    },
    "response": "frames",
  },
  /** Upscale an image by increasing its resolution. ESRGAN models upscale by the factor the model was trained for; large images are processed in overlapping tiles. `POST /upscale` (genUpscale). */
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
  /** Upscale every frame of a video with the loaded ESRGAN model (our extension). Streamed: frames are decoded, upscaled (tiled as `/upscale` tiles images) and encoded a few at a time, so memory does not grow with the video's length. The answer is one H.264 yuv420p mp4 (`+faststart`) with the source's frame count, frame rate and timestamps and its first audio stream up to the video's end (copied, or encoded to AAC when MP4 does not hold its codec), as a `data:video/mp4` URL. The limits (bytes, pixels per frame in and out, frames, seconds) are in `GET /info` and in every 413 message. Progress is reported per frame (`stage: upscale`) on `/progress/{request_id}`. `POST /video-upscale` (genVideoUpscale). */
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
  /** Raise the frame rate of a video, or make a clip from two images, with the loaded FILM model (our extension). Streamed: ffmpeg decodes the source frames one at a time, FILM fills the gaps (each new frame at its exact time `t` between its two source frames, or by recursive midpoints), and the frames go to the encoder as they are made, so memory does not grow with the video's length. Source frames are passed through untouched where the output rate lands on them. The answer is one H.264 yuv420p mp4 (`+faststart`, no audio) as a `data:video/mp4` URL. The output frame count (source frames × the rate change) is checked against `max_output_frames` of `GET /info` before any frame is decoded. Progress is reported per output frame (`stage: interpolate`) on `/progress/{request_id}`. `POST /frame-interpolation` (genFrameInterpolation). */
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

/** A pipeline of the runner API. */
export type PipelineName = keyof typeof PIPELINES;

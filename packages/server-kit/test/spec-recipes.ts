/**
 * @module The `x-avs-pipeline` recipes of four gateway pipelines — their file fields and work units — as the specs
 * declare them, for the work-units tests to count with. specs/test/pipelines.test.ts checks that the specs still
 * declare exactly these, so the tests here count what the servers count.
 */

/** `POST /text-to-image`: width × height × steps × images per prompt. */
export const TEXT_TO_IMAGE = {
  files: {},
  units: { pixels: ["width", "height"], steps: "num_inference_steps", images: "num_images_per_prompt" },
} as const;

/** `POST /upscale`: the image's pixels × steps. */
export const UPSCALE = { files: { image: "image" }, units: { pixels: "image", steps: "num_inference_steps" } } as const;

/** `POST /video-upscale`: the video's pixels × frames. */
export const VIDEO_UPSCALE = { files: { video: "video" }, units: { pixels: "video", frames: "video" } } as const;

/**
 * `POST /frame-interpolation`: the source's pixels (a video or the first of two images) × the frames of the output,
 * planned from the request's rate fields.
 */
export const FRAME_INTERPOLATION = {
  files: { video: "video", first_image: "image", last_image: "image" },
  units: {
    pixels: ["video", "first_image"],
    frames: "video",
    rate: {
      output_fps: "output_fps",
      multiplier: "multiplier",
      times_to_interpolate: "times_to_interpolate",
      source_fps: "source_fps",
    },
  },
} as const;

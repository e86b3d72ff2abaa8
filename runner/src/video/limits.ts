/**
 * @module The limits a video upload must stay within — bytes, pixels per frame in and out, frames, duration — as one
 * object that is checked from the probe before anything is decoded, printed in every 413 message and reported by
 * `/info`, so a caller can read what is allowed before sending.
 */
import { VideoInputError } from "./errors.js";

/** What a video job may be. Pixels are per frame; output pixels are after the pipeline's scale factor. */
export interface VideoLimits {
  /** Largest file, in bytes. */
  maxBytes: number;
  /** Largest decoded (displayed) frame, width × height. */
  maxInputPixels: number;
  /** Largest produced frame, width × height × scale². */
  maxOutputPixels: number;
  /** Most frames in the video stream. */
  maxFrames: number;
  /** Longest video stream, in seconds. */
  maxDurationSeconds: number;
}

/**
 * Defaults: 256 MiB; 1280×720 in; 3840×2160 out (a ×4 upscale of 960×540); 3600 frames (2 min at 30 fps); 180 s.
 * Sized for a CPU runner, where a ×4 frame takes a fraction of a second to seconds; a GPU runner can raise them.
 */
export const DEFAULT_VIDEO_LIMITS: Readonly<VideoLimits> = Object.freeze({
  maxBytes: 256 * 1024 * 1024,
  maxInputPixels: 1280 * 720,
  maxOutputPixels: 3840 * 2160,
  maxFrames: 3600,
  maxDurationSeconds: 180,
});

/**
 * The widest and tallest frame the runner's H.264 encoder (libx264) takes, in pixels, after odd sides are padded to
 * even; x264 refuses a larger side ("invalid width x height") whatever the pixel count. Not a setting: a property of
 * the output format.
 */
export const H264_MAX_SIDE = 16384;

/** The facts of one video that the limits are checked against; absent facts are not checked. */
export interface VideoFacts {
  bytes?: number;
  width?: number;
  height?: number;
  frames?: number;
  /** `frames` is a lower bound: counting stopped there (the count is capped just above the limit). */
  framesAtLeast?: boolean;
  durationSeconds?: number;
}

/** `n` rounded up to even: the encoder pads an odd side by one row or column. */
function even(n: number): number {
  return n + (n % 2);
}

function bytesText(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / 1024 / 1024} MiB`;
  return `${n} bytes`;
}

/**
 * The limits as one sentence, for 413 messages, logs and docs.
 * @example describeVideoLimits(DEFAULT_VIDEO_LIMITS) // "at most 256 MiB, 921600 px per input frame (e.g. 1280×720), …"
 */
export function describeVideoLimits(limits: VideoLimits): string {
  const example = (px: number) => {
    const h = Math.floor(Math.sqrt((px * 9) / 16));
    return `e.g. ${Math.floor((h * 16) / 9)}×${h}`;
  };
  return (
    `at most ${bytesText(limits.maxBytes)}, ${limits.maxInputPixels} px per input frame (${example(limits.maxInputPixels)}), ` +
    `${limits.maxOutputPixels} px per output frame (${example(limits.maxOutputPixels)}), ` +
    `${limits.maxFrames} frames and ${limits.maxDurationSeconds} s`
  );
}

/**
 * The limits in the snake_case shape of the runner's JSON (`/info`).
 * @example videoLimitsInfo(DEFAULT_VIDEO_LIMITS).max_frames // 3600
 */
export function videoLimitsInfo(limits: VideoLimits) {
  return {
    max_bytes: limits.maxBytes,
    max_input_pixels: limits.maxInputPixels,
    max_output_pixels: limits.maxOutputPixels,
    max_frames: limits.maxFrames,
    max_duration_seconds: limits.maxDurationSeconds,
  };
}

/**
 * Throws a 413 {@link VideoInputError} (`too_large`) naming the first limit `facts` exceed, its value and every
 * limit; `scale` turns the frame size into the output size. Output frames must also fit {@link H264_MAX_SIDE} on
 * each side (checked after the input pixels, before the output pixels). `field` names the upload in the message.
 * @example checkVideoLimits({ width: 1920, height: 1080 }, DEFAULT_VIDEO_LIMITS, 4) // throws: 2073600 px per input frame …
 */
export function checkVideoLimits(facts: VideoFacts, limits: VideoLimits, scale = 1, field = "video"): void {
  const fail = (what: string) => {
    throw new VideoInputError(
      "too_large",
      `${field} ${what}; this runner takes videos of ${describeVideoLimits(limits)}`,
    );
  };
  if (facts.bytes !== undefined && facts.bytes > limits.maxBytes) {
    fail(`is ${facts.bytes} bytes, over ${bytesText(limits.maxBytes)}`);
  }
  if (facts.width !== undefined && facts.height !== undefined) {
    const px = facts.width * facts.height;
    if (px > limits.maxInputPixels) {
      fail(`has ${facts.width}×${facts.height} = ${px} px frames, over ${limits.maxInputPixels} px per input frame`);
    }
    const [outWidth, outHeight] = [facts.width * scale, facts.height * scale];
    if (even(outWidth) > H264_MAX_SIDE || even(outHeight) > H264_MAX_SIDE) {
      const become = scale === 1 ? "" : `, which ×${scale} become ${outWidth}×${outHeight} px`;
      fail(
        `has ${facts.width}×${facts.height} px frames${become}; an H.264 frame is at most ${H264_MAX_SIDE} px wide ` +
          `and ${H264_MAX_SIDE} px tall, so send frames of at most ${Math.floor(H264_MAX_SIDE / scale)} px a side`,
      );
    }
    const out = px * scale * scale;
    if (out > limits.maxOutputPixels) {
      fail(
        `has ${facts.width}×${facts.height} px frames, which ×${scale} become ${facts.width * scale}×${facts.height * scale} = ` +
          `${out} px, over ${limits.maxOutputPixels} px per output frame`,
      );
    }
  }
  if (facts.frames !== undefined && facts.frames > limits.maxFrames) {
    fail(
      facts.framesAtLeast
        ? `has more than ${limits.maxFrames} frames`
        : `has ${facts.frames} frames, over ${limits.maxFrames}`,
    );
  }
  if (facts.durationSeconds !== undefined && facts.durationSeconds > limits.maxDurationSeconds) {
    fail(`lasts ${Math.round(facts.durationSeconds * 1000) / 1000} s, over ${limits.maxDurationSeconds} s`);
  }
}

/**
 * @module What a Stable Video Diffusion generation takes and gives: its parameters, the frames it hands out chunk by
 * chunk, its result, and the job control it obeys (progress out, abort in; the runner's `JobControl` has these
 * members, so it can be passed as is).
 */
import type { RgbImage } from "../../image/decode.js";

/** One image-to-video generation, already validated (see video-limits.ts for the checks and defaults). */
export interface VideoParams {
  /** The conditioning image, at its own size (CLIP sees it whole; the VAE sees it resized to width×height). */
  image: RgbImage;
  /** Output size; multiples of 8. */
  width: number;
  height: number;
  /** Frames per second; the UNet is conditioned on fps − 1, as SVD was trained. */
  fps: number;
  motionBucketId: number;
  noiseAugStrength: number;
  numInferenceSteps: number;
  /** Seeds the image's noise augmentation and then the initial latents (one stream, in that order). */
  seed: number;
  /** Guidance of the first and last frame; frames in between are linear. Guidance runs when max > 1. */
  minGuidanceScale: number;
  maxGuidanceScale: number;
  /** Frames per temporal-decoder call (clamped to the frame count). */
  decodeChunkSize: number;
  /**
   * Run the model's safety checker (when its folder has one) on the conditioning image, as Livepeer's runner checks
   * the input image; the runner's worker does so before generating, and every frame carries the flag.
   */
  safetyCheck: boolean;
}

/** Decoded frames handed out as soon as their chunk is decoded. */
export interface FrameChunk {
  /** Index of `frames[0]` in the video. */
  first: number;
  /** 8-bit RGB frames, `width`×`height`. Frames of one chunk may share one buffer (see `buffers`). */
  frames: RgbImage[];
  /** The buffers behind `frames`, each owned by the chunk alone: transfer them to another thread without copying. */
  buffers: ArrayBuffer[];
}

/** Receives each decoded chunk; the next chunk is decoded once the returned promise (if any) settles. */
export type FrameSink = (chunk: FrameChunk) => void | Promise<void>;

/** A progress report: `step` of `total` done in loop `stage`. */
export interface ProgressEvent {
  stage: string;
  step: number;
  total: number;
}

/**
 * The job control a generation obeys, a subset of the runner's `JobControl`: progress after every denoising step
 * (`denoise`, step = steps done of the steps requested) and every decoded chunk (`decode`, step = frames decoded of
 * the frame count); abort checked before each step and each chunk.
 */
export interface VideoControl {
  progress?(p: ProgressEvent): void;
  readonly aborted?: boolean;
  /** Throws the runner's abort error when aborted; when absent, {@link VideoAbortedError} is thrown instead. */
  throwIfAborted?(): void;
}

/** Thrown between steps when the job was aborted and the control has no `throwIfAborted` of its own. */
export class VideoAbortedError extends Error {
  override name = "VideoAbortedError";
  constructor() {
    super("the image-to-video job was aborted");
  }
}

/**
 * Stops the generation here when the job was aborted.
 *
 * @example
 * checkAborted(control); // between two denoising steps
 */
export function checkAborted(control: VideoControl): void {
  if (control.throwIfAborted) control.throwIfAborted();
  else if (control.aborted) throw new VideoAbortedError();
}

/** Time spent inside ONNX Runtime per component, in milliseconds. */
export type SessionTimes = Record<string, number>;

/** What a finished generation reports (the frames went to the sink). */
export interface VideoResult {
  frames: number;
  width: number;
  height: number;
  steps: number;
  /** Whether the UNet ran on [unconditional; conditional] (max guidance > 1). */
  guided: boolean;
  sessionMs: SessionTimes;
  totalMs: number;
}

/** @module What the HTTP half of text-to-image / image-to-image sends to the worker, and what comes back. */
import type { RgbImage } from "../../image/decode.js";
import type { LoraRequest } from "../../lora/index.js";

/** One generation request, already validated. */
export interface SdJob {
  prompt: string;
  negativePrompt: string;
  guidanceScale: number;
  numInferenceSteps: number;
  numImages: number;
  /** Image i uses seed + i. */
  seed: number;
  width: number;
  height: number;
  safetyCheck: boolean;
  loras: LoraRequest[];
  /** image-to-image: the input (sides multiples of 8) and how far to move from it (0 … 1). */
  init?: { image: RgbImage; strength: number };
}

/** Time spent inside ONNX Runtime per component, in milliseconds. */
export type SessionTimes = Record<string, number>;

/** The worker's answer. */
export interface SdResult {
  images: RgbImage[];
  nsfw: boolean[];
  /** Tokens cut from the prompt / negative prompt to fit 77 (0 when nothing was cut). */
  truncated: { prompt: number; negativePrompt: number; text: string };
  /** Denoising steps actually run (fewer than requested for image-to-image with strength < 1). */
  steps: number;
  sessionMs: SessionTimes;
  totalMs: number;
}

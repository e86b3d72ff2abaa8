/**
 * @module `@ai-video-subnet/runner/testing`: what tests of the runner and of the packages around it need — the tiny
 * model factory (ONNX graphs with the real signatures and deterministic weights, written in TypeScript, so tests need
 * no download) and the Stable Diffusion harness with its TypeScript reference. Nothing here imports a test runner.
 */
// First: ONNX Runtime's telemetry is off before any session exists (see onnx/telemetry.ts).
import "../onnx/telemetry.js";

export { TINY_ESRGAN_RECEPTIVE_RADIUS, tinyEsrganModel } from "../models/factory/esrgan-tiny.js";
export { TINY_FILM_TF, TINY_FILM_TORCH, type TinyFilmOptions, tinyFilmModel } from "../models/factory/film-tiny.js";
export { seededUniform, seededWeights } from "../models/factory/random.js";
export { TINY_SD_DEFAULTS, type TinySdOptions, writeTinySdModel } from "../models/factory/sd-tiny.js";
export { type TinySdFamily, tinySdWeights } from "../models/factory/sd-tiny-weights.js";
export { job, type TinyModel, tinyHarness } from "./sd-harness.js";
export { type ReferenceModel, referenceLatents } from "./sd-reference.js";

/**
 * @module Public entry of @ai-video-subnet/runner. The CLI (`avs-runner`) is the primary interface; this entry
 * exposes the app factory, the model tools and the ONNX graph builder for other packages and tests.
 */
export {
  type ExecutionProvider,
  loadConfig,
  type RunnerConfig,
  RUNNER_SETTINGS,
  SETTINGS,
} from "./config.js";
export type { components, operations, paths } from "./generated/runner.js";
export { decodeImage, type ImageLimits, type RgbImage } from "./image/decode.js";
export { type AnswerImage, encodePng, mediaResponse } from "./image/encode.js";
export { type ImageFormat, sniffImage } from "./image/sniff.js";
export { jsonLogger, type LogFields, type Logger, silentLogger } from "./log.js";
export { CATALOG, type CatalogEntry, catalogEntry } from "./models/catalog.js";
export { TINY_ESRGAN_RECEPTIVE_RADIUS, tinyEsrganModel } from "./models/factory/esrgan-tiny.js";
export { seededUniform, seededWeights } from "./models/factory/random.js";
export { installModel } from "./models/install.js";
export {
  installedModels,
  MANIFEST,
  type ModelManifest,
  modelPath,
  readManifest,
  writeManifest,
} from "./models/layout.js";
export {
  type AttrValue,
  bytesPerElement,
  DATA_TYPE_CODE,
  type Dim,
  type ExternalDataOptions,
  float,
  floats,
  GraphBuilder,
  type ModelOptions,
  type OnnxDType,
  RGB_INPUT,
  RGB_OUTPUT,
  type RgbInputMapping,
  type RgbMapping,
  rawBytes,
  type SplitModel,
  type TypedArrayOf,
  withRgbOutput,
  withRgbPixels,
} from "./models/onnx/index.js";
export { type VerifyReport, verifyModel } from "./models/verify.js";
export { PIPELINES, pipelineModule } from "./pipelines/index.js";
export type {
  HttpPipeline,
  LoadedPipeline,
  PipelineHttpContext,
  PipelineModule,
  WorkerLoadContext,
  WorkerPipeline,
} from "./pipelines/types.js";
export { createRunnerApp, type RunnerApp } from "./server/app.js";
export { type RunnerServer, startRunnerServer } from "./server/serve.js";
export { createSession, type SessionSettings } from "./worker/session.js";

/**
 * @module Public entry of @ai-video-subnet/runner. The CLI (`avs-runner`) is the primary interface; this entry
 * exposes the app factory, the pipeline contract, the model tools and the ONNX graph builder for other packages.
 * Tiny test models and the test harness are in `@ai-video-subnet/runner/testing`.
 */
// First: ONNX Runtime's telemetry is off before any session exists (see onnx/telemetry.ts).
import "./onnx/telemetry.js";

export {
  type ExecutionProvider,
  loadConfig,
  RUNNER_SETTINGS,
  type RunnerConfig,
  SETTINGS,
} from "./config.js";
export {
  BadRequestError,
  JobAbortedError,
  JobError,
  ModelUnavailableError,
  OutOfMemoryError,
  PayloadTooLargeError,
  RunnerError,
  UnsupportedMediaError,
} from "./errors.js";
export type { components, operations, paths } from "./generated/runner.js";
export { decodeImage, type ImageLimits, type RgbImage } from "./image/decode.js";
export { type AnswerImage, encodePng, mediaResponse } from "./image/encode.js";
export { type ImageFormat, sniffImage } from "./image/sniff.js";
export { jsonLogger, type LogFields, type Logger, silentLogger } from "./log.js";
export { CATALOG, type CatalogEntry, catalogEntry } from "./models/catalog.js";
export {
  type FetchModelOptions,
  type FetchProgress,
  type FetchResult,
  fetchModel,
  HubError,
  identifyLayout,
  jsonProgress,
  type LayoutIdentity,
  ttyProgress,
} from "./models/fetch/index.js";
export { installModel } from "./models/install.js";
export {
  type InstalledModel,
  installedModels,
  MANIFEST,
  type ModelManifest,
  modelPath,
  readManifest,
  writeManifest,
} from "./models/layout.js";
export { type VerifyReport, verifyModel } from "./models/verify.js";
export {
  type AttrValue,
  bytesPerElement,
  DATA_TYPE_CODE,
  type Dim,
  type ExternalDataOptions,
  float,
  floats,
  fromHalfBits,
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
  toHalfBits,
  withRgbOutput,
  withRgbPixels,
} from "./onnx/index.js";
export { createSession, type SessionSettings } from "./onnx/session.js";
export {
  type BodyOf,
  type Defaulted,
  definePipeline,
  type JobControl,
  type LoadedModel,
  type ModelInfo,
  type OperationId,
  PIPELINES,
  type Pipeline,
  type PipelineContext,
  type PipelineDefinition,
  type Prepared,
  type Progress,
  pipelineDefinition,
  type ReplyOf,
  type SessionContext,
  type SingleCallPipeline,
  type StreamingPipeline,
  type Verifier,
  type WorkerCall,
  type WorkerCallOptions,
  type WorkerHalf,
  type WorkerLoadContext,
  type WorkerReply,
} from "./pipelines/index.js";
export { createRunnerApp, type RunnerApp } from "./server/app.js";
export type { EndData, ProgressData, ProgressEvent } from "./server/progress-hub.js";
export { type RunnerServer, startRunnerServer } from "./server/serve.js";

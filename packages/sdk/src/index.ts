/**
 * @module Public entry of @ai-video-subnet/sdk: `createClient`, the error classes, `toFile`, asynchronous job
 * handles, and the types mapped from the gateway spec.
 */
export { type Client, type ClientOptions, createClient, type RawClient } from "./client.js";
export {
  AbortError,
  ApiError,
  type ApiErrorInit,
  AuthenticationError,
  BadRequestError,
  type CallTarget,
  ConnectionError,
  type ErrorDetail,
  InternalServerError,
  InvalidInputError,
  MalformedResponseError,
  NotFoundError,
  PayloadTooLargeError,
  parseRetryAfter,
  RateLimitError,
  SdkError,
  ServiceUnavailableError,
  TimeoutError,
  UnsupportedMediaTypeError,
  ValidationError,
  type ValidationIssue,
} from "./errors.js";
export type { components, operations, paths } from "./generated/gateway.js";
export { PIPELINES, type PipelineEntry } from "./generated/gateway-pipelines.js";
export type { FetchLike } from "./internal/transport.js";
export {
  type Job,
  JobCancelledError,
  type JobEvent,
  type JobHandle,
  type JobPipeline,
  type JobPipelines,
  type JobProgress,
  type JobStatus,
  type SubmitOptions,
  type WaitOptions,
} from "./jobs.js";
export type {
  CallOptions,
  DownloadOptions,
  FrameInterpolationOptions,
  HeadersLike,
  ImageResponse,
  ImageToImageOptions,
  ImageToVideoOptions,
  LorasInput,
  Media,
  OptionsOf,
  PipelineMethods,
  PipelineName,
  PipelineOptions,
  PipelineResult,
  Pipelines,
  RequestBodyOf,
  ResultOf,
  TextToImageOptions,
  UpscaleOptions,
  VideoUpscaleOptions,
} from "./options.js";
export { toFile, type Uploadable } from "./uploadable.js";

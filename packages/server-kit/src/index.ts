/**
 * @module Public entry of @ai-video-subnet/server-kit: what the runner, the orchestrator and the broadcaster are
 * built from at run time. The contracts themselves (the OpenAPI documents, their generated types and `PIPELINES`
 * tables) are generated into each package by `avs-codegen` from `specs/`; this kit reads them.
 */

export { BEARER_TOKEN_RULE, type BearerAuthOptions, bearerAuth, isBearerToken } from "./http/bearer-auth.js";
export {
  type ByteRange,
  type ByteSpan,
  outputCacheControl,
  parseByteRange,
  type RangedBody,
  type RangePart,
  rangedAnswer,
  rangePart,
} from "./http/byte-range.js";
export {
  clientAddress,
  isLoopback,
  metricsGuard,
  type PublicOriginOptions,
  publicOrigin,
} from "./http/client-address.js";
export { type Deadline, deadline } from "./http/deadline.js";
export {
  allowedMethods,
  boundedIssues,
  errorBody,
  errorHandler,
  errorResponse,
  HttpError,
  MAX_LISTED_ISSUES,
  notFoundHandler,
  type RefusalObserver,
  RequestValidationError,
  shortOfResources,
  type UnexpectedErrorLogger,
  type ValidationIssue,
} from "./http/errors.js";
export { headerText } from "./http/header-text.js";
export { hasRequestIdHeader, jsonAnswer } from "./http/json-answer.js";
export { getRequestId, REQUEST_ID_HEADER, requestId } from "./http/request-id.js";
export {
  type OperationHandler,
  type RequestBodyOf,
  type SuccessBodyOf,
  type TypedRouteMounter,
  typedRoutes,
} from "./http/routes.js";
export {
  type JsonLoggerOptions,
  jsonLogger,
  type LogFields,
  type Logger,
  type LogLevel,
  REQUEST_ID_FIELD,
  silentLogger,
  withFields,
} from "./log/logger.js";
export { avcConfigFrameSize, BitReader, spsFrameSize } from "./media/avc-sps.js";
export { AVI_CONTAINER, type AviChunkCount, type AviVideoSize, aviVideoSize } from "./media/avi-video-size.js";
export { FLV_CONTAINER, flvVideoSize } from "./media/flv-video-size.js";
export { hevcSpsFrameSize } from "./media/hevc-sps.js";
export { imageSize } from "./media/image-size.js";
export {
  MATROSKA_CONTAINER,
  MAX_MATROSKA_BYTES,
  MAX_MATROSKA_ELEMENTS,
  matroskaVideoSize,
} from "./media/matroska-video-size.js";
export { Mp4IndexError } from "./media/mp4-fragments.js";
export { type Mp4VideoSize, mp4VideoSize } from "./media/mp4-video-size.js";
export { MPEG_PS_CONTAINER, mpegPsVideoSize } from "./media/mpegps-video-size.js";
export { MPEG_TS_CONTAINER, mpegTsVideoSize } from "./media/mpegts-video-size.js";
export { OGG_CONTAINER, oggVideoSize } from "./media/ogg-video-size.js";
export { outputName } from "./media/output-name.js";
export { encodePng, PNG_SIGNATURE, padPng, pngChunk, pngHeader } from "./media/png.js";
export { VideoIndexError } from "./media/video-index-error.js";
export {
  type FigureSources,
  MP4_CONTAINER,
  VIDEO_CONTAINERS,
  type VideoContainer,
  type VideoSize,
  videoContainer,
  videoSize,
} from "./media/video-size.js";
export {
  countRequests,
  type MetricsRegistryOptions,
  metricsRegistry,
  metricsResponse,
  type RequestLabels,
  requestCounter,
} from "./metrics/metrics.js";
export type { MediaTypeObject, OpenApiDocument, OperationObject, SchemaObject } from "./openapi.js";
export {
  FALLBACK_PIXELS,
  headerMeasure,
  type InterpolatedSource,
  interpolatedFrames,
  type MediaKind,
  type MediaMeasure,
  type RateRecipe,
  type WorkUnitRecipe,
  type WorkUnitSource,
  workUnits,
} from "./pipelines/work-units.js";
export { makeDirectorySync } from "./process/directories.js";
export {
  HOP_HEAP_GROWING_PERCENT,
  heapHeadroomFlag,
  widenHeapHeadroom,
} from "./process/heap-headroom.js";
export { localResourceCode } from "./process/local-resources.js";
export {
  currentOwner,
  type DirOwner,
  ownedDirPrefix,
  ownerState,
  processStartTicks,
  type SweepResult,
  sweepOwnedDirs,
  UNKNOWN_OWNER_AGE_MS,
} from "./process/owned-dirs.js";
export { Reaper, type ReaperOptions } from "./process/reaper.js";
export { RUNNER_PROCESS_ENV } from "./process/runner-env.js";
export {
  type GracefulStop,
  type SignalStop,
  STOP_SIGNALS,
  type StopOnSignalsOptions,
  type StopSignal,
  stopOnSignals,
} from "./process/stop-signals.js";
export {
  CONNECTION_DEFAULTS,
  type ConnectionLimits,
  effectiveMaxConnections,
  openFilesLimit,
} from "./server/connection-limits.js";
export {
  CONNECTION_SETTINGS,
  type ConnectionSettingValues,
  connectionLimitsOf,
} from "./server/connection-settings.js";
export { LINGER_DEFAULTS, type LingerLimits, lingerOnEarlyAnswers } from "./server/linger.js";
export { type FetchHandler, type HttpServer, listen, shownHost } from "./server/listen.js";
export { isLoopbackHost, type OpenAccessOptions, warnIfOpen } from "./server/open-access.js";
export { settingsHelp } from "./settings/help.js";
export {
  boundsOf,
  envName,
  flagName,
  orList,
  parseSettings,
  readFlags,
  SETTINGS_FILE_MAX_BYTES,
  type Setting,
  type SettingKind,
  SettingsError,
  type SettingsSchema,
  type SettingUnit,
  type SettingValues,
  TIMER_MAX_MS,
} from "./settings/settings.js";
export { bodyStream } from "./validator/body.js";
export { BodyTooLarge, type BodyWatch, Chunked, readWhole } from "./validator/chunked-body.js";
export { coerceFormValue } from "./validator/coerce.js";
export {
  type CompiledOperation,
  RequestValidator,
  type RequestValidatorOptions,
  type ValidatedRequest,
  validated,
} from "./validator/index.js";
export type { LeadingBytesCheck, LeadingBytesChecks } from "./validator/leading-bytes.js";
export {
  type RawMultipart,
  type RawMultipartOptions,
  rawMultipart,
  readRawMultipart,
  spooledPath,
} from "./validator/raw-multipart.js";
export { flattenObjectSchema, isFileSchema } from "./validator/schema.js";
export { UploadedPart, uploadedPart } from "./validator/uploaded-part.js";

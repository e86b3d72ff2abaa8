/**
 * @module Public entry of @ai-video-subnet/test-kit (private): what the tests of every package share — PNG and
 * video fixtures, multipart forms, models directories, temporary directories, polling — and the local network of
 * real processes (`startNetwork`, `startStack`) that the end-to-end tests and the devnet demo run.
 */
export { chromiumLaunchOptions } from "./chromium.js";
export { eventually } from "./eventually.js";
export { png, pngClaiming, pngSize } from "./fixtures/png.js";
export { probeVideo, type TestVideoOptions, testVideo, type VideoInfo } from "./fixtures/video.js";
export { type FormValue, form, upscaleForm } from "./forms.js";
export { installModels, modelsDir, TINY_SD, TINY_UPSCALER } from "./models.js";
export { BINARIES, binaryCommand, workspaceRoot } from "./network/binaries.js";
export {
  type ModelEntry,
  type NetworkEvent,
  type NetworkOrchestrator,
  type OrchestratorServiceOptions,
  startOrchestratorService,
} from "./network/orchestrator-service.js";
export { descendants, isAlive, rssBytes, startTime } from "./network/process-tree.js";
export { type LogLine, Service, type ServiceExit, type ServiceOptions } from "./network/service.js";
export { type Network, type NetworkOptions, startNetwork } from "./network/start-network.js";
export { type Capability, waitForWarm } from "./network/wait-for-warm.js";
export { type RangeCase, rangeProblems } from "./ranges.js";
export { inPieces, multipartBytes, RAW_BOUNDARY, type RawUploadAnswer, rawUpload } from "./raw-upload.js";
export { type Stack, startStack } from "./stack.js";
export { tempDir } from "./temp.js";

/**
 * @module Public entry of @ai-video-subnet/orchestrator: `createOrchestrator`, the launchers, the model-list
 * parser, and the generated types of the orchestrator API.
 */

export {
  jsonLogger,
  type Logger,
  type LogLevel,
  Reaper,
  type ReaperOptions,
  silentLogger,
} from "@ai-video-subnet/server-kit";
export { type AiModelEntry, ConfigError, type ModelEntry, parseAiModels, readAiModels } from "./config/ai-models.js";
export type { components, operations, paths } from "./generated/orchestrator.js";
export { PIPELINES, type PipelineEntry, type PipelineName } from "./generated/orchestrator-pipelines.js";
export { DockerApi, DockerApiError } from "./launchers/docker-api.js";
export { DockerLauncher, type DockerLauncherOptions, ORCHESTRATOR_LABEL } from "./launchers/docker-launcher.js";
export { ExternalLauncher } from "./launchers/external-launcher.js";
export type { Launcher, LauncherContext, RunnerExit, RunnerHandle, RunnerSpec } from "./launchers/launcher.js";
export { defaultRunnerCommand, ProcessLauncher, type ProcessLauncherOptions } from "./launchers/process-launcher.js";
export { createOrchestrator, type Orchestrator, type OrchestratorOptions, parseGpus } from "./orchestrator.js";
export type { MediaDelivery } from "./outputs/deliver-media.js";
export { OutputStore } from "./outputs/output-store.js";
export type { ProgressTracker } from "./routes/progress.js";
export type { Readiness } from "./routes/status.js";
export type { CapabilityView, Lease } from "./runners/runner-pool.js";

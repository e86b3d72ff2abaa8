/**
 * @module Public entry of @ai-video-subnet/broadcaster: the reference public gateway of AI Video Subnet —
 * orchestrator discovery and selection, retries, output storage, asynchronous jobs, API keys, docs and metrics.
 */
export type { AsyncJobs, JobStore, ProgressSource } from "./async-jobs/index.js";
export { followOrchestratorProgress, overallFraction } from "./async-jobs/index.js";
export type { AsyncJobOptions } from "./async-jobs/options.js";
export { type Broadcaster, createBroadcaster } from "./broadcaster.js";
export { HELP, parseConfig } from "./config/cli-config.js";
export type { components, operations, paths } from "./generated/gateway.js";
export { LIVEPEER_DEFAULT_MODELS } from "./jobs/default-models.js";
export type { BroadcasterOptions, OrchestratorEndpoint, OutputStoreOptions } from "./options.js";
export { DEFAULTS } from "./options.js";

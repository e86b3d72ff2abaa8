/**
 * @module Public entry of @ai-video-subnet/broadcaster: the reference public gateway of AI Video Subnet —
 * orchestrator discovery and selection, retries, output storage, API keys, docs and metrics.
 */
export { type Broadcaster, createBroadcaster } from "./broadcaster.js";
export { HELP, parseConfig } from "./config/cli-config.js";
export type { components, operations, paths } from "./generated/gateway.js";
export type { BroadcasterOptions, OrchestratorEndpoint, OutputStoreOptions } from "./options.js";
export { DEFAULTS } from "./options.js";

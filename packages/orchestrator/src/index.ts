/** @module Public entry of @ai-video-subnet/orchestrator. */
export type { components, operations, paths } from "./generated/orchestrator.js";

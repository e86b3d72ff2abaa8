/** @module Public entry of @ai-video-subnet/runner-client. */
export type { components, operations, paths } from "./generated/runner.js";

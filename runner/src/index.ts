/** @module Public entry of @ai-video-subnet/runner. */
export type { components, operations, paths } from "./generated/runner.js";

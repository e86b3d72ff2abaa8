/** @module Public entry of @ai-video-subnet/broadcaster. */
export type { components, operations, paths } from "./generated/gateway.js";

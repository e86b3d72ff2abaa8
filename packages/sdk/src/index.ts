/** @module Public entry of @ai-video-subnet/sdk. */
export type { components, operations, paths } from "./generated/gateway.js";

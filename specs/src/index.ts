/**
 * @module The contracts of AI Video Subnet at build and test time: the OpenAPI documents (`loadSpec`) and, through
 * the `avs-codegen` binary, each package's generated types, `PIPELINES` table and resolved document.
 * The runtime pieces (validator, error shapes, typed routes) are in `@ai-video-subnet/server-kit`.
 */
export type { OpenApiDocument, OperationObject, SchemaObject } from "@ai-video-subnet/server-kit";
export { loadSpec, type SpecName, specPath, specSource } from "./documents.js";

/**
 * @module The contracts of AI Video Subnet at build and test time: the OpenAPI documents (`loadSpec`) and, through
 * the `avs-codegen` binary, each package's generated types, `PIPELINES` table and resolved document.
 *
 * The runtime pieces that used to live here (validator, error shapes, typed routes) are in
 * `@ai-video-subnet/server-kit`; they are re-exported below only so that code not yet moved over keeps working.
 */
export type { OpenApiDocument, OperationObject, SchemaObject } from "@ai-video-subnet/server-kit";
export {
  bodyStream,
  type CompiledOperation,
  coerceFormValue,
  errorBody,
  errorHandler,
  errorResponse,
  HttpError,
  notFoundHandler,
  type OperationHandler,
  type RequestBodyOf,
  RequestValidationError,
  RequestValidator,
  type RequestValidatorOptions,
  type SuccessBodyOf,
  type TypedRouteMounter,
  typedRoutes,
  type UnexpectedErrorLogger,
  type ValidatedRequest,
  type ValidationIssue,
  validated,
} from "@ai-video-subnet/server-kit";
export { loadSpec, type SpecName, specPath, specSource } from "./documents.js";

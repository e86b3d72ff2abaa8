/**
 * @module The contracts of AI Video Subnet: the OpenAPI documents, the request validator every server uses,
 * the two error shapes, and typed route mounting.
 */
export {
  loadSpec,
  type OpenApiDocument,
  type OperationObject,
  type SchemaObject,
  type SpecName,
  specPath,
  specSource,
} from "./documents.js";
export {
  errorBody,
  errorHandler,
  errorResponse,
  HttpError,
  notFoundHandler,
  RequestValidationError,
  type UnexpectedErrorLogger,
  type ValidationIssue,
} from "./errors.js";
export {
  type OperationHandler,
  type RequestBodyOf,
  type SuccessBodyOf,
  type TypedRouteMounter,
  typedRoutes,
} from "./routes.js";
export { bodyStream } from "./validator/body.js";
export { coerceFormValue } from "./validator/coerce.js";
export {
  type CompiledOperation,
  RequestValidator,
  type RequestValidatorOptions,
  type ValidatedRequest,
  validated,
} from "./validator/index.js";

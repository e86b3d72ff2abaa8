/**
 * @module Public entry of @ai-video-subnet/runner-client: a typed client of the runner API
 * (specs/runner.yaml, wire-compatible with Livepeer's AI runner).
 */
export {
  RunnerAnswerError,
  RunnerConnectionError,
  RunnerError,
  type RunnerErrorDetail,
  RunnerNotReadyError,
  type RunnerValidationIssue,
} from "./errors.js";
export { hasFile, toFormData } from "./form-data.js";
export type { components, operations, paths } from "./generated/runner.js";
export {
  type FollowProgressOptions,
  followProgress,
  type ProgressEnd,
  type ProgressEvent,
  type ProgressStep,
} from "./progress.js";
export {
  type CallOptions,
  type JobBody,
  type JobPath,
  type JobResult,
  RunnerClient,
  type RunnerClientOptions,
} from "./runner-client.js";

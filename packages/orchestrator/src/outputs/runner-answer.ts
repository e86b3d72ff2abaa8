/**
 * @module A runner's JSON answer taken apart at the byte level: shared with the broadcaster (which reads an
 * orchestrator's answer of the same shape), so it lives in `@ai-video-subnet/runner-client/node`.
 */
export { DataUrl, parseRunnerAnswer, type RunnerAnswer, type RunnerMedia } from "@ai-video-subnet/runner-client/node";

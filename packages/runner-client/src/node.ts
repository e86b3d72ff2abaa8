/**
 * @module `@ai-video-subnet/runner-client/node`: the Node-only pieces — multipart encoding into a Buffer or stream,
 * job calls over `node:http`, and job answers taken apart at the byte level (their `data:` URLs) — kept out of the
 * main entry so that it stays importable in browsers. The client loads this module itself (dynamically) when it runs
 * in Node, Deno or Bun without a custom `fetch`.
 */
export {
  AnswerTooLargeError,
  answerFirst,
  CallTimeoutError,
  type HttpAnswer,
  type RequestBody,
  send,
  toHeaders,
} from "./http-transport.js";
export { encodeMultipart } from "./multipart.js";
export { DataUrl, parseRunnerAnswer, type RunnerAnswer, type RunnerMedia } from "./runner-answer.js";

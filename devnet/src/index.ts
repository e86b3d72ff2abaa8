/**
 * @module Public entry of @ai-video-subnet/devnet (private): a local network of real processes for the demo,
 * the end-to-end tests and anyone trying the stack — models prepared with `avs-runner models install`,
 * orchestrators with process-launched runners, a broadcaster in front.
 */
export {
  hasModel,
  PIPELINE_ORDER,
  type PlannedModel,
  PREFERRED_MODELS,
  planModels,
  servesPipeline,
} from "./models/model-plan.js";
export { type PrepareEvent, prepareModels } from "./models/prepare-models.js";
export { BINARIES, binaryCommand, packageRoot } from "./network/binaries.js";
export {
  type Network,
  type NetworkEvent,
  type NetworkOptions,
  type NetworkOrchestrator,
  startNetwork,
} from "./network/start-network.js";
export { type Capability, waitForWarm } from "./network/wait-for-warm.js";
export { descendants, isAlive, rssBytes, startTime } from "./processes/process-tree.js";
export { type LogLine, Service, type ServiceExit, type ServiceOptions } from "./processes/service.js";

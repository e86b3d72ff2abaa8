/**
 * @module Public entry of @ai-video-subnet/devnet (private): the demo's model plan and model preparation, and —
 * from the test kit, where the tests of every package share it — the local network of real processes
 * (`startNetwork`: orchestrators with process-launched runners, a broadcaster in front).
 */
export {
  BINARIES,
  binaryCommand,
  type Capability,
  descendants,
  isAlive,
  type LogLine,
  type Network,
  type NetworkEvent,
  type NetworkOptions,
  type NetworkOrchestrator,
  rssBytes,
  Service,
  type ServiceExit,
  type ServiceOptions,
  startNetwork,
  startTime,
  waitForWarm,
} from "@ai-video-subnet/test-kit";
export {
  hasModel,
  PIPELINE_ORDER,
  type PlannedModel,
  PREFERRED_MODELS,
  planModels,
  servesPipeline,
} from "./models/model-plan.js";
export { type PrepareEvent, prepareModels } from "./models/prepare-models.js";

/**
 * @module Test helpers: the test kit's models directory (the runner's tiny ESRGAN installed by the real
 * `avs-runner models install`), PNGs, forms and polling, and an orchestrator started in this process on
 * 127.0.0.1 port 0.
 */
import { silentLogger } from "../src/index.js";
import { createOrchestrator, type Orchestrator, type OrchestratorOptions } from "../src/orchestrator.js";

export {
  eventually,
  isAlive as alive,
  modelsDir,
  png,
  pngSize,
  TINY_UPSCALER as TINY,
  upscaleForm,
} from "@ai-video-subnet/test-kit";

/** Starts an orchestrator on 127.0.0.1:0 with silent logs unless `AVS_TEST_LOGS` is set. */
export async function startOrchestrator(
  options: Omit<OrchestratorOptions, "port" | "host">,
): Promise<Orchestrator & { url: string }> {
  const orch = await createOrchestrator({
    healthInterval: 0.5,
    startTimeout: 60,
    ...(process.env.AVS_TEST_LOGS ? {} : { log: silentLogger }),
    ...options,
    host: "127.0.0.1",
    port: 0,
  });
  const { url } = await orch.start();
  return Object.assign(orch, { url });
}

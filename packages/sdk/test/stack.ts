/**
 * @module The real stack for loopback tests, from the test kit: tiny models installed by `avs-runner models
 * install`, an `avs-orchestrator` process running real `avs-runner` processes, and broadcasters
 * (`createBroadcaster`, in this process, configured per test) in front of it, all on 127.0.0.1 port 0.
 */
import { join } from "node:path";
import { type BroadcasterOptions, createBroadcaster } from "@ai-video-subnet/broadcaster";
import {
  installModels as install,
  type ModelEntry,
  startOrchestratorService,
  tempDir,
} from "@ai-video-subnet/test-kit";

export { png, pngSize, TINY_SD as SD, TINY_UPSCALER as UPSCALER, tempDir } from "@ai-video-subnet/test-kit";

/** Secret between the test broadcasters and the orchestrator. */
export const SECRET = "orchestrator-secret";

/** Installs `ids` into `<root>/models` with the real `avs-runner models install`, and returns that directory. */
export function installModels(root: string, ids: string[]): string {
  const dir = join(root, "models");
  install(dir, ids);
  return dir;
}

/**
 * Starts an orchestrator with a warm runner for each of `models` (two slots each, so an abandoned job does not block
 * the next).
 */
export async function startOrchestrator(modelsDir: string, models: Array<Pick<ModelEntry, "pipeline" | "model_id">>) {
  const work = tempDir("orchestrator");
  const o = await startOrchestratorService({
    name: "orchestrator",
    workDir: work.dir,
    modelsDir,
    models: models.map((m) => ({ ...m, warm: true, capacity: 2, price_per_unit: 1, pixels_per_unit: 1 })),
    secret: SECRET,
    args: ["--health-interval", "0.5", "--log-level", process.env.AVS_TEST_LOGS ? "debug" : "warn"],
    startTimeoutMs: 90_000,
  });
  return {
    url: o.url,
    async stop() {
      await o.service.stop();
      work.cleanup();
    },
  };
}

/** Starts a broadcaster with quiet logs, fast polling and a temporary output directory. */
export async function startGateway(options: BroadcasterOptions) {
  const outputs = tempDir("outputs");
  const b = createBroadcaster({
    host: "127.0.0.1",
    port: 0,
    infoIntervalMs: 200,
    discoveryIntervalMs: 200,
    orchestratorSecret: SECRET,
    logLevel: process.env.AVS_TEST_LOGS ? "debug" : "silent",
    outputs: { kind: "local", dir: outputs.dir },
    ...options,
  });
  const { url } = await b.start();
  return {
    url,
    async stop() {
      await b.stop();
      outputs.cleanup();
    },
  };
}

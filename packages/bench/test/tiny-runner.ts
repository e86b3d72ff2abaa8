/** @module The tests' runner: a real avs-runner server in this process, serving the tiny ESRGAN on 127.0.0.1. */
import { join } from "node:path";
import { installModel, loadConfig, type RunnerServer, silentLogger, startRunnerServer } from "@ai-video-subnet/runner";

/** The tiny upscaler the tests benchmark. */
export const MODEL = "tiny/esrgan-x4";

/**
 * Installs {@link MODEL} into `<dir>/models` and starts a runner on it, resolved once the model has loaded.
 * @example const runner = await startTinyRunner(dir); await runBench(parseBenchArgs([runner.url], {}));
 */
export async function startTinyRunner(dir: string): Promise<RunnerServer> {
  await installModel(MODEL, join(dir, "models"));
  const config = loadConfig([], {
    PIPELINE: "upscale",
    MODEL_ID: MODEL,
    MODEL_DIR: join(dir, "models"),
    PORT: "0",
    HOST: "127.0.0.1",
  });
  const runner = await startRunnerServer(config, silentLogger);
  await runner.runner.ready;
  return runner;
}

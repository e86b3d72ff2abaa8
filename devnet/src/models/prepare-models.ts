/**
 * @module Prepares the models volume with `avs-runner models install <id> --model-dir <dir>` — the command an
 * operator runs — skipping models already installed there (unless `fresh`).
 */
import { spawn } from "node:child_process";
import { modelPath, readManifest } from "@ai-video-subnet/runner";
import { binaryCommand } from "@ai-video-subnet/test-kit";

/** Progress of {@link prepareModels}. */
export type PrepareEvent =
  | { kind: "cached"; modelId: string; tiny: boolean }
  | { kind: "installing"; modelId: string }
  | { kind: "installed"; modelId: string; tiny: boolean; ms: number; message: string };

/**
 * Installs every model of `modelIds` into `modelsDir` that is not there yet.
 * @example await prepareModels("./models", ["upscalerjs/esrgan-slim-x4"], (e) => console.log(e.kind, e.modelId));
 */
export async function prepareModels(
  modelsDir: string,
  modelIds: readonly string[],
  onEvent: (event: PrepareEvent) => void = () => {},
  options: { fresh?: boolean } = {},
): Promise<void> {
  for (const modelId of new Set(modelIds)) {
    const manifest = options.fresh ? undefined : await readManifest(modelPath(modelsDir, modelId));
    if (manifest) {
      onEvent({ kind: "cached", modelId, tiny: manifest.tiny });
      continue;
    }
    onEvent({ kind: "installing", modelId });
    const started = Date.now();
    const message = await runInstall(modelsDir, modelId);
    const installed = await readManifest(modelPath(modelsDir, modelId));
    if (!installed) throw new Error(`avs-runner models install ${modelId} wrote no manifest in ${modelsDir}`);
    onEvent({ kind: "installed", modelId, tiny: installed.tiny, ms: Date.now() - started, message });
  }
}

function runInstall(modelsDir: string, modelId: string): Promise<string> {
  const [cmd, ...args] = binaryCommand("runner") as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args, "models", "install", modelId, "--model-dir", modelsDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) resolve(out.trim());
      else reject(new Error(`avs-runner models install ${modelId} failed (exit ${code}): ${out.trim()}`));
    });
  });
}

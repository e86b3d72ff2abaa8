/**
 * @module Models directories for tests, filled by the real `avs-runner models install` (the command operators
 * run), with the runner's tiny generated models: no download.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { binaryCommand } from "./network/binaries.js";
import { tempDir } from "./temp.js";

/** The runner's tiny ×4 ESRGAN-shaped model. */
export const TINY_UPSCALER = "tiny/esrgan-x4";
/** The runner's tiny SD-Turbo-shaped model (text-to-image and image-to-image). */
export const TINY_SD = "tiny/sd-turbo";

/**
 * Installs `ids` into `dir` with `avs-runner models install`; returns its output.
 * @example installModels("/tmp/m/models", ["tiny/esrgan-x4"])
 */
export function installModels(dir: string, ids: readonly string[]): string {
  const [node, bin] = binaryCommand("runner") as [string, string];
  let out = "";
  for (const id of ids) {
    out += execFileSync(node, [bin, "models", "install", id, "--model-dir", dir], { encoding: "utf8" });
  }
  return out;
}

/**
 * A temporary models directory with `ids` installed; `cleanup()` removes it.
 * @example const models = modelsDir(["tiny/esrgan-x4"]); ...; models.cleanup();
 */
export function modelsDir(ids: readonly string[] = [TINY_UPSCALER]): { dir: string; cleanup(): void } {
  const root = tempDir("models");
  const dir = join(root.dir, "models");
  installModels(dir, ids);
  return { dir, cleanup: root.cleanup };
}

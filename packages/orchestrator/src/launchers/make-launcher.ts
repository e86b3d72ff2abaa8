/**
 * @module The launcher an orchestrator's options name (`process`, `docker`, or a launcher object), and the GPU ids
 * of its `gpus` setting.
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { Reaper } from "@ai-video-subnet/server-kit";
import { ConfigError } from "../config/ai-models.js";
import type { OrchestratorOptions } from "../orchestrator.js";
import { DockerLauncher } from "./docker-launcher.js";
import { sameGpu } from "./gpu-check.js";
import type { Launcher } from "./launcher.js";
import { ProcessLauncher } from "./process-launcher.js";

/**
 * The launcher `options.launcher` names, its runners (process groups or containers) handed to `reaper`.
 * @example const launcher = makeLauncher({ launcher: "docker", models: [] }, new Reaper());
 */
export function makeLauncher(options: OrchestratorOptions, reaper: Reaper): Launcher {
  const launcher = options.launcher ?? "process";
  if (typeof launcher === "object") return launcher;
  if (launcher === "process") {
    if (options.runnerCommand) {
      // Given but blank (`--runner-command " "`): not the bundled runner without a word.
      if (!options.runnerCommand[0])
        throw new ConfigError("runner-command is empty: name avs-runner's command, or leave it out");
      checkExecutable(options.runnerCommand[0]);
    }
    return new ProcessLauncher({ reaper, ...(options.runnerCommand ? { command: options.runnerCommand } : {}) });
  }
  if (launcher === "docker") {
    return new DockerLauncher({
      image: options.runnerImage ?? "ai-video-subnet/runner:latest",
      ...(options.dockerSocket ? { socketPath: options.dockerSocket } : {}),
      network: options.dockerNetwork ?? "bridge",
      orchestratorName: options.name ?? "avs",
      reaper,
    });
  }
  throw new ConfigError(`launcher must be process or docker, got ${JSON.stringify(launcher)}`);
}

/**
 * Throws a ConfigError unless `command` is an executable file: as a path when it has a `/`, else on `PATH`. A command
 * that cannot be run fails every runner start, for ever (`spawn … ENOENT` in a restart loop).
 */
function checkExecutable(command: string): void {
  const dirs = command.includes("/") ? [""] : (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    const file = dir ? join(dir, command) : command;
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return;
    } catch {}
  }
  throw new ConfigError(
    `runner-command: ${JSON.stringify(command)} is not an executable file${command.includes("/") ? "" : " on PATH"}; point it at avs-runner (or leave it out for the bundled one)`,
  );
}

/** Why ids `a` and `b` name one GPU whatever the machine, or undefined. */
function sameId(a: string, b: string): string | undefined {
  const index = /^\d+$/;
  if (index.test(a) || index.test(b)) return Number(a) === Number(b) ? "the same index" : undefined;
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  if (x === y) return a === b ? "the same UUID" : "UUIDs are hexadecimal: they differ only in case";
  return x.startsWith(y) || y.startsWith(x) ? "one is the start of the other's UUID" : undefined;
}

/**
 * GPU ids from `"0,1"` or `["0","1"]`; empty → none (the CPU).
 * @example parseGpus("0, 1") // ["0", "1"]
 */
export function parseGpus(gpus: string[] | string | undefined): string[] {
  const list = typeof gpus === "string" ? gpus.split(",") : (gpus ?? []);
  const ids = list.map((g) => g.trim()).filter((g) => g !== "" && g !== "none" && g !== "cpu");
  for (const id of ids) {
    // What CUDA_VISIBLE_DEVICES takes: an index, or a GPU or MIG UUID (`nvidia-smi -L`). Anything else hides every
    // GPU from the runner, which then runs on the CPU.
    if (!/^(\d+|(GPU|MIG)-[A-Za-z0-9/-]+)$/.test(id)) {
      throw new ConfigError(
        `gpus must be GPU indexes (0,1) or UUIDs (GPU-…, MIG-…, as nvidia-smi -L lists them) separated by commas, got ${JSON.stringify(id)}`,
      );
    }
  }
  ids.forEach((b, j) => {
    for (const a of ids.slice(0, j)) {
      const why = sameId(a, b);
      if (why) throw sameGpu(a, b, why);
    }
  });
  return ids;
}

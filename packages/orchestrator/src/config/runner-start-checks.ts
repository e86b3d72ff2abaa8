/**
 * @module What would make a runner the orchestrator starts fail at every (re)start, checked before anything starts:
 * a models directory that is not there, a warm entry's model folder that is missing or holds another pipeline's
 * model (its `avs-model.json` or diffusers `model_index.json` says so), and settings its runner refuses
 * (an entry's `optimization_flags`, or a runner variable of the orchestrator's own environment, which runners
 * inherit). Otherwise each is a runner restarted over and over while the orchestrator looks ready.
 */
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { modelKindMismatch } from "@ai-video-subnet/runner/model-kind";
import { RUNNER_SETTINGS } from "@ai-video-subnet/runner/settings";
import { parseSettings, SettingsError } from "@ai-video-subnet/server-kit";
import { runnerProcessEnv } from "../launchers/process-launcher.js";
import { ConfigError, entryName, type ModelEntry } from "./ai-models.js";

/** What {@link checkRunnerStarts} needs besides the entries. */
export interface RunnerStartContext {
  /** The models directory, absolute. */
  modelsDir: string;
  /** `process` checks the runner's settings too (the bundled runner's table); `docker` the directories only. */
  launcher: "process" | "docker";
  /** Where the entries came from, for messages (default `aiModels.json`). */
  source?: string;
  /** The orchestrator's environment, which process runners inherit (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Checks the entries the orchestrator starts runners for (external ones are not its to start). Throws a
 * {@link ConfigError} for what would fail a warm runner at every start; returns warnings for what will fail a cold
 * entry's jobs until it is fixed (a model installed later is picked up by its next start).
 * @example const warnings = checkRunnerStarts(entries, { modelsDir: "/models", launcher: "process" });
 */
export function checkRunnerStarts(entries: readonly ModelEntry[], ctx: RunnerStartContext): string[] {
  const source = ctx.source ?? "aiModels.json";
  const managed = entries.filter((e) => e.url === undefined);
  const warnings: string[] = [];
  if (managed.length === 0) return warnings;
  if (ctx.launcher === "process") {
    for (const e of managed) checkSettings(e, ctx, source);
  }
  const missingDir = unreadableDir(ctx.modelsDir);
  // A models directory that is there but is not one (a file) or cannot be read fails every entry, cold ones too; one
  // not there yet may be a volume still to be mounted, which a cold entry's next start picks up.
  if (missingDir && existsSync(ctx.modelsDir)) {
    throw new ConfigError(
      `models-dir (--models-dir, AVS_ORCHESTRATOR_MODELS_DIR): ${ctx.modelsDir} ${missingDir}; point it at the directory the models are installed in`,
    );
  }
  const fix = (id: string) =>
    `install it (avs-runner models install ${id} --model-dir ${ctx.modelsDir}) or point models-dir (--models-dir, AVS_ORCHESTRATOR_MODELS_DIR) at the directory the models are in`;
  for (const e of managed) {
    const folder = join(ctx.modelsDir, e.modelId);
    const why = missingDir ? `the models directory ${ctx.modelsDir} ${missingDir}` : missingModel(folder);
    // A folder that says it holds another pipeline's model (as `avs-runner models install` records it).
    const other = why ? undefined : modelKindMismatch(e.pipeline, folder);
    if (other) {
      const pipelines = other.serves.length ? `pipeline (${other.serves.join(" or ")}) or ` : "";
      const what = `${entryName(source, e)}: ${other.message}, so its runner cannot serve the entry`;
      const fixIt = `fix the entry's ${pipelines}model_id`;
      if (e.warm) throw new ConfigError(`${what} and would fail at every start; ${fixIt}`);
      warnings.push(`${what}: its jobs get 503 until it is fixed; ${fixIt}`);
    }
    if (!why) continue;
    const what = `${entryName(source, e)}: ${why}, so its runner cannot load the model`;
    if (e.warm) throw new ConfigError(`${what} and would fail at every start; ${fix(e.modelId)}`);
    warnings.push(`${what}: its jobs get 503 until it is there; ${fix(e.modelId)}`);
  }
  return warnings;
}

function checkSettings(e: ModelEntry, ctx: RunnerStartContext, source: string): void {
  const env = runnerProcessEnv(
    {
      pipeline: e.pipeline,
      modelId: e.modelId,
      device: "cpu",
      modelsDir: ctx.modelsDir,
      token: "",
      queueSize: e.capacity,
      env: e.optimizationFlags,
    },
    ctx.env,
  );
  try {
    parseSettings(RUNNER_SETTINGS, [], env);
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    throw new ConfigError(
      `${entryName(source, e)}: its runner would refuse to start: ${err.message}; fix the entry's optimization_flags (or that variable in the orchestrator's environment, which runners inherit)`,
      { cause: err },
    );
  }
}

/** Why `dir` cannot serve as the models directory, or undefined when it can. */
function unreadableDir(dir: string): string | undefined {
  try {
    if (!statSync(dir).isDirectory()) return "is not a directory";
    accessSync(dir, constants.R_OK | constants.X_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? (err as Error).message})`;
  }
}

/** Why a model folder is missing, or undefined when it is there. */
function missingModel(folder: string): string | undefined {
  const why = unreadableDir(folder);
  return why && `its model folder ${folder} ${why}`;
}

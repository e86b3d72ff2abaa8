/**
 * @module The `process` launcher (the default; needs nothing installed): spawns `avs-runner` per runner on a
 * free port in its own process group, with the orchestrator's environment minus its own settings, captures its
 * output under the runner's name, and kills the whole group on stop. A {@link Reaper} kills the groups if the orchestrator itself dies.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Logger } from "@ai-video-subnet/server-kit";
import { Reaper, RUNNER_PROCESS_ENV } from "@ai-video-subnet/server-kit";
import { ORCHESTRATOR_SETTINGS } from "../config/settings.js";
import { checkHostGpus } from "./gpu-check.js";
import type { LauncherContext } from "./launcher.js";
import { gpuProvider, type Launcher, type RunnerExit, type RunnerHandle, type RunnerSpec } from "./launcher.js";
import { listeningPort, logRunnerLine, OutputLines } from "./output-lines.js";

/** Options of the process launcher. */
export interface ProcessLauncherOptions {
  /** The command that starts a runner, e.g. `["/usr/bin/avs-runner"]`; default: the `avs-runner` of `@ai-video-subnet/runner` run by this Node. */
  command?: string[];
  /** Milliseconds to wait for the runner's `listening` line when its spec gives none (default 60 000). */
  listenTimeoutMs?: number;
  /** Milliseconds between SIGTERM and SIGKILL on stop (default 5000). */
  killGraceMs?: number;
  /**
   * The reaper that kills the runners' groups if the orchestrator dies; default: one of the launcher's own, ended by
   * {@link ProcessLauncher.close}. A given one (the orchestrator's, which also removes its scratch directories) is
   * left to its owner to close.
   */
  reaper?: Reaper;
}

/**
 * The `avs-runner` command of the installed `@ai-video-subnet/runner` package.
 * @example defaultRunnerCommand() // ["/usr/bin/node", ".../runner/bin/avs-runner.mjs"]
 */
export function defaultRunnerCommand(): string[] {
  const entry = createRequire(import.meta.url).resolve("@ai-video-subnet/runner");
  return [process.execPath, join(dirname(entry), "..", "bin", "avs-runner.mjs")];
}

/**
 * The part of the orchestrator's environment a runner inherits: all of it but the orchestrator's own settings
 * (`AVS_ORCHESTRATOR_*`, the only variables it reads: its `secret`, `metrics-token`, `settings` file and the rest),
 * which the runner, running model code, has no use for. PATH, HOME, the locale, `MALLOC_ARENA_MAX`, CUDA's and ONNX
 * Runtime's variables and the runner's own settings (`TILE_SIZE`…) still reach it.
 * @example inheritedEnv({ PATH: "/usr/bin", AVS_ORCHESTRATOR_SECRET: "s" }) // { PATH: "/usr/bin" }
 */
export function inheritedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !name.toUpperCase().startsWith(ORCHESTRATOR_SETTINGS.envPrefix)),
  );
}

/**
 * The whole environment of a runner process: the project's runner defaults, the orchestrator's environment (see
 * {@link inheritedEnv}), the entry's flags, then what the orchestrator sets itself (a flag cannot change those).
 * @example runnerProcessEnv(spec).QUEUE_SIZE // "2", the entry's capacity
 */
export function runnerProcessEnv(
  spec: Omit<RunnerSpec, "name">,
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const gpu = spec.device === "cpu" ? {} : { CUDA_VISIBLE_DEVICES: spec.device, ...gpuProvider(spec.env) };
  return {
    ...RUNNER_PROCESS_ENV,
    ...inheritedEnv(env),
    ...spec.env,
    ...gpu,
    PIPELINE: spec.pipeline,
    MODEL_ID: spec.modelId,
    MODEL_DIR: spec.modelsDir,
    AUTH_TOKEN: spec.token,
    PORT: "0",
    HOST: "127.0.0.1",
    QUEUE_SIZE: String(spec.queueSize),
  };
}

/**
 * Starts runners as child processes.
 * @example
 * const launcher = new ProcessLauncher();
 * const runner = await launcher.start(spec, log); // runner.url = "http://127.0.0.1:41234"
 * await runner.stop();
 */
export class ProcessLauncher implements Launcher {
  readonly kind = "process";
  readonly #command: string[];
  readonly #listenTimeoutMs: number;
  readonly #killGraceMs: number;
  readonly #reaper: Reaper;
  readonly #ownsReaper: boolean;

  constructor(options: ProcessLauncherOptions = {}) {
    this.#reaper = options.reaper ?? new Reaper();
    this.#ownsReaper = options.reaper === undefined;
    this.#command = options.command?.length ? options.command : defaultRunnerCommand();
    this.#listenTimeoutMs = options.listenTimeoutMs ?? 60_000;
    this.#killGraceMs = options.killGraceMs ?? 5000;
  }

  /** Refuses (a ConfigError naming the setting) GPU ids this machine does not have: see gpu-check.ts. */
  async cleanup(context?: LauncherContext): Promise<void> {
    if (context) await checkHostGpus(context.gpus, context.log);
  }

  start(spec: RunnerSpec, log: Logger): Promise<RunnerHandle> {
    const [cmd, ...args] = this.#command as [string, ...string[]];
    const child = spawn(cmd, args, {
      env: runnerProcessEnv(spec),
      // Its own process group, so stop() (and the reaper) can kill the runner with everything it spawned.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const pid = child.pid;
    if (pid) this.#reaper.watch(pid);
    let port: number | undefined;
    let onPort: ((port: number) => void) | undefined;
    const stdout = new OutputLines((line) => {
      const p = port === undefined ? listeningPort(line) : undefined;
      if (p !== undefined) {
        port = p;
        onPort?.(p);
      }
      logRunnerLine(log, spec.name, line, "stdout");
    });
    const stderr = new OutputLines((line) => logRunnerLine(log, spec.name, line, "stderr"));
    child.stdout?.on("data", (d) => stdout.push(d));
    child.stderr?.on("data", (d) => stderr.push(d));
    const lastOutput = () => [...stdout.last, ...stderr.last].slice(-20);
    const exited = new Promise<RunnerExit>((resolve) => {
      child.once("error", (err) => resolve({ code: null, signal: null, lastOutput: [err.message] }));
      child.once("close", (code, signal) => {
        stdout.flush();
        stderr.flush();
        if (pid) {
          // The runner is gone; make sure nothing it started lingers in its group.
          try {
            process.kill(-pid, "SIGKILL");
          } catch {}
          this.#reaper.forget(pid);
        }
        resolve({ code, signal, lastOutput: lastOutput() });
      });
    });
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null || !pid) return void (await exited);
      try {
        process.kill(-pid, "SIGTERM");
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {}
      }, this.#killGraceMs);
      await exited;
      clearTimeout(timer);
    };
    const listenTimeoutMs = spec.startTimeoutMs ?? this.#listenTimeoutMs;
    return new Promise<RunnerHandle>((resolve, reject) => {
      const timer = setTimeout(() => {
        void stop();
        reject(new Error(`runner ${spec.name} did not report listening within ${listenTimeoutMs} ms`));
      }, listenTimeoutMs);
      onPort = (p) => {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${p}`, token: spec.token, id: String(pid), exited, stop });
      };
      if (port !== undefined) onPort(port);
      void exited.then((exit) => {
        clearTimeout(timer);
        if (port === undefined) {
          const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
          const tail = exit.lastOutput.length ? `; last output:\n${exit.lastOutput.join("\n")}` : "";
          reject(new Error(`runner ${spec.name} exited (${how}) before listening${tail}`));
        }
      });
    });
  }

  async close(): Promise<void> {
    if (this.#ownsReaper) await this.#reaper.close();
  }
}

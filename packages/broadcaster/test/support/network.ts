/**
 * @module Real network processes for the cross-process tests, from the test kit: `avs-orchestrator` processes
 * (each starting real `avs-runner` processes on tiny models installed with `avs-runner models install`), with their
 * ports, a crash and a stop; and the broadcaster's attempt counters read from its metrics.
 */
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import {
  installModels,
  type ModelEntry,
  png,
  pngSize,
  startOrchestratorService,
  tempDir,
  upscaleForm,
} from "@ai-video-subnet/test-kit";

export { type ModelEntry, png, pngSize, upscaleForm };

/** A scratch directory with a models folder; `install` puts tiny models in it with the runner's own tool. */
export function workspace(): { dir: string; models: string; install(id: string): void; cleanup(): void } {
  const tmp = tempDir("net");
  const models = join(tmp.dir, "models");
  return { dir: tmp.dir, models, install: (id) => void installModels(models, [id]), cleanup: tmp.cleanup };
}

/** A running orchestrator process. */
export interface OrchestratorProcess {
  url: string;
  port: number;
  /** SIGKILL, as a crash (its reaper takes its runners down). */
  kill(): Promise<void>;
  /** SIGTERM and wait (SIGKILL for whatever is left). */
  stop(): Promise<void>;
}

let seq = 0;

/**
 * Starts `avs-orchestrator` for `models` and waits until it listens and its warm entries are warm.
 * @example const o = await startOrchestratorProcess(ws, [entry], { secret: "s" });
 */
export async function startOrchestratorProcess(
  ws: { dir: string; models: string },
  models: ModelEntry[],
  options: { secret: string; port?: number; args?: string[] },
): Promise<OrchestratorProcess> {
  const o = await startOrchestratorService({
    name: `orchestrator-${++seq}`,
    workDir: ws.dir,
    modelsDir: ws.models,
    models,
    secret: options.secret,
    port: options.port,
    args: ["--health-interval", "0.5", ...(options.args ?? [])],
  });
  return {
    url: o.url,
    port: Number(new URL(o.url).port),
    async kill() {
      o.service.signal("SIGKILL");
      await o.service.exited;
    },
    async stop() {
      await o.service.stop();
    },
  };
}

/** Successful attempts per orchestrator, read from the broadcaster's `/metrics`. */
export async function okAttempts(broadcasterUrl: string): Promise<Record<string, number>> {
  const text = await fetch(`${broadcasterUrl}/metrics`).then((r) => r.text());
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^avs_broadcaster_orchestrator_attempts_total\{([^}]*)\} (\d+)/gm)) {
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (labels.outcome === "ok") out[labels.orchestrator!] = (out[labels.orchestrator!] ?? 0) + Number(m[2]);
  }
  return out;
}

/**
 * `kill()` (SIGKILL, as a crash) and `stop()` (SIGTERM) of a child process, each resolving once it has exited.
 * @example return { url, child, ...lifecycle(child, exited) };
 */
export function lifecycle(
  child: ChildProcess,
  exited: Promise<void>,
): { kill(): Promise<void>; stop(): Promise<void> } {
  return {
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

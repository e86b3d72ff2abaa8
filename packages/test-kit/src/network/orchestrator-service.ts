/**
 * @module One `avs-orchestrator` process with its model list, started in its own process group and waited for:
 * listening, then every warm entry warm. Its runners (process launcher) are tracked from its log, so they die
 * with it however it dies.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { binaryCommand } from "./binaries.js";
import { type LogLine, Service } from "./service.js";
import { waitForWarm } from "./wait-for-warm.js";

/** One `aiModels.json` entry (the orchestrator's model list). */
export interface ModelEntry {
  pipeline: string;
  model_id: string;
  warm?: boolean;
  capacity?: number;
  price_per_unit?: number;
  pixels_per_unit?: number;
  [key: string]: unknown;
}

/** Progress of a network, for a display. */
export type NetworkEvent =
  | { kind: "starting"; service: string }
  | { kind: "listening"; service: string; url: string }
  | { kind: "runner"; service: string; runner: string; msg: string; fields: Record<string, unknown> }
  | { kind: "ready"; broadcasterUrl: string };

/** A started orchestrator. */
export interface NetworkOrchestrator {
  name: string;
  url: string;
  service: Service;
  /** Runners it reported ready, by runner name: pid (process launcher id) and URL. Replaced on restart. */
  runners: Map<string, { pid: number; url: string }>;
}

/** Options of {@link startOrchestratorService}. */
export interface OrchestratorServiceOptions {
  /** Its name (`orchestrator-1`): its folder under `workDir` and its log file `<workDir>/<name>.log`. */
  name: string;
  workDir: string;
  /** The models volume its runners read. */
  modelsDir: string;
  models: ModelEntry[];
  /** The secret broadcasters must send. */
  secret: string;
  /** Its port (default 0: any free one). */
  port?: number;
  /** Extra `avs-orchestrator` flags. */
  args?: string[];
  /** How long runners may take to load (default 180 s). */
  startTimeoutMs?: number;
  onEvent?: (event: NetworkEvent) => void;
  /** Called with the process as soon as it is spawned (before it listens), e.g. to watch it with a reaper. */
  onSpawn?: (service: Service) => void;
}

/**
 * Starts an orchestrator and resolves once it listens and its warm entries are warm.
 * @example
 * const o = await startOrchestratorService({ name: "orch", workDir, modelsDir, secret: "s",
 *   models: [{ pipeline: "upscale", model_id: "tiny/esrgan-x4", warm: true }] });
 * await o.service.stop();
 */
export async function startOrchestratorService(options: OrchestratorServiceOptions): Promise<NetworkOrchestrator> {
  const { name, workDir, models } = options;
  const startTimeoutMs = options.startTimeoutMs ?? 180_000;
  const emit = options.onEvent ?? (() => {});
  const dir = join(workDir, name);
  mkdirSync(join(dir, "outputs"), { recursive: true });
  writeFileSync(join(dir, "aiModels.json"), `${JSON.stringify(models, null, 2)}\n`);
  const runners = new Map<string, { pid: number; url: string }>();
  emit({ kind: "starting", service: name });
  const service: Service = Service.start({
    name,
    command: [
      ...binaryCommand("orchestrator"),
      ...["--config", join(dir, "aiModels.json"), "--models-dir", options.modelsDir],
      ...["--port", String(options.port ?? 0), "--secret", options.secret, "--output-dir", join(dir, "outputs")],
      ...["--health-interval", "1", "--start-timeout", String(Math.ceil(startTimeoutMs / 1000))],
      // Every entry gets its own runner on the CPU (the default of 1 would evict one model for another).
      ...["--runners-per-gpu", String(Math.max(1, models.length))],
      ...(options.args ?? []),
    ],
    logFile: join(workDir, `${name}.log`),
    onLine: (line) => onOrchestratorLine(name, line, runners, service, emit),
  });
  options.onSpawn?.(service);
  try {
    const { url } = await service.listening(60_000);
    emit({ kind: "listening", service: name, url });
    await waitForWarm(
      url,
      service,
      startTimeoutMs,
      models.filter((m) => m.warm),
    );
    return { name, url, service, runners };
  } catch (err) {
    await service.stop();
    throw err;
  }
}

function onOrchestratorLine(
  name: string,
  line: LogLine,
  runners: NetworkOrchestrator["runners"],
  service: Service,
  emit: (e: NetworkEvent) => void,
): void {
  const j = line.json;
  if (!j || typeof j.runner !== "string" || typeof j.msg !== "string") return;
  if (j.msg === "runner ready" && typeof j.id === "string" && /^\d+$/.test(j.id)) {
    runners.set(j.runner, { pid: Number(j.id), url: String(j.url) });
    // Runners run in process groups of their own: make sure they die with this orchestrator, however it dies.
    service.adopt(Number(j.id));
  }
  const { msg, runner, level: _l, time: _t, ...fields } = j;
  emit({ kind: "runner", service: name, runner, msg, fields });
}

/**
 * @module startNetwork: a local AI Video Subnet of real processes — N `avs-orchestrator`s, each running its
 * runners with the process launcher, and one `avs-broadcaster` in front of them. Each service runs in its own
 * process group; `stop()` (and the exit handlers, and a {@link Reaper} — the guardian — if this process is killed)
 * take every process down, runners included.
 */
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { Reaper } from "@ai-video-subnet/server-kit";
import { binaryCommand } from "./binaries.js";
import {
  type ModelEntry,
  type NetworkEvent,
  type NetworkOrchestrator,
  startOrchestratorService,
} from "./orchestrator-service.js";
import { Service } from "./service.js";

/** Options of {@link startNetwork}. */
export interface NetworkOptions {
  /** The models volume every runner reads (models must be installed there). */
  modelsDir: string;
  /** A directory for the model lists, logs and outputs of this network. */
  workDir: string;
  /** The model list of each orchestrator (`aiModels.json` entries); a function gets the orchestrator's index. */
  models: ModelEntry[] | ((index: number) => ModelEntry[]);
  /** How many orchestrators (default 2). */
  orchestrators?: number;
  /** Shared secret between the broadcaster and the orchestrators (default: random). */
  secret?: string;
  /** Extra `avs-orchestrator` flags. */
  orchestratorArgs?: string[];
  /** Extra `avs-broadcaster` flags (e.g. `["--retry-budget-ms", "2000"]`). */
  broadcasterArgs?: string[];
  /** How long runners may take to load (default 180 s). */
  startTimeoutMs?: number;
  onEvent?: (event: NetworkEvent) => void;
}

/** A running network. */
export interface Network {
  /** Where its model lists, outputs and logs are: `broadcaster.log`, `orchestrator-<n>.log` (with their runners' lines). */
  workDir: string;
  broadcasterUrl: string;
  broadcaster: Service;
  orchestrators: NetworkOrchestrator[];
  secret: string;
  /** The orchestrator (name) that served a job, from the broadcaster's `job done` log line for its request id. */
  servedBy(requestId: string): string | undefined;
  /** Every live pid of the network (services and runners). */
  pids(): number[];
  /** Stops the broadcaster, then the orchestrators (which stop their runners); kills whatever is left. */
  stop(): Promise<void>;
}

const live = new Set<Service>();
let exitHooked = false;

/** Last resort when the process exits without `stop()` (a crash, `process.exit`): kill every service now. */
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once("exit", () => {
    for (const s of live) s.killNow();
  });
}

/**
 * Starts the network and resolves once every warm runner is ready and the broadcaster sees every orchestrator.
 * @example
 * const net = await startNetwork({
 *   modelsDir: "./models", workDir: "/tmp/devnet",
 *   models: [{ pipeline: "upscale", model_id: "tiny/esrgan-x4", warm: true, capacity: 2 }],
 * });
 * const client = createClient({ baseUrl: net.broadcasterUrl });
 * await net.stop();
 */
export async function startNetwork(options: NetworkOptions): Promise<Network> {
  hookExit();
  const count = options.orchestrators ?? 2;
  const secret = options.secret ?? randomBytes(16).toString("hex");
  const workDir = resolve(options.workDir);
  const modelsDir = resolve(options.modelsDir);
  const startTimeoutMs = options.startTimeoutMs ?? 180_000;
  const emit = options.onEvent ?? (() => {});
  // Detached from this process's group: a Ctrl-C reaches the devnet, which stops things in order, not the reaper.
  const guardian = new Reaper({ graceMs: 8000 });
  const services: Service[] = [];
  const track = (s: Service) => {
    services.push(s);
    live.add(s);
    guardian.watch(s.pid);
  };
  const stopAll = async () => {
    for (const s of [...services].reverse()) {
      await s.stop();
      guardian.forget(s.pid);
      live.delete(s);
    }
    await guardian.close();
  };

  try {
    const started = Promise.allSettled(
      Array.from({ length: count }, (_, i) =>
        startOrchestratorService({
          name: `orchestrator-${i + 1}`,
          workDir,
          modelsDir,
          models: typeof options.models === "function" ? options.models(i) : options.models,
          secret,
          args: options.orchestratorArgs,
          startTimeoutMs,
          onEvent: emit,
          onSpawn: track,
        }),
      ),
    );
    const results = await started;
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const orchestrators = results.map((r) => (r as PromiseFulfilledResult<NetworkOrchestrator>).value);

    emit({ kind: "starting", service: "broadcaster" });
    const broadcaster = Service.start({
      name: "broadcaster",
      command: [
        ...binaryCommand("broadcaster"),
        ...["--port", "0", "--orchestrator-secret", secret, "--output-dir", join(workDir, "broadcaster-outputs")],
        ...["--info-interval-ms", "1000"],
        ...orchestrators.flatMap((o) => ["--orchestrator", o.url]),
        ...(options.broadcasterArgs ?? []),
      ],
      logFile: join(workDir, "broadcaster.log"),
    });
    track(broadcaster);
    const broadcasterUrl = (await broadcaster.listening(60_000)).url;
    emit({ kind: "listening", service: "broadcaster", url: broadcasterUrl });
    for (const o of orchestrators) {
      await broadcaster.waitForLine(
        (l) => l.json?.msg === "orchestrator reachable" && l.json.orchestrator === o.url,
        30_000,
        `"orchestrator reachable" for ${o.url}`,
      );
    }
    emit({ kind: "ready", broadcasterUrl });

    const byUrl = new Map(orchestrators.map((o) => [o.url, o.name]));
    return {
      workDir,
      broadcasterUrl,
      broadcaster,
      orchestrators,
      secret,
      servedBy(requestId) {
        const line = broadcaster.lines.find((l) => l.json?.msg === "job done" && l.json.request_id === requestId);
        const url = line?.json?.orchestrator;
        return typeof url === "string" ? (byUrl.get(url) ?? url) : undefined;
      },
      pids() {
        const pids = services.filter((s) => s.alive).map((s) => s.pid);
        for (const o of orchestrators) for (const r of o.runners.values()) pids.push(r.pid);
        return pids;
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

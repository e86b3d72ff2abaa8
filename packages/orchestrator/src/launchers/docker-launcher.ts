/**
 * @module The `docker` launcher: one container per runner through the Docker Engine API — the runner image,
 * `PIPELINE`/`MODEL_ID`/flags as env, the models directory mounted read-only at `/models`, a GPU device request
 * per assigned GPU, the port reachable on 127.0.0.1 only, labels naming the orchestrator, and the confinement of
 * {@link RUNNER_HOST_CONFIG} (runners run ffmpeg on untrusted uploads). Containers left by a previous run of the
 * same orchestrator name are removed at start; each is removed when its runner stops, and by the {@link Reaper} when
 * the orchestrator dies without stopping it (even by `kill -9`).
 */
import { randomBytes } from "node:crypto";
import type { Logger, Reaper } from "@ai-video-subnet/server-kit";
import { ConfigError } from "../config/ai-models.js";
import { freePort } from "../internal/free-port.js";
import { DockerApi, DockerApiError } from "./docker-api.js";
import type { LauncherContext } from "./launcher.js";
import { gpuProvider, type Launcher, type RunnerExit, type RunnerHandle, type RunnerSpec } from "./launcher.js";
import { checkModelFolders } from "./model-access.js";
import { logRunnerLine, OutputLines } from "./output-lines.js";
import { liveProcess, processIdentity } from "./process-identity.js";

/** The label every container of this orchestrator carries, with the orchestrator's name as value. */
export const ORCHESTRATOR_LABEL = "ai-video-subnet.orchestrator";

/** The label naming the orchestrator process that started the container (see `process-identity.ts`). */
export const OWNER_LABEL = "ai-video-subnet.owner";

/**
 * Processes and threads a runner container may hold at once (the pids cgroup counts threads, not only processes).
 * A runner needs a few hundred at most even on a large GPU host: each ONNX Runtime session's intra-op pool has a
 * thread per core (a diffusion runner holds several sessions), and a video job adds ffprobe and two ffmpeg processes
 * — the decoder (at most 16 automatic threads) and x264 (1.5 per core, at most 128) — beside libuv's, V8's and
 * libvips' pools: ~1,100 on 192 cores with three sessions. 4096 leaves several times that, and still stops a runaway
 * fork or thread loop long before it exhausts the host's pids.
 */
export const RUNNER_PIDS_LIMIT = 4096;

/**
 * What every runner container runs under, beside its binds, network and GPUs: no capabilities (the runner and
 * ffmpeg need none; a port above 1024, files of its user), no gaining any through setuid binaries, at most
 * {@link RUNNER_PIDS_LIMIT} processes and threads, and Docker's init (tini) as PID 1 so a process orphaned inside
 * the container is reaped instead of holding a pid. GPU device requests work unchanged: the NVIDIA runtime adds the
 * devices before the runner starts, and opening them needs no capability.
 * @example await docker.json("POST", "/containers/create", { Image, HostConfig: { ...RUNNER_HOST_CONFIG, Binds } })
 */
export const RUNNER_HOST_CONFIG = {
  CapDrop: ["ALL"],
  SecurityOpt: ["no-new-privileges"],
  PidsLimit: RUNNER_PIDS_LIMIT,
  Init: true,
} as const;

/** The Engine API's request for NVIDIA GPUs (`docker run --gpus '"device=0,1"'`). */
const gpuRequest = (ids: string[]) => ({ Driver: "nvidia", DeviceIDs: ids, Capabilities: [["gpu"]] });

/** Options of the docker launcher. */
export interface DockerLauncherOptions {
  /** The runner image, e.g. `ai-video-subnet/runner:0.1.0`. */
  image: string;
  /** Path of the daemon's socket (default `/var/run/docker.sock`). */
  socketPath?: string;
  /**
   * `bridge` (default): the container's port 8000 is published on 127.0.0.1 at a free port.
   * `host`: the container shares the host's network and its runner listens on 127.0.0.1 at a free port
   * (for daemons without a bridge, e.g. `dockerd --bridge=none`).
   */
  network?: "bridge" | "host";
  /** Distinguishes orchestrators sharing one daemon; only containers with this name are cleaned up. */
  orchestratorName?: string;
  /** Seconds Docker waits after SIGTERM before SIGKILL on stop (default 5). */
  stopTimeoutSec?: number;
  /**
   * The reaper that removes the containers if the orchestrator dies without stopping them (a crash, `kill -9`, the
   * OOM killer): a container is no child of the orchestrator, and would run on, holding its GPU, until a later
   * orchestrator of the same name started. Without one only that later start removes them.
   */
  reaper?: Reaper;
}

/**
 * Starts runners as Docker containers.
 * @example
 * const launcher = new DockerLauncher({ image: "ai-video-subnet/runner:0.1.0", network: "host" });
 * await launcher.cleanup();
 * const runner = await launcher.start(spec, log);
 */
export class DockerLauncher implements Launcher {
  readonly kind = "docker";
  readonly docker: DockerApi;
  readonly #image: string;
  readonly #network: "bridge" | "host";
  readonly #name: string;
  readonly #stopTimeout: number;
  readonly #reaper: Reaper | undefined;
  /** This process, as {@link OWNER_LABEL} names it (read here, not by every orchestrator that loads the module). */
  readonly #self = processIdentity(process.pid);

  constructor(options: DockerLauncherOptions) {
    this.docker = new DockerApi(options.socketPath);
    this.#image = options.image;
    this.#network = options.network ?? "bridge";
    this.#name = options.orchestratorName ?? "avs";
    this.#stopTimeout = options.stopTimeoutSec ?? 5;
    this.#reaper = options.reaper;
    // It goes into every container's name, which dockerd refuses otherwise (at each start, for ever).
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/.test(this.#name)) {
      throw new ConfigError(
        `name ${JSON.stringify(this.#name)} cannot name the runner containers: use 1-64 letters, digits, _ . - (not first)`,
      );
    }
  }

  /**
   * Checks that dockerd answers and has the runner image (and a bridge network, for `bridge`), then removes every
   * container labelled with this
   * orchestrator's name (left by a crash). Both would otherwise fail every runner start, for ever. A container of
   * that name whose orchestrator still runs on this machine is a ConfigError instead: two orchestrators share a name.
   */
  async cleanup(context?: LauncherContext): Promise<void> {
    const image = `/images/${encodeURIComponent(this.#image)}/json`;
    let inspected: { Config?: { User?: string } };
    try {
      inspected = await this.docker.json("GET", image);
    } catch (err) {
      const missing = err instanceof DockerApiError && err.status === 404;
      throw new ConfigError(
        missing
          ? `runner-image ${this.#image} is not in dockerd's images: build it (docker build -f runner/Dockerfile -t ${this.#image} . in a checkout) or pull it, or point --runner-image at one`
          : `cannot reach dockerd at ${this.docker.socketPath} (${(err as Error).message}): is it running? set --docker-socket to its socket`,
        { cause: err },
      );
    }
    // A daemon started with --bridge=none has no bridge network: every container would start with no port to reach.
    const missing = (err: unknown) =>
      err instanceof DockerApiError && err.status === 404 ? true : Promise.reject(err);
    if (this.#network === "bridge" && (await this.docker.json("GET", "/networks/bridge").then(() => false, missing))) {
      throw new ConfigError(
        "docker-network bridge: this dockerd has no bridge network (started with --bridge=none?); set --docker-network host",
      );
    }
    const filters = encodeURIComponent(JSON.stringify({ label: [`${ORCHESTRATOR_LABEL}=${this.#name}`] }));
    type Listed = { Id: string; Labels?: Record<string, string> };
    const ours = await this.docker.json<Listed[]>("GET", `/containers/json?all=1&filters=${filters}`);
    // Another orchestrator of the same name, alive on this machine: its running jobs are not ours to remove.
    const owner = ours.map((c) => liveProcess(c.Labels?.[OWNER_LABEL])).find((pid) => pid && pid !== process.pid);
    if (owner) {
      throw new ConfigError(
        `another orchestrator named ${JSON.stringify(this.#name)} (pid ${owner}) runs runner containers on this dockerd; give each orchestrator its own --name`,
      );
    }
    await Promise.all(ours.map((c) => this.#remove(c.Id)));
    if (context?.gpus.length) await this.#checkGpus(context.gpus);
    if (!context) return;
    const info = await this.docker.json<{ SecurityOptions?: string[] }>("GET", "/info");
    const mapping = info.SecurityOptions?.find((o) => /\bname=(userns|rootless)\b/.test(o));
    checkModelFolders(context, this.#image, inspected.Config?.User, mapping);
  }

  /**
   * Starts and removes a container of the runner image with the device request of a runner on `gpus` (one for all
   * of them): dockerd refuses a request it cannot serve only when a container starts (`could not select device
   * driver "nvidia"` without the NVIDIA Container Toolkit, the toolkit's error for a GPU the host lacks), so each
   * runner start would fail the same way, for ever. `--version` makes the runner exit at once where it does start.
   */
  async #checkGpus(gpus: string[]): Promise<void> {
    const name = `avs-${this.#name}-gpu-check-${randomBytes(3).toString("hex")}`;
    const { Id } = await this.docker.json<{ Id: string }>("POST", `/containers/create?name=${name}`, {
      Image: this.#image,
      Cmd: ["--version"],
      Labels: { [ORCHESTRATOR_LABEL]: this.#name, ...(this.#self ? { [OWNER_LABEL]: this.#self } : {}) },
      HostConfig: { ...RUNNER_HOST_CONFIG, NetworkMode: "none", DeviceRequests: [gpuRequest(gpus)] },
    });
    try {
      await this.docker.json("POST", `/containers/${Id}/start`);
    } catch (err) {
      if (!(err instanceof DockerApiError)) throw err;
      throw new ConfigError(
        `gpus (--gpus, AVS_ORCHESTRATOR_GPUS) lists ${gpus.join(",")}, but dockerd cannot start a runner container ` +
          `of ${this.#image} on them (dockerd: ${err.detail}); install the NVIDIA Container Toolkit and give the GPUs ` +
          "nvidia-smi -L lists on the Docker host, or leave gpus out to run the runners on the CPU",
        { cause: err },
      );
    } finally {
      await this.docker.json("DELETE", `/containers/${Id}?force=1`).catch(() => {});
    }
  }

  async start(spec: RunnerSpec, log: Logger): Promise<RunnerHandle> {
    const host = this.#network === "host";
    const port = host ? await freePort() : 8000;
    const name = `avs-${this.#name}-${spec.name.replace(/[^a-zA-Z0-9_.-]/g, "-")}-${randomBytes(3).toString("hex")}`;
    const env = {
      ...spec.env,
      PIPELINE: spec.pipeline,
      MODEL_ID: spec.modelId,
      MODEL_DIR: "/models",
      AUTH_TOKEN: spec.token,
      PORT: String(port),
      HOST: host ? "127.0.0.1" : "0.0.0.0",
      QUEUE_SIZE: String(spec.queueSize),
      ...(spec.device === "cpu" ? {} : gpuProvider(spec.env)),
    };
    const created = await this.docker.json<{ Id: string }>("POST", `/containers/create?name=${name}`, {
      Image: this.#image,
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      Labels: {
        [ORCHESTRATOR_LABEL]: this.#name,
        ...(this.#self ? { [OWNER_LABEL]: this.#self } : {}),
        "ai-video-subnet.runner": spec.name,
        "ai-video-subnet.pipeline": spec.pipeline,
        "ai-video-subnet.model-id": spec.modelId,
      },
      ...(host ? {} : { ExposedPorts: { "8000/tcp": {} } }),
      HostConfig: {
        ...RUNNER_HOST_CONFIG,
        Binds: [`${spec.modelsDir}:/models:ro`],
        NetworkMode: this.#network,
        ...(host ? {} : { PortBindings: { "8000/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] } }),
        ...(spec.device === "cpu" ? {} : { DeviceRequests: [gpuRequest([spec.device])] }),
      },
    });
    const id = created.Id;
    // From its creation: a crash between create and start leaves a container too.
    this.#reaper?.watchContainer(this.docker.socketPath, id);
    try {
      await this.docker.json("POST", `/containers/${id}/start`);
    } catch (err) {
      await this.#remove(id);
      throw err;
    }
    const stdout = new OutputLines((line) => logRunnerLine(log, spec.name, line, "stdout"));
    const stderr = new OutputLines((line) => logRunnerLine(log, spec.name, line, "stderr"));
    const logs = this.docker.followLogs(id, (stream, chunk) => (stream === "stderr" ? stderr : stdout).push(chunk));
    const exited = this.docker
      .json<{ StatusCode: number }>("POST", `/containers/${id}/wait`, undefined, 2 ** 31 - 1)
      .then(
        (r) => ({ code: r.StatusCode, signal: null }),
        (err: Error) => ({ code: null, signal: null, error: err.message }),
      )
      .then((r): RunnerExit => {
        logs.close();
        const lastOutput = [...stdout.last, ...stderr.last].slice(-20);
        return { code: r.code, signal: r.signal, lastOutput };
      });
    let hostPort = port;
    if (!host) {
      const info = await this.docker.json<{
        NetworkSettings: { Ports: Record<string, Array<{ HostPort: string }> | null> };
      }>("GET", `/containers/${id}/json`);
      hostPort = Number(info.NetworkSettings.Ports["8000/tcp"]?.[0]?.HostPort);
      if (!hostPort) {
        await this.#remove(id);
        throw new Error(`container ${name} has no published port for 8000/tcp`);
      }
    }
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= this.#remove(id).then(async () => void (await exited));
      return stopping;
    };
    // A container that died on its own is removed too; its runner is recreated as a new container.
    void exited.then(() => stop().catch(() => {}));
    return { url: `http://127.0.0.1:${hostPort}`, token: spec.token, id, exited, stop };
  }

  async #remove(id: string): Promise<void> {
    try {
      await this.docker.json("POST", `/containers/${id}/stop?t=${this.#stopTimeout}`, undefined, 60_000);
    } catch {
      // already stopped or gone
    }
    try {
      await this.docker.json("DELETE", `/containers/${id}?force=1`);
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
    this.#reaper?.forgetContainer(id);
  }
}

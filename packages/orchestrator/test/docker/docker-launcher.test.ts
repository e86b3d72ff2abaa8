/**
 * @module The docker launcher against a real dockerd: a runner image assembled locally (no registry), stale
 * labelled containers removed at start, one container per runner with the models mounted read-only, jobs served
 * through it (a video job too: ffmpeg in the container), the container confined (no capabilities, no new
 * privileges, a pids limit, an init), every container removed on stop, and by the reaper when the orchestrator is
 * killed with SIGKILL (no later start of its `--name` needed). Skips, saying why, only when no daemon can be started.
 * One file, so that one daemon is ensured and one image built: two files doing both at once raced (a second dockerd
 * started beside the first, and one was left running).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { form, probeVideo, testVideo } from "@ai-video-subnet/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/index.js";
import { ORCHESTRATOR_LABEL, OWNER_LABEL, RUNNER_PIDS_LIMIT } from "../../src/launchers/docker-launcher.js";
import { processIdentity } from "../../src/launchers/process-identity.js";
import { createOrchestrator } from "../../src/orchestrator.js";
import {
  eventually,
  modelsDir,
  pngSize,
  runOrchestratorBin,
  startOrchestrator,
  TINY,
  upscaleForm,
} from "../helpers.js";
import { ensureDockerDaemon } from "./daemon.js";

const IMAGE = process.env.AVS_TEST_RUNNER_IMAGE ?? "avs-runner:test";
const NAME = `test-${process.pid}`;
const docker = await ensureDockerDaemon();
if (!docker.available) console.warn(`skipping the docker launcher tests: ${docker.reason}`);

type Container = { Id: string; Labels: Record<string, string>; State: string };

/** The `CapEff` and `NoNewPrivs` lines of a host process's `/proc/<pid>/status`. */
function privileges(pid: number): { capEff?: string; noNewPrivs?: string; name?: string } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, "m").exec(status)?.[1];
  return { name: field("Name"), capEff: field("CapEff"), noNewPrivs: field("NoNewPrivs") };
}

describe.skipIf(!docker.available)("docker launcher (real dockerd)", () => {
  const api = docker.available ? docker.api : undefined!;
  const models = modelsDir();
  const ours = async (name = NAME) => {
    const filters = encodeURIComponent(JSON.stringify({ label: [`${ORCHESTRATOR_LABEL}=${name}`] }));
    return api.json<Container[]>("GET", `/containers/json?all=1&filters=${filters}`);
  };
  /** An orchestrator whose docker launcher runs one warm runner of TINY for `pipeline` in the test image. */
  const startDockerOrchestrator = (pipeline: string, capacity?: number) =>
    startOrchestrator({
      models: [{ pipeline, model_id: TINY, warm: true, ...(capacity ? { capacity } : {}) }],
      modelsDir: models.dir,
      launcher: "docker",
      runnerImage: IMAGE,
      dockerNetwork: "host",
      name: NAME,
    });

  /** An orchestrator with one warm runner of TINY in `image`, not started (for start-up refusals). */
  const unstarted = (image: string, dockerNetwork: "host" | "bridge" = "host", gpus?: string[]) =>
    createOrchestrator({
      ...(gpus ? { gpus } : {}),
      models: [{ pipeline: "upscale", model_id: TINY, warm: true }],
      modelsDir: models.dir,
      launcher: "docker",
      runnerImage: image,
      dockerNetwork,
      name: NAME,
      port: 0,
      log: silentLogger,
    });

  beforeAll(() => {
    const script = fileURLToPath(new URL("./build-runner-image.sh", import.meta.url));
    execFileSync("bash", [script, IMAGE], { stdio: "inherit", timeout: 300_000 });
  }, 300_000);

  afterAll(async () => {
    for (const c of await ours().catch(() => []))
      await api.json("DELETE", `/containers/${c.Id}?force=1`).catch(() => {});
    models.cleanup();
    if (docker.available) await docker.stop();
  }, 60_000);

  it("refuses to start, removing nothing, while another live orchestrator of its name has containers", async () => {
    const other = spawn("sleep", ["60"]);
    try {
      const theirs = await api.json<{ Id: string }>("POST", `/containers/create?name=avs-${NAME}-theirs`, {
        Image: IMAGE,
        Labels: { [ORCHESTRATOR_LABEL]: NAME, [OWNER_LABEL]: processIdentity(other.pid!)! },
        HostConfig: { NetworkMode: "host" },
      });
      const orch = await unstarted(IMAGE);
      await expect(orch.start()).rejects.toThrow(
        `another orchestrator named "${NAME}" (pid ${other.pid}) runs runner containers on this dockerd; give each orchestrator its own --name`,
      );
      await orch.stop();
      expect((await ours()).map((c) => c.Id)).toEqual([theirs.Id]);
      await api.json("DELETE", `/containers/${theirs.Id}?force=1`);
    } finally {
      other.kill("SIGKILL");
    }
  });

  it("refuses the bridge network of a dockerd that has none (as the tests' own, --bridge=none)", async () => {
    const bridge = await api.json("GET", "/networks/bridge").then(
      () => true,
      () => false,
    );
    const orch = await unstarted(IMAGE, "bridge");
    const started = orch.start();
    if (bridge) await expect(started).resolves.toBeDefined();
    else {
      await expect(started).rejects.toThrow(
        "docker-network bridge: this dockerd has no bridge network (started with --bridge=none?); set --docker-network host",
      );
    }
    await orch.stop();
    expect(await ours()).toEqual([]);
  }, 60_000);

  it("refuses to start with a runner image dockerd does not have, saying how to get one", async () => {
    const missing = `avs-runner:missing-${process.pid}`;
    const orch = await unstarted(missing);
    await expect(orch.start()).rejects.toThrow(
      `runner-image ${missing} is not in dockerd's images: build it (docker build -f runner/Dockerfile -t ${missing} . in a checkout) or pull it, or point --runner-image at one`,
    );
    await orch.stop();
    expect(await ours()).toEqual([]);
  });

  it("refuses GPUs dockerd cannot give a container at start, naming gpus, not at each runner start", async () => {
    // GPU 99: no host has it, so dockerd refuses it with or without the NVIDIA Container Toolkit (this one has none).
    const orch = await unstarted(IMAGE, "host", ["99"]);
    await expect(orch.start()).rejects.toThrow(
      new RegExp(
        `^gpus \\(--gpus, AVS_ORCHESTRATOR_GPUS\\) lists 99, but dockerd cannot start a runner container of ${IMAGE} on them \\(dockerd: .+\\); install the NVIDIA Container Toolkit`,
      ),
    );
    await orch.stop();
    expect(await ours()).toEqual([]);
  }, 60_000);

  it("refuses a warm model folder the image's user cannot read, naming both; a cold one is a warning", async () => {
    // The test image runs as uid 1000 (build-runner-image.sh); the folder is root's (this test runs as root), 0700.
    const own = modelsDir();
    const folder = join(own.dir, TINY);
    chmodSync(folder, 0o700);
    const lines: Array<[string, string]> = [];
    const log = { ...silentLogger, warn: (msg: string) => void lines.push(["warn", msg]) };
    const withEntry = (warm: boolean) =>
      createOrchestrator({
        models: [{ pipeline: "upscale", model_id: TINY, warm }],
        ...{ modelsDir: own.dir, launcher: "docker", runnerImage: IMAGE, dockerNetwork: "host", name: NAME, port: 0 },
        log,
      });
    try {
      const what =
        `aiModels.json entry 0 (upscale "${TINY}"): the runner image ${IMAGE} runs as user 1000 (its Config.User), ` +
        `which cannot list and enter ${folder} (owner 0:0, mode 0700), so its runner cannot load the model`;
      const fix = `make it readable to that user (chmod -R a+rX ${folder}, and a+x on the directories above it up to ${own.dir}), or give --runner-image an image whose user can read it`;
      const warm = await withEntry(true);
      await expect(warm.start()).rejects.toThrow(`${what} and would fail at every start; ${fix}`);
      await warm.stop();
      expect(await ours()).toEqual([]);
      const cold = await withEntry(false);
      await cold.start();
      await cold.stop();
      expect(lines).toContainEqual(["warn", `${what}: its jobs get 503 until it is fixed; ${fix}`]);
    } finally {
      own.cleanup();
    }
  }, 60_000);

  it("removes stale containers, runs jobs in a container, and removes it on stop", async () => {
    const stale = await api.json<{ Id: string }>("POST", `/containers/create?name=avs-${NAME}-stale`, {
      Image: IMAGE,
      Labels: { [ORCHESTRATOR_LABEL]: NAME },
      HostConfig: { NetworkMode: "host" },
    });
    expect((await ours()).map((c) => c.Id)).toEqual([stale.Id]);

    const orch = await startDockerOrchestrator("upscale", 2);
    try {
      const containers = await ours();
      expect(containers).toHaveLength(1);
      expect(containers[0]!.Id).not.toBe(stale.Id);
      expect(containers[0]!.State).toBe("running");
      expect(containers[0]!.Labels).toMatchObject({
        "ai-video-subnet.pipeline": "upscale",
        "ai-video-subnet.model-id": TINY,
      });
      const inspect = await api.json<{ HostConfig: { Binds: string[] }; Config: { Env: string[] } }>(
        "GET",
        `/containers/${containers[0]!.Id}/json`,
      );
      expect(inspect.HostConfig.Binds).toEqual([`${models.dir}:/models:ro`]);
      expect(inspect.Config.Env).toEqual(
        expect.arrayContaining([
          "PIPELINE=upscale",
          `MODEL_ID=${TINY}`,
          "MODEL_DIR=/models",
          "HOST=127.0.0.1",
          "QUEUE_SIZE=2",
        ]),
      );

      const res = await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm(TINY) });
      expect(res.status).toBe(200);
      const { images } = await res.json();
      const out = new Uint8Array(await (await fetch(images[0].url)).arrayBuffer());
      expect(pngSize(out)).toEqual({ width: 64, height: 64 });
      expect((await (await fetch(`${orch.url}/info`)).json()).capabilities[0]).toMatchObject({
        warm: true,
        capacity: 2,
      });
    } finally {
      await orch.stop();
    }
    expect(await ours()).toEqual([]);
  }, 120_000);

  it("recreates a warm runner's container when it dies", async () => {
    const orch = await startDockerOrchestrator("upscale");
    try {
      const [first] = await ours();
      await api.json("POST", `/containers/${first!.Id}/kill`);
      const deadline = Date.now() + 30_000;
      let replaced: Container | undefined;
      while (!replaced && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        replaced = (await ours()).find((c) => c.Id !== first!.Id && c.State === "running");
        if (replaced && orch.pool.runners[0]!.state !== "ready") replaced = undefined;
      }
      expect(replaced).toBeDefined();
      expect((await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm(TINY) })).status).toBe(200);
    } finally {
      await orch.stop();
    }
    expect(await ours()).toEqual([]);
  }, 120_000);

  it("serves /video-upscale from a confined container: ffmpeg in the image, no capabilities, a pids limit", async () => {
    const orch = await startDockerOrchestrator("video-upscale");
    try {
      const [container] = await ours();
      const inspect = await api.json<{
        HostConfig: { CapDrop: string[]; SecurityOpt: string[]; PidsLimit: number; Init: boolean };
        State: { Pid: number };
      }>("GET", `/containers/${container!.Id}/json`);
      expect(inspect.HostConfig).toMatchObject({
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        PidsLimit: RUNNER_PIDS_LIMIT,
        Init: true,
      });
      // PID 1 is Docker's init; the runner is its child. Both run with no capability and cannot gain one.
      const init = inspect.State.Pid;
      const [runner] = readFileSync(`/proc/${init}/task/${init}/children`, "utf8").trim().split(" ").map(Number);
      expect(privileges(init)).toMatchObject({ name: "docker-init", capEff: "0000000000000000", noNewPrivs: "1" });
      expect(privileges(runner!)).toMatchObject({ name: "node", capEff: "0000000000000000", noNewPrivs: "1" });

      const video = await testVideo({ width: 32, height: 24, frames: 6, fps: 12 });
      const res = await fetch(`${orch.url}/video-upscale`, {
        method: "POST",
        body: form({ model_id: TINY, video: new Blob([video], { type: "video/mp4" }), seed: 5 }),
      });
      expect(res.status).toBe(200);
      const { images } = await res.json();
      expect(images).toHaveLength(1);
      expect(images[0]).toMatchObject({ seed: 5 });
      const mp4 = new Uint8Array(await (await fetch(images[0].url)).arrayBuffer());
      expect(await probeVideo(mp4)).toMatchObject({ width: 128, height: 96, frames: 6, fps: 12, codec: "h264" });
    } finally {
      await orch.stop();
    }
    expect(await ours()).toEqual([]);
  }, 120_000);

  it("removes the runner containers of an orchestrator killed with SIGKILL (the reaper, through the Engine API)", async () => {
    const name = `crash-${process.pid}`;
    const dir = mkdtempSync(join(tmpdir(), "avs-docker-crash-"));
    const children: ChildProcess[] = [];
    try {
      const config = join(dir, "aiModels.json");
      writeFileSync(config, JSON.stringify([{ pipeline: "upscale", model_id: TINY, warm: true, capacity: 2 }]));
      const p = runOrchestratorBin(
        [
          ...["--config", config, "--models-dir", models.dir, "--port", "0", "--launcher", "docker"],
          ...["--runner-image", IMAGE, "--docker-network", "host", "--name", name],
        ],
        { children },
      );
      await eventually(() => p.lines.find((l) => l.msg === "ready"), 90_000, `ready (stderr: ${p.stderr()})`);
      const running = await ours(name);
      expect(running.map((c) => c.State)).toEqual(["running"]);
      p.child.kill("SIGKILL");
      await p.exit;
      // The reaper stops it (SIGTERM, then SIGKILL after its grace) and deletes it; no later start is needed.
      await eventually(async () => ((await ours(name)).length === 0 ? true : undefined), 30_000, "containers removed");
      await expect(api.json("GET", `/containers/${running[0]!.Id}/json`)).rejects.toMatchObject({ status: 404 });
    } finally {
      for (const c of children) c.kill("SIGKILL");
      for (const c of await ours(name).catch(() => []))
        await api.json("DELETE", `/containers/${c.Id}?force=1`).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});

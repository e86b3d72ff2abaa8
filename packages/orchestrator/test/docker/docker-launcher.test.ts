/**
 * @module The docker launcher against a real dockerd: a runner image assembled locally (no registry), stale
 * labelled containers removed at start, one container per runner with the models mounted read-only, jobs served
 * through it, and every container removed on stop. Skips, saying why, only when no daemon can be started.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORCHESTRATOR_LABEL } from "../../src/launchers/docker-launcher.js";
import { modelsDir, pngSize, startOrchestrator, TINY, upscaleForm } from "../helpers.js";
import { ensureDockerDaemon } from "./daemon.js";

const IMAGE = process.env.AVS_TEST_RUNNER_IMAGE ?? "avs-runner:test";
const NAME = `test-${process.pid}`;
const docker = await ensureDockerDaemon();
if (!docker.available) console.warn(`skipping the docker launcher tests: ${docker.reason}`);

type Container = { Id: string; Labels: Record<string, string>; State: string };

describe.skipIf(!docker.available)("docker launcher (real dockerd)", () => {
  const api = docker.available ? docker.api : undefined!;
  const models = modelsDir();
  const ours = async () => {
    const filters = encodeURIComponent(JSON.stringify({ label: [`${ORCHESTRATOR_LABEL}=${NAME}`] }));
    return api.json<Container[]>("GET", `/containers/json?all=1&filters=${filters}`);
  };

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

  it("removes stale containers, runs jobs in a container, and removes it on stop", async () => {
    const stale = await api.json<{ Id: string }>("POST", `/containers/create?name=avs-${NAME}-stale`, {
      Image: IMAGE,
      Labels: { [ORCHESTRATOR_LABEL]: NAME },
      HostConfig: { NetworkMode: "host" },
    });
    expect((await ours()).map((c) => c.Id)).toEqual([stale.Id]);

    const orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, warm: true, capacity: 2 }],
      modelsDir: models.dir,
      launcher: "docker",
      runnerImage: IMAGE,
      dockerNetwork: "host",
      name: NAME,
    });
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
    const orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, warm: true }],
      modelsDir: models.dir,
      launcher: "docker",
      runnerImage: IMAGE,
      dockerNetwork: "host",
      name: NAME,
    });
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
});

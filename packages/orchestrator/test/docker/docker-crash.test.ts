/**
 * @module Runner containers die with their orchestrator: the built `avs-orchestrator` binary, killed with SIGKILL
 * (nothing of it runs to stop them), leaves no container behind — the reaper removes them through the Engine API —
 * and needs no later start of the same `--name` for it. Skips, saying why, only when no daemon can be started.
 */
import { type ChildProcess, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORCHESTRATOR_LABEL } from "../../src/launchers/docker-launcher.js";
import { eventually, modelsDir, runOrchestratorBin, TINY } from "../helpers.js";
import { ensureDockerDaemon } from "./daemon.js";

const IMAGE = process.env.AVS_TEST_RUNNER_IMAGE ?? "avs-runner:test";
const NAME = `crash-${process.pid}`;
const docker = await ensureDockerDaemon();
if (!docker.available) console.warn(`skipping the docker crash tests: ${docker.reason}`);

describe.skipIf(!docker.available)("docker runner containers after an orchestrator crash (real dockerd)", () => {
  const api = docker.available ? docker.api : undefined!;
  const models = modelsDir();
  const dir = mkdtempSync(join(tmpdir(), "avs-docker-crash-"));
  const children: ChildProcess[] = [];
  const ours = async () => {
    const filters = encodeURIComponent(JSON.stringify({ label: [`${ORCHESTRATOR_LABEL}=${NAME}`] }));
    return api.json<Array<{ Id: string; State: string }>>("GET", `/containers/json?all=1&filters=${filters}`);
  };

  beforeAll(() => {
    const script = fileURLToPath(new URL("./build-runner-image.sh", import.meta.url));
    execFileSync("bash", [script, IMAGE], { stdio: "inherit", timeout: 300_000 });
  }, 300_000);

  afterAll(async () => {
    for (const c of children) c.kill("SIGKILL");
    for (const c of await ours().catch(() => []))
      await api.json("DELETE", `/containers/${c.Id}?force=1`).catch(() => {});
    models.cleanup();
    rmSync(dir, { recursive: true, force: true });
    if (docker.available) await docker.stop();
  }, 60_000);

  it("removes the runner containers of an orchestrator killed with SIGKILL", async () => {
    const config = join(dir, "aiModels.json");
    writeFileSync(config, JSON.stringify([{ pipeline: "upscale", model_id: TINY, warm: true, capacity: 2 }]));
    const p = runOrchestratorBin(
      [
        ...["--config", config, "--models-dir", models.dir, "--port", "0", "--launcher", "docker"],
        ...["--runner-image", IMAGE, "--docker-network", "host", "--name", NAME],
      ],
      { children },
    );
    await eventually(() => p.lines.find((l) => l.msg === "ready"), 90_000, `ready (stderr: ${p.stderr()})`);
    const running = await ours();
    expect(running.map((c) => c.State)).toEqual(["running"]);
    p.child.kill("SIGKILL");
    await p.exit;
    // The reaper stops it (SIGTERM, then SIGKILL after its grace) and deletes it; no later start is needed.
    await eventually(async () => ((await ours()).length === 0 ? true : undefined), 30_000, "containers removed");
    await expect(api.json("GET", `/containers/${running[0]!.Id}/json`)).rejects.toMatchObject({ status: 404 });
  }, 150_000);
});

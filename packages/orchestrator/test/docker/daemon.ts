/**
 * @module A Docker daemon for the docker launcher tests: the running one, or one started here
 * (`dockerd --iptables=false --bridge=none`, as root) and stopped afterwards. When neither is possible the
 * reason is returned, and the tests skip saying why.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { DockerApi } from "../../src/launchers/docker-api.js";

/** A usable daemon, or why there is none. */
export type DockerDaemon =
  | { available: true; api: DockerApi; stop(): Promise<void> }
  | { available: false; reason: string };

/**
 * @example const docker = await ensureDockerDaemon(); if (docker.available) { ...; await docker.stop() }
 */
export async function ensureDockerDaemon(socketPath = "/var/run/docker.sock"): Promise<DockerDaemon> {
  const api = new DockerApi(socketPath);
  if (await api.ping()) return { available: true, api, stop: async () => {} };
  if (process.getuid?.() !== 0)
    return { available: false, reason: "no Docker daemon is running and starting one needs root" };
  if (spawnSync("sh", ["-c", "command -v dockerd"]).status !== 0) {
    return {
      available: false,
      reason: "no Docker daemon is running and dockerd is not installed (apt-get install docker.io)",
    };
  }
  const daemon: ChildProcess = spawn("dockerd", ["--iptables=false", "--bridge=none"], {
    stdio: "ignore",
    detached: true,
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (daemon.exitCode !== null)
      return { available: false, reason: `dockerd exited with code ${daemon.exitCode} at start` };
    if (existsSync(socketPath) && (await api.ping())) {
      return {
        available: true,
        api,
        stop: async () => {
          const gone = new Promise((r) => daemon.once("exit", r));
          daemon.kill("SIGTERM");
          await gone;
        },
      };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  daemon.kill("SIGKILL");
  return { available: false, reason: "dockerd did not answer within 30 s" };
}

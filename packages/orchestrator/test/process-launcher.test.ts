/**
 * @module The process launcher's environment for a real `avs-runner` process (Linux: read back from
 * /proc/<pid>/environ): the runner defaults (`MALLOC_ARENA_MAX=2`) unless the operator set the variable, in the
 * model entry's `env` or the orchestrator's own environment; none of the orchestrator's own settings
 * (`AVS_ORCHESTRATOR_*`: its secret, its metrics token), which the runner — model code — has no use for, while the
 * rest of the environment (PATH, HOME, locale, the runner's own settings) still reaches it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../src/index.js";
import type { RunnerSpec } from "../src/launchers/launcher.js";
import { ProcessLauncher, runnerProcessEnv } from "../src/launchers/process-launcher.js";
import { modelsDir, TINY } from "./helpers.js";

const models = modelsDir([TINY]);
const launcher = new ProcessLauncher();
afterAll(async () => {
  await launcher.close();
  models.cleanup();
});

const spec = (env: Record<string, string>): RunnerSpec => ({
  name: "upscale.tiny.0",
  pipeline: "upscale",
  modelId: TINY,
  device: "cpu",
  modelsDir: models.dir,
  token: "t",
  queueSize: 1,
  env,
});

/** The processes whose parent is this one. */
function childPids(): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // Field 4 of /proc/<pid>/stat, after the command name in parentheses, is the parent's pid.
        return readFileSync(`/proc/${d}/stat`, "latin1").split(") ")[1]?.split(" ")[1] === String(process.pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The runner process's environment variable `name`, as the kernel holds it. */
async function runnerEnv(env: Record<string, string>, name: string): Promise<string | undefined> {
  const runner = await launcher.start(spec(env), silentLogger);
  try {
    const vars = readFileSync(`/proc/${runner.id}/environ`, "latin1").split("\0");
    return vars.find((v) => v.startsWith(`${name}=`))?.slice(name.length + 1);
  } finally {
    await runner.stop();
  }
}

describe("a runner given a GPU", () => {
  // No GPU here to start one on: the environment the launcher would give it.
  it("gets CUDA_VISIBLE_DEVICES and CUDA, unless the entry chose its execution provider", () => {
    const gpu = { ...spec({}), device: "1" };
    expect(runnerProcessEnv(gpu, {})).toMatchObject({ CUDA_VISIBLE_DEVICES: "1", EXECUTION_PROVIDER: "cuda" });
    const chosen = { ...gpu, env: { EXECUTION_PROVIDER: "webgpu" } };
    expect(runnerProcessEnv(chosen, {})).toMatchObject({ CUDA_VISIBLE_DEVICES: "1", EXECUTION_PROVIDER: "webgpu" });
    // The orchestrator's own environment does not: the device it assigned wins over a variable set for everything.
    expect(runnerProcessEnv(gpu, { EXECUTION_PROVIDER: "cpu" }).EXECUTION_PROVIDER).toBe("cuda");
    expect(runnerProcessEnv(spec({}), {}).EXECUTION_PROVIDER).toBeUndefined();
  });
});

describe.runIf(process.platform === "linux")("process launcher environment", () => {
  it("caps glibc's malloc arenas at 2 unless the operator set MALLOC_ARENA_MAX", async () => {
    const before = process.env.MALLOC_ARENA_MAX;
    delete process.env.MALLOC_ARENA_MAX;
    try {
      expect(await runnerEnv({}, "MALLOC_ARENA_MAX")).toBe("2");
      expect(await runnerEnv({ MALLOC_ARENA_MAX: "8" }, "MALLOC_ARENA_MAX")).toBe("8");
      process.env.MALLOC_ARENA_MAX = "4";
      expect(await runnerEnv({}, "MALLOC_ARENA_MAX")).toBe("4");
    } finally {
      if (before === undefined) delete process.env.MALLOC_ARENA_MAX;
      else process.env.MALLOC_ARENA_MAX = before;
    }
  }, 60_000);

  it("passes no AVS_ORCHESTRATOR_* variable (its secret) to the runner, and keeps the rest", async () => {
    const set = { AVS_ORCHESTRATOR_SECRET: "orch-secret", AVS_ORCHESTRATOR_METRICS_TOKEN: "metrics", TILE_SIZE: "128" };
    const before = Object.fromEntries(Object.keys(set).map((k) => [k, process.env[k]]));
    Object.assign(process.env, set);
    try {
      // A launcher of its own: its reaper starts with the runner, under the environment set above.
      const own = new ProcessLauncher();
      const runner = await own.start(spec({}), silentLogger);
      let vars: string[];
      let reaperVars: string[];
      try {
        vars = readFileSync(`/proc/${runner.id}/environ`, "latin1").split("\0");
        // The reaper that kills the runners should this process die is a child of this process as well.
        const reapers = childPids().filter((pid) => readFileSync(`/proc/${pid}/cmdline`, "latin1").includes("graceMs"));
        expect(reapers.length).toBeGreaterThan(0);
        reaperVars = reapers.flatMap((pid) => readFileSync(`/proc/${pid}/environ`, "latin1").split("\0"));
      } finally {
        await runner.stop();
        await own.close();
      }
      expect(reaperVars.filter((v) => v.startsWith("AVS_ORCHESTRATOR_"))).toEqual([]);
      expect(vars.filter((v) => v.startsWith("AVS_ORCHESTRATOR_"))).toEqual([]);
      expect(vars.filter((v) => v.includes("orch-secret") || v.includes("=metrics"))).toEqual([]);
      expect(vars).toContain("TILE_SIZE=128");
      expect(vars).toContain(`PATH=${process.env.PATH}`);
      expect(vars).toContain("AUTH_TOKEN=t");
    } finally {
      for (const [k, v] of Object.entries(before)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }, 60_000);
});

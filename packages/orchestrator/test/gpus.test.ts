/**
 * @module The `gpus` setting checked at start for runners started on this machine (the process launcher): a GPU id
 * the NVIDIA driver does not show here is a start-up error (exit 2) naming the setting, not a runner that quietly
 * runs on the CPU. nvidia-smi cannot run on a machine without a GPU, so the listing cases use a fake of it (a shell
 * script printing what nvidia-smi -L prints), put first on the orchestrator's PATH. One GPU named twice (by index
 * and by UUID) is refused too: two runners would share it.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, modelsDir, runOrchestratorBin, TINY } from "./helpers.js";

const models = modelsDir();
const dir = mkdtempSync(join(tmpdir(), "avs-gpus-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  models.cleanup();
  rmSync(dir, { recursive: true, force: true });
});
const config = join(dir, "aiModels.json");
writeFileSync(config, JSON.stringify([{ pipeline: "upscale", model_id: TINY }]));
const SETTING = "gpus (--gpus, AVS_ORCHESTRATOR_GPUS)";
const UUID = "GPU-8932f937-d72c-4106-c12f-20bd9faed9f6";

/** A directory holding a fake `nvidia-smi` that prints `out` and exits with `code`. */
function fakeNvidiaSmi(name: string, out: string, code = 0): string {
  const bin = join(dir, name);
  mkdirSync(bin);
  writeFileSync(join(bin, "listing.txt"), `${out}\n`);
  writeFileSync(join(bin, "nvidia-smi"), `#!/bin/sh\ncat '${join(bin, "listing.txt")}'\nexit ${code}\n`, {
    mode: 0o755,
  });
  return bin;
}

const LISTED = fakeNvidiaSmi("one-gpu", `GPU 0: NVIDIA H100 80GB HBM3 (UUID: ${UUID})`);
/** The orchestrator binary with `--gpus <gpus>`, `path` (a fake's directory) first on its PATH. */
const run = (gpus: string, path: string) =>
  runOrchestratorBin(["--config", config, "--models-dir", models.dir, "--port", "0", "--gpus", gpus], {
    children,
    env: { PATH: `${path}:${process.env.PATH}` },
  });
const refusal = async (p: ReturnType<typeof run>) => {
  expect(await p.exit).toBe(2);
  return JSON.parse(p.stderr().trim().split("\n").at(-1)!) as { msg: string; error: string };
};

describe("gpus at start (process launcher)", () => {
  it.skipIf(existsSync("/dev/nvidiactl"))("refuses any GPU on a machine without an NVIDIA driver", async () => {
    const p = runOrchestratorBin(["--config", config, "--models-dir", models.dir, "--port", "0", "--gpus", "0"], {
      children,
      env: { PATH: join(dir, "no-such-dir") },
    });
    expect(await refusal(p)).toEqual({
      level: "error",
      time: expect.any(String),
      msg: "bad configuration",
      error: `${SETTING} lists 0, but this machine shows no NVIDIA GPU (no nvidia-smi on PATH, no /dev/nvidiactl); install the NVIDIA driver, or leave gpus out to run the runners on the CPU`,
    });
  });

  it("refuses an index or UUID nvidia-smi -L does not list, naming the ones it does", async () => {
    const expected = `${SETTING}: 1 is not a GPU of this machine (nvidia-smi -L lists 1 GPU(s): 0, ${UUID}); give the indexes or UUIDs it has, or leave gpus out to run the runners on the CPU`;
    expect((await refusal(run("0,1", LISTED))).error).toBe(expected);
    expect((await refusal(run("GPU-0000", LISTED))).error).toContain(
      `${SETTING}: GPU-0000 is not a GPU of this machine`,
    );
  });

  it("refuses one GPU named by its index and by its UUID, saying which entries are the same GPU", async () => {
    const other = "GPU-1d2e3f40-0000-4106-c12f-20bd9faed9f6";
    const two = fakeNvidiaSmi("two-gpus", `GPU 0: NVIDIA H100 (UUID: ${UUID})\nGPU 1: NVIDIA H100 (UUID: ${other})`);
    const twice = (a: string, b: string, index: number, uuid: string) =>
      `gpus lists a GPU twice: ${a} and ${b} are the same GPU (nvidia-smi -L lists GPU ${index} as ${uuid}); list each GPU once, by its index or its UUID`;
    expect((await refusal(run(`${UUID},0`, two))).error).toBe(twice(UUID, "0", 0, UUID));
    expect((await refusal(run("1,0,GPU-1d2e", two))).error).toBe(twice("1", "GPU-1d2e", 1, other));
  });

  it("refuses when nvidia-smi fails, with what it said", async () => {
    const broken = fakeNvidiaSmi(
      "broken",
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
      9,
    );
    expect((await refusal(run("0", broken))).error).toBe(
      `${SETTING} lists 0, but nvidia-smi -L failed on this machine (NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.): the NVIDIA driver does not answer, and a runner could not use these GPUs; fix the driver, or leave gpus out to run the runners on the CPU`,
    );
  });

  it("starts with a GPU nvidia-smi -L lists, by index or by the start of its UUID", async () => {
    for (const gpus of ["0", UUID.slice(0, 12)]) {
      const p = run(gpus, LISTED);
      await eventually(() => p.lines.find((l) => l.msg === "listening"), 20_000, `listening (${p.stderr()})`);
      p.child.kill("SIGTERM");
      expect(await p.exit).toBe(0);
    }
  }, 60_000);
});

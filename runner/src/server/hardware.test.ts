/**
 * @module GPU facts from `nvidia-smi`. This machine has no GPU, so a fake `nvidia-smi` (a shell script printing
 * what the real one prints for these queries) stands in for it; without any `nvidia-smi` the maps are empty.
 */
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { gpuInfo, gpuStats } from "./hardware.js";

const FAKE_NVIDIA_SMI = `#!/bin/sh
case "$1" in
  *utilization.gpu*) echo "0, GPU-aaaa, NVIDIA H100 80GB HBM3, 81559, 80000, 87, 41" ;;
  *) echo "0, GPU-aaaa, NVIDIA H100 80GB HBM3, 81559, 80000, 9.0" ;;
esac
`;

describe("hardware", () => {
  const path = process.env.PATH;
  const dirs: string[] = [];
  afterEach(async () => {
    process.env.PATH = path;
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it("is empty without nvidia-smi", async () => {
    process.env.PATH = "/nonexistent";
    expect(await gpuInfo()).toEqual({});
    expect(await gpuStats()).toEqual({});
  });

  it("parses nvidia-smi's CSV into the Livepeer shapes (memory in bytes)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "avs-fake-smi-"));
    dirs.push(dir);
    await writeFile(join(dir, "nvidia-smi"), FAKE_NVIDIA_SMI);
    await chmod(join(dir, "nvidia-smi"), 0o755);
    process.env.PATH = `${dir}:${path}`;
    const mib = 1024 * 1024;
    expect(await gpuInfo()).toEqual({
      "0": {
        id: "GPU-aaaa",
        name: "NVIDIA H100 80GB HBM3",
        memory_total: 81559 * mib,
        memory_free: 80000 * mib,
        major: 9,
        minor: 0,
      },
    });
    expect(await gpuStats()).toEqual({
      "0": {
        id: "GPU-aaaa",
        name: "NVIDIA H100 80GB HBM3",
        memory_total: 81559 * mib,
        memory_free: 80000 * mib,
        utilization_compute: 87,
        utilization_memory: 41,
      },
    });
  });
});

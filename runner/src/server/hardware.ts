/** @module GPU facts from `nvidia-smi` when it is present; empty maps otherwise (the Livepeer `/hardware/*` shapes). */
import { execFile } from "node:child_process";
import type { components } from "../generated/runner.js";

type GpuInfo = components["schemas"]["GPUComputeInfo"];
type GpuStats = components["schemas"]["GPUUtilizationInfo"];

function query(fields: string[]): Promise<string[][]> {
  return new Promise((resolve) => {
    execFile(
      "nvidia-smi",
      [`--query-gpu=${fields.join(",")}`, "--format=csv,noheader,nounits"],
      { timeout: 5000 },
      (err, stdout) => {
        if (err) return resolve([]);
        resolve(
          stdout
            .trim()
            .split("\n")
            .filter(Boolean)
            .map((l) => l.split(",").map((s) => s.trim())),
        );
      },
    );
  });
}

const MIB = 1024 * 1024;

/**
 * Per-GPU compute info keyed by index; `{}` without `nvidia-smi`.
 * @example await gpuInfo() // { "0": { id: "GPU-…", name: "NVIDIA H100", memory_total: …, … } }
 */
export async function gpuInfo(): Promise<Record<string, GpuInfo>> {
  const rows = await query(["index", "uuid", "name", "memory.total", "memory.free", "compute_cap"]);
  return Object.fromEntries(
    rows.map(([index, id, name, total, free, cap]) => {
      const [major, minor] = (cap ?? "0.0").split(".").map(Number);
      return [
        index ?? "0",
        {
          id: id ?? "",
          name: name ?? "",
          memory_total: Number(total) * MIB,
          memory_free: Number(free) * MIB,
          major: major ?? 0,
          minor: minor ?? 0,
        },
      ];
    }),
  );
}

/**
 * Per-GPU utilisation keyed by index; `{}` without `nvidia-smi`.
 * @example await gpuStats() // { "0": { utilization_compute: 87, … } }
 */
export async function gpuStats(): Promise<Record<string, GpuStats>> {
  const rows = await query([
    "index",
    "uuid",
    "name",
    "memory.total",
    "memory.free",
    "utilization.gpu",
    "utilization.memory",
  ]);
  return Object.fromEntries(
    rows.map(([index, id, name, total, free, gpu, mem]) => [
      index ?? "0",
      {
        id: id ?? "",
        name: name ?? "",
        memory_total: Number(total) * MIB,
        memory_free: Number(free) * MIB,
        utilization_compute: Number(gpu),
        utilization_memory: Number(mem),
      },
    ]),
  );
}

/**
 * @module The start-up check of the `gpus` setting for runners started on this machine (the process launcher):
 * each GPU id must name a GPU the NVIDIA driver shows here. Without the check a runner given a GPU this host lacks
 * (`CUDA_VISIBLE_DEVICES` of an absent index, or on a host with no NVIDIA driver) quietly ran on the CPU.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "@ai-video-subnet/server-kit";
import { ConfigError } from "../config/ai-models.js";

/** How the check reads this machine; the defaults are the real ones (tests point `command` at a named fake). */
export interface HostGpuProbe {
  /** The command that lists the GPUs as `GPU <index>: <name> (UUID: GPU-…)` lines (default `nvidia-smi`). */
  command?: string;
  /** Where the driver's device nodes are (default `/dev`). */
  devDir?: string;
}

const SETTING = "gpus (--gpus, AVS_ORCHESTRATOR_GPUS)";
const CPU_HINT = "leave gpus out to run the runners on the CPU";

/**
 * Throws a ConfigError naming the setting when a GPU of `gpus` is not on this machine. The GPUs are read from
 * `nvidia-smi -L` (indexes and GPU/MIG UUIDs, or a unique start of one, as CUDA takes them); without nvidia-smi
 * (a container given the driver's `compute` capability only) from the device nodes: `/dev/nvidiactl` and one
 * `/dev/nvidia<N>` per visible GPU, which checks indexes only (UUIDs are then accepted, with a log line).
 * CUDA's indexes may order the GPUs otherwise than nvidia-smi does, but both count 0 to N − 1. An index and a UUID
 * that nvidia-smi lists as one GPU are refused as that GPU twice.
 * @example await checkHostGpus(["0"], log) // on a host without an NVIDIA driver: ConfigError "gpus …: …"
 */
export async function checkHostGpus(gpus: string[], log?: Logger, probe: HostGpuProbe = {}): Promise<void> {
  if (gpus.length === 0) return;
  const command = probe.command ?? "nvidia-smi";
  const listed = await listGpus(command);
  if (listed.kind === "failed") {
    throw new ConfigError(
      `${SETTING} lists ${gpus.join(",")}, but ${command} -L failed on this machine (${listed.error}): the NVIDIA ` +
        `driver does not answer, and a runner could not use these GPUs; fix the driver, or ${CPU_HINT}`,
    );
  }
  if (listed.kind === "absent") {
    const dev = probe.devDir ?? "/dev";
    if (!existsSync(join(dev, "nvidiactl"))) {
      throw new ConfigError(
        `${SETTING} lists ${gpus.join(",")}, but this machine shows no NVIDIA GPU (no ${command} on PATH, no ` +
          `${join(dev, "nvidiactl")}); install the NVIDIA driver, or ${CPU_HINT}`,
      );
    }
    const count = readdirSync(dev).filter((n) => /^nvidia\d+$/.test(n)).length;
    const indexes = Array.from({ length: count }, (_, i) => String(i));
    const absent = gpus.filter((g) => /^\d+$/.test(g) && !indexes.includes(g));
    if (absent.length) throw notHere(absent, `${count} GPU device node(s) in ${dev}`, indexes);
    const uuids = gpus.filter((g) => !/^\d+$/.test(g));
    if (uuids.length) log?.info("gpus: UUIDs not checked", { gpus: uuids, reason: `no ${command} on PATH` });
    return;
  }
  const absent = gpus.filter((g) =>
    /^\d+$/.test(g) ? !listed.indexes.includes(g) : !listed.uuids.some((u) => u.startsWith(g)),
  );
  const all = [...listed.indexes, ...listed.uuids];
  if (absent.length) throw notHere(absent, `${command} -L lists ${listed.indexes.length} GPU(s)`, all);
  // One GPU by index and by UUID: two runners would share it, each counting on all of its memory.
  const seen = new Map<string, string>();
  for (const g of gpus) {
    const index = /^\d+$/.test(g) ? g : listed.byUuid.find(([, u]) => u.startsWith(g))?.[0];
    const uuid = listed.byUuid.find(([i]) => i === index)?.[1];
    if (index === undefined || uuid === undefined) continue;
    const first = seen.get(index);
    if (first !== undefined) throw sameGpu(first, g, `${command} -L lists GPU ${index} as ${uuid}`);
    seen.set(index, g);
  }
}

/**
 * The error of a `gpus` list that names one GPU twice (`a` and `b`), and `why` they are the same.
 * @example throw sameGpu("0", "GPU-8f…", "nvidia-smi -L lists GPU 0 as GPU-8f…")
 */
export function sameGpu(a: string, b: string, why: string): ConfigError {
  return new ConfigError(
    `gpus lists a GPU twice: ${a} and ${b} are the same GPU (${why}); list each GPU once, by its index or its UUID`,
  );
}

function notHere(absent: string[], seen: string, allowed: string[]): ConfigError {
  const which = allowed.length ? `: ${allowed.join(", ")}` : "";
  return new ConfigError(
    `${SETTING}: ${absent.join(",")} ${absent.length > 1 ? "are" : "is"} not a GPU of this machine (${seen}${which}); ` +
      `give the indexes or UUIDs it has, or ${CPU_HINT}`,
  );
}

type Listed =
  | { kind: "listed"; indexes: string[]; uuids: string[]; byUuid: Array<[index: string, uuid: string]> }
  | { kind: "absent" }
  | { kind: "failed"; error: string };

function listGpus(command: string): Promise<Listed> {
  return new Promise((resolve) => {
    execFile(command, ["-L"], { timeout: 15_000 }, (err, stdout, stderr) => {
      if ((err as NodeJS.ErrnoException | null)?.code === "ENOENT") return resolve({ kind: "absent" });
      if (err) {
        const said = `${stderr}\n${stdout}`.trim().split("\n")[0] || err.message;
        return resolve({ kind: "failed", error: said.slice(0, 300) });
      }
      const indexes = [...stdout.matchAll(/^GPU (\d+):/gm)].map((m) => m[1]!);
      const uuids = [...stdout.matchAll(/\(UUID: ((?:GPU|MIG)-[^)\s]+)\)/g)].map((m) => m[1]!);
      const byUuid = [...stdout.matchAll(/^GPU (\d+):.*\(UUID: (GPU-[^)\s]+)\)/gm)].map(
        (m) => [m[1]!, m[2]!] as [string, string],
      );
      resolve({ kind: "listed", indexes, uuids, byUuid });
    });
  });
}

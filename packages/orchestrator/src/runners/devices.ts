/**
 * @module Device slots: which runners occupy each GPU (or the CPU, as one device), at most `perDevice` each.
 * A runner without a device gets a free slot, or the slot of the least recently used idle cold runner, which the
 * caller then stops (eviction). Warm runners and runners with jobs are never evicted.
 */
import { ConfigError, entryName } from "../config/ai-models.js";
import type { ManagedRunner } from "./managed-runner.js";

/**
 * @example
 * const devices = new Devices(["0", "1"], 1);
 * const claim = devices.claim(runner); // { victim: undefined } (a free slot), { victim } (evict it) or null
 */
export class Devices {
  readonly #occupants: Map<string, Set<ManagedRunner>>;
  readonly #perDevice: number;

  constructor(ids: string[], perDevice: number) {
    this.#occupants = new Map(ids.map((d) => [d, new Set<ManagedRunner>()]));
    this.#perDevice = perDevice;
  }

  /** Device ids, in order. */
  get ids(): string[] {
    return [...this.#occupants.keys()];
  }

  /** Puts `runner` on `device` (warm runners at boot). */
  place(runner: ManagedRunner, device: string): void {
    this.#occupants.get(device)!.add(runner);
    runner.device = device;
  }

  /** True when a runner could get a device now (free, or by evicting an idle cold runner). */
  hasRoom(): boolean {
    for (const occupants of this.#occupants.values()) {
      if (occupants.size < this.#perDevice) return true;
      for (const r of occupants) if (evictable(r)) return true;
    }
    return false;
  }

  /**
   * Gives `runner` a device: a free slot (`victim` undefined), or the slot of the least recently used idle cold
   * runner (`victim`, already taken off its device; the caller stops it). Null when every device is busy.
   */
  claim(runner: ManagedRunner): { victim: ManagedRunner | undefined } | null {
    for (const [device, occupants] of this.#occupants) {
      if (occupants.size < this.#perDevice) {
        this.place(runner, device);
        return { victim: undefined };
      }
    }
    let victim: ManagedRunner | undefined;
    for (const occupants of this.#occupants.values()) {
      for (const r of occupants) if (evictable(r) && (!victim || r.lastUsed < victim.lastUsed)) victim = r;
    }
    if (!victim) return null;
    const device = victim.device!;
    this.free(victim);
    this.place(runner, device);
    return { victim };
  }

  /** Takes `runner` off its device. */
  free(runner: ManagedRunner): void {
    if (runner.device === undefined) return;
    this.#occupants.get(runner.device)?.delete(runner);
    runner.device = undefined;
  }
}

function evictable(r: ManagedRunner): boolean {
  return !r.entry.warm && r.slots.inUse === 0 && (r.state === "ready" || r.state === "stopped");
}

/**
 * The warm runners of `runners` (external ones aside), once checked against the slots of `devices` (`perDevice`
 * each): a ConfigError, naming the entry in `source`, when they do not fit, or when they fill every slot while a cold
 * entry needs one. Warm runners are never evicted, so that cold entry could never start and each of its jobs would
 * get 503 for good.
 * @example const warm = checkWarmFit(runners, ["cpu"], 1, "aiModels.json");
 */
export function checkWarmFit(
  runners: ManagedRunner[],
  devices: string[],
  perDevice: number,
  source: string,
): ManagedRunner[] {
  const warm = runners.filter((r) => r.entry.warm && !r.external);
  const slots = devices.length * perDevice;
  const where = devices.length === 1 && devices[0] === "cpu" ? "the CPU" : `${devices.length} GPU(s)`;
  if (warm.length > slots) {
    throw new ConfigError(
      `${entryName(source, warm[slots]!.entry)}: ${warm.length} warm runners do not fit on ${where} with ` +
        `runners-per-gpu ${perDevice} (${slots} runner(s) at once); raise runners-per-gpu, add GPUs or make entries cold`,
    );
  }
  const cold = runners.find((r) => !r.entry.warm && !r.external);
  if (cold && warm.length === slots) {
    throw new ConfigError(
      `${entryName(source, cold.entry)}: this cold entry could never start: the ${warm.length} warm runner(s) fill ` +
        `the ${slots} runner(s) ${where} holds at once with runners-per-gpu ${perDevice}, and warm runners are never ` +
        "evicted; raise runners-per-gpu, add GPUs, or make a warm entry cold",
    );
  }
  return warm;
}

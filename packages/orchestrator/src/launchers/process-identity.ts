/**
 * @module Which process started a container, in a form that tells a live orchestrator from a dead one whose pid was
 * reused: this machine's boot id, the pid, and the process's start time (Linux `/proc`). Elsewhere, or for a process
 * of another machine or boot, nothing can be told: such an owner counts as gone.
 */
import { readFileSync } from "node:fs";
import { processStartTicks } from "@ai-video-subnet/server-kit";

/** `<boot id>/<pid>/<start time in clock ticks since boot>`, or undefined where `/proc` cannot tell. */
export function processIdentity(pid: number): string | undefined {
  try {
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const start = processStartTicks(pid);
    return start ? `${boot}/${pid}/${start}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The pid of `identity` when that very process still runs on this machine (same boot, same pid, same start time);
 * undefined when it is gone, or the identity is of another machine or boot, or malformed.
 * @example liveProcess(processIdentity(process.pid)) // process.pid
 */
export function liveProcess(identity: string | undefined): number | undefined {
  const pid = Number(identity?.split("/")[1]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return processIdentity(pid) === identity ? pid : undefined;
}

/**
 * @module Temporary directories named after the process that owns them, and the start-up sweep that removes those a
 * killed process left behind (SIGKILL, the OOM killer, a watchdog: no `finally` runs) — a runner's job scratch, a
 * broadcaster's upload spool. Several processes may share one temporary directory, so a directory is removed only
 * when its owner is known to be gone: its pid is not a live process, or (Linux) that pid now belongs to a process
 * started at another time, or is a zombie. A name holds `<pid>-<start>-<pidns>`: the start time (`/proc/<pid>/stat`
 * field 22, clock ticks after boot) guards against pid reuse (a container restarted with the same pid), the pid
 * namespace against a pid that means nothing here (a process in another container sharing the folder); either is `0`
 * where the platform does not tell. A directory of another namespace, and one of the old unnamed form
 * (`avs-<name>-XXXXXX`), is removed only once it is older than {@link UNKNOWN_OWNER_AGE_MS}.
 */
import { readFileSync, readlinkSync } from "node:fs";
import { lstat, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Age after which a directory whose owner cannot be checked (old form, other pid namespace) is taken as left over. */
export const UNKNOWN_OWNER_AGE_MS = 24 * 60 * 60 * 1000;

/** `/proc/<pid>/stat`'s state (field 3) and start time (field 22); undefined without /proc or that process. */
function procStat(pid: number | "self"): { state: string; start: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "latin1");
    // The command name (field 2) is in parentheses and may hold anything, spaces and ")" included.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const start = fields[19];
    return start && /^\d+$/.test(start) ? { state: fields[0] ?? "", start } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The start time of process `pid` (`/proc/<pid>/stat` field 22, clock ticks after boot), which tells it from a later
 * process given the same pid; undefined without `/proc` or that process.
 * @example processStartTicks(process.pid) // "81731"
 */
export function processStartTicks(pid: number): string | undefined {
  return procStat(pid)?.start;
}

/** The inode of this process's pid namespace (`/proc/self/ns/pid` → `pid:[4026531836]`), "0" when unknown. */
function pidNamespace(): string {
  try {
    return /\[(\d+)\]/.exec(readlinkSync("/proc/self/ns/pid"))?.[1] ?? "0";
  } catch {
    return "0";
  }
}

/** Who owns a directory. */
export interface DirOwner {
  pid: number;
  /** Start time in clock ticks after boot, "0" when unknown. */
  start: string;
  /** Pid namespace inode, "0" when unknown. */
  ns: string;
}

let self: DirOwner | undefined;
/** This process as an owner. */
export function currentOwner(): DirOwner {
  self ??= { pid: process.pid, start: procStat("self")?.start ?? "0", ns: pidNamespace() };
  return self;
}

/**
 * The `mkdtemp` prefix of a new directory owned by this process: `<dir>/avs-<name>-<pid>-<start>-<ns>-` (`dir`: the
 * OS temporary directory). `mkdtemp` adds six letters and digits, the form {@link sweepOwnedDirs} looks for.
 * @example await mkdtemp(ownedDirPrefix("video-upscale")) // /tmp/avs-video-upscale-4242-81731-4026531836-Ab12Cd
 */
export function ownedDirPrefix(name: string, dir = tmpdir()): string {
  const { pid, start, ns } = currentOwner();
  return join(dir, `avs-${name}-${pid}-${start}-${ns}-`);
}

/** Whether an owner is alive ("live"), gone, or cannot be told from here ("unknown": another pid namespace). */
export function ownerState(owner: DirOwner, here: DirOwner = currentOwner()): "live" | "gone" | "unknown" {
  if (owner.ns !== "0" && here.ns !== "0" && owner.ns !== here.ns) return "unknown";
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return "gone";
    // EPERM: a process of another user holds the pid; it is checked below like any other.
  }
  const stat = owner.pid === here.pid ? { state: "R", start: here.start } : procStat(owner.pid);
  if (stat && (stat.state === "Z" || stat.state === "X")) return "gone";
  if (stat && owner.start !== "0" && stat.start !== "0" && stat.start !== owner.start) return "gone";
  return "live";
}

/** What a sweep removed. */
export interface SweepResult {
  /** Names of the removed directories. */
  removed: string[];
  /** Bytes of the regular files they held. */
  bytes: number;
}

/** Bytes of the regular files under `path`, symbolic links not followed. */
async function bytesUnder(path: string): Promise<number> {
  const st = await lstat(path);
  if (!st.isDirectory()) return st.isFile() ? st.size : 0;
  let total = 0;
  for (const name of await readdir(path)) total += await bytesUnder(join(path, name)).catch(() => 0);
  return total;
}

/**
 * Removes the directories `avs-<name>-…` (each name of `names`) directly under `dir` (the OS temporary directory)
 * whose owner is gone (see the module's doc). Only real directories (not symbolic links) owned by this user whose
 * names have the exact form are looked at; nothing is followed. Never throws: a directory that cannot be read or
 * removed is left.
 * @example const { removed, bytes } = await sweepOwnedDirs(["video-upscale"]); // at start-up
 */
export async function sweepOwnedDirs(
  names: readonly string[],
  options: { dir?: string; now?: number; here?: DirOwner } = {},
): Promise<SweepResult> {
  const dir = options.dir ?? tmpdir();
  const now = options.now ?? Date.now();
  const here = options.here ?? currentOwner();
  const alternatives = names.map((n) => n.replace(/[^A-Za-z0-9-]/g, "")).join("|");
  const named = new RegExp(`^avs-(?:${alternatives})-(\\d{1,10})-(\\d{1,20})-(\\d{1,20})-[A-Za-z0-9]{6}$`);
  const unnamed = new RegExp(`^avs-(?:${alternatives})-[A-Za-z0-9]{6}$`);
  const uid = process.getuid?.();
  const result: SweepResult = { removed: [], bytes: 0 };
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return result;
  }
  for (const name of entries) {
    const owned = named.exec(name);
    if (!owned && !unnamed.test(name)) continue;
    const path = join(dir, name);
    try {
      const st = await lstat(path);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      const old = now - st.mtimeMs > UNKNOWN_OWNER_AGE_MS;
      if (owned) {
        const pid = Number(owned[1]);
        if (pid < 1 || pid > 0x7fffffff) continue;
        const state = ownerState({ pid, start: owned[2]!, ns: owned[3]! }, here);
        if (state === "live" || (state === "unknown" && !old)) continue;
      } else if (!old) continue;
      const bytes = await bytesUnder(path);
      // rm does not follow symbolic links inside; retries cover an orphaned ffmpeg still closing its output.
      await rm(path, { recursive: true, force: true, maxRetries: 3 });
      result.removed.push(name);
      result.bytes += bytes;
    } catch {
      // Gone meanwhile (another process's sweep), or not ours to remove: left as it is.
    }
  }
  return result;
}

/**
 * @module What a benchmark leaves behind, cleaned however it ends: temporary directories (a model installed for one
 * run, generated clips) and runner processes it started. Finally blocks cover an error; a SIGINT or SIGTERM ends a
 * Node process without running them, which left `/tmp/avs-bench-*` (a whole model) and the runner child behind.
 * On either signal the registered cleanups run synchronously, then the signal is raised again so that the process
 * still ends the way it was told to (exit status 128 + signal); they also run at `exit`.
 */
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const cleanups = new Set<() => void>();
let watching = false;

/**
 * Runs `cleanup` if the process is stopped by SIGINT or SIGTERM or exits before `release()` is called.
 * @example const release = onStop(() => child.kill("SIGTERM")); … release();
 */
export function onStop(cleanup: () => void): () => void {
  watch();
  cleanups.add(cleanup);
  return () => void cleanups.delete(cleanup);
}

/**
 * A new directory under the system's temporary directory (`prefix` + random), removed on a stop signal or exit
 * unless {@link removeTempDir} removed it first.
 * @example const dir = await makeTempDir("avs-bench-"); try { … } finally { await removeTempDir(dir); }
 */
export async function makeTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  removers.set(
    dir,
    onStop(() => rmSync(dir, { recursive: true, force: true })),
  );
  return dir;
}

/** Removes a directory of {@link makeTempDir} now. */
export async function removeTempDir(dir: string): Promise<void> {
  removers.get(dir)?.();
  removers.delete(dir);
  await rm(dir, { recursive: true, force: true });
}

const removers = new Map<string, () => void>();

function runCleanups(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Best effort while the process ends: one failed cleanup must not keep the others from running.
    }
  }
}

function watch(): void {
  if (watching) return;
  watching = true;
  process.once("exit", runCleanups);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      runCleanups();
      process.kill(process.pid, signal);
    });
  }
}

/**
 * @module The reaper: a tiny child process that outlives a crashed orchestrator just long enough to kill its
 * runners. The orchestrator tells it each runner's process group over a pipe (`+pgid` / `-pgid`); when the pipe
 * closes — the orchestrator exited, even by `kill -9` — it kills every group it still knows and exits. It runs in
 * a session of its own, so a signal to the orchestrator's whole process group (a service manager stopping it,
 * `kill -9 -<pgid>`, Ctrl-C in a terminal) does not take the reaper down with it.
 */
import { type ChildProcess, spawn } from "node:child_process";

// Runs as `node -e`, so it needs no file of its own at run time (from source or from dist alike).
const REAPER_SOURCE = `
const groups = new Set();
let buf = "";
process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf("\\n")) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    const pgid = Number(line.slice(1));
    if (!Number.isInteger(pgid) || pgid <= 1) continue;
    if (line[0] === "+") groups.add(pgid); else groups.delete(pgid);
  }
});
const kill = (sig) => { for (const g of groups) { try { process.kill(-g, sig); } catch {} } };
process.stdin.on("close", () => {
  if (groups.size === 0) process.exit(0);
  kill("SIGTERM");
  setTimeout(() => { kill("SIGKILL"); process.exit(0); }, 3000);
});
`;

/**
 * Keeps the list of runner process groups the reaper must kill if this process dies.
 * @example
 * const reaper = new Reaper(); reaper.watch(child.pid); ... reaper.forget(child.pid); await reaper.close();
 */
export class Reaper {
  #child: ChildProcess | undefined;

  #ensure(): ChildProcess {
    if (!this.#child) {
      this.#child = spawn(process.execPath, ["-e", REAPER_SOURCE], {
        stdio: ["pipe", "ignore", "inherit"],
        detached: true,
      });
      // The reaper must not keep the orchestrator's event loop alive.
      this.#child.unref();
      (this.#child.stdin as unknown as { unref?: () => void }).unref?.();
    }
    return this.#child;
  }

  /** Kill this process group if the orchestrator dies. */
  watch(pgid: number): void {
    this.#ensure().stdin?.write(`+${pgid}\n`);
  }

  /** The group ended normally; stop watching it. */
  forget(pgid: number): void {
    this.#child?.stdin?.write(`-${pgid}\n`);
  }

  /** Ends the reaper (after every runner stopped). */
  async close(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const done = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.stdin?.end();
    await done;
  }
}

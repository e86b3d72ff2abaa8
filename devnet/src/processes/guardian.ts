/**
 * @module The guardian: a tiny detached process that outlives the devnet if it is killed outright (`kill -9`, a
 * crashed test worker) just long enough to stop what it started. The devnet tells it each process group over a
 * pipe (`+pgid` / `-pgid`); when the pipe closes it sends SIGTERM to every group it still knows (orchestrators
 * then stop their runners) and SIGKILL to whatever is left after 8 s. The orchestrator's own reaper does the
 * same for runners; this covers the broadcaster and the orchestrators themselves.
 */
import { type ChildProcess, spawn } from "node:child_process";

// Runs as `node -e`, so it needs no file of its own (works from src under vitest and from dist alike).
const SOURCE = `
const groups = new Set();
let buf = "";
process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});
process.on("SIGHUP", () => {});
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
const alive = () => [...groups].some((g) => { try { process.kill(-g, 0); return true; } catch { return false; } });
process.stdin.on("close", () => {
  if (groups.size === 0) process.exit(0);
  kill("SIGTERM");
  setInterval(() => { if (!alive()) process.exit(0); }, 200);
  setTimeout(() => { kill("SIGKILL"); process.exit(0); }, 8000);
});
`;

/**
 * Process groups to kill if this process dies without cleaning up.
 * @example const g = new Guardian(); g.watch(child.pid); ...; g.forget(child.pid); await g.close();
 */
export class Guardian {
  #child: ChildProcess | undefined;

  #ensure(): ChildProcess {
    if (!this.#child) {
      // Detached: a Ctrl-C in the terminal reaches the devnet, which stops things in order; not the guardian.
      this.#child = spawn(process.execPath, ["-e", SOURCE], { stdio: ["pipe", "ignore", "inherit"], detached: true });
      this.#child.unref();
      (this.#child.stdin as unknown as { unref?: () => void }).unref?.();
    }
    return this.#child;
  }

  /** Kill this process group if the devnet dies. */
  watch(pgid: number): void {
    this.#ensure().stdin?.write(`+${pgid}\n`);
  }

  /** The group was stopped normally. */
  forget(pgid: number): void {
    this.#child?.stdin?.write(`-${pgid}\n`);
  }

  /** Ends the guardian (after everything it watched stopped). */
  async close(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const done = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    // Keep this process alive until the guardian has gone (it was unref'd so it never held the process up).
    child.ref();
    child.stdin?.end();
    await done;
  }
}

/**
 * @module The reaper: a tiny child process that outlives a crashed parent just long enough to stop the process
 * groups the parent started. The parent tells it each group over a pipe (`+pgid` / `-pgid`); when the pipe closes
 * — the parent exited, even by `kill -9` — it sends SIGTERM to every group it still knows, exits as soon as they are
 * all gone, and sends SIGKILL to what is left after the grace period; then it removes the scratch directories the
 * parent asked it to (`r<json path>`), which would otherwise stay in the temp dir after every crash
 * (after the groups, so that nothing still running writes into a directory being removed). It also removes the
 * Docker containers the parent listed (`c<json [socket, id]>` / `C<json id>`), through the Engine API on the
 * daemon's socket (stop with the same grace, then a forced delete): a container is no child of the parent, so
 * nothing else stops one whose orchestrator died, and a runner container holds its GPU until it is removed. It runs
 * in a session of its own, so a signal to the parent's whole process group (a service manager stopping it,
 * `kill -9 -<pgid>`, Ctrl-C in a terminal) does not take the reaper down with it.
 *
 * The orchestrator's process launcher uses one for its runners; devnet uses one for the broadcaster and the
 * orchestrators it starts (whose own reapers then stop their runners).
 */
import { type ChildProcess, spawn } from "node:child_process";

// Runs as `node -e`, so it needs no file of its own at run time (from source or from dist alike).
const REAPER_SOURCE = `
const graceMs = Number(process.argv[1]);
const groups = new Set();
const dirs = new Set();
const containers = new Map();
let buf = "";
for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, () => {});
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf("\\n")) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    if (line[0] === "r") {
      let dir; try { dir = JSON.parse(line.slice(1)); } catch { continue; }
      if (typeof dir === "string" && dir !== "") dirs.add(dir);
      continue;
    }
    if (line[0] === "c" || line[0] === "C") {
      let v; try { v = JSON.parse(line.slice(1)); } catch { continue; }
      if (line[0] === "C") containers.delete(v);
      else if (Array.isArray(v) && typeof v[0] === "string" && typeof v[1] === "string") containers.set(v[1], v[0]);
      continue;
    }
    const pgid = Number(line.slice(1));
    if (!Number.isInteger(pgid) || pgid <= 1) continue;
    if (line[0] === "+") groups.add(pgid); else groups.delete(pgid);
  }
});
const kill = (sig) => { for (const g of groups) { try { process.kill(-g, sig); } catch {} } };
const alive = () => [...groups].some((g) => { try { process.kill(-g, 0); return true; } catch { return false; } });
const docker = (socketPath, method, path) => new Promise((resolve) => {
  const req = require("node:http").request({ socketPath, method, path, timeout: graceMs + 30000 }, (res) => {
    res.resume(); res.on("end", resolve); res.on("error", resolve);
  });
  req.on("timeout", () => req.destroy()); req.on("error", resolve); req.end();
});
const removeContainers = () => Promise.all([...containers].map(async ([id, socket]) => {
  const path = "/containers/" + encodeURIComponent(id);
  await docker(socket, "POST", path + "/stop?t=" + Math.ceil(graceMs / 1000));
  await docker(socket, "DELETE", path + "?force=1");
}));
let finishing;
let removing;
const done = () => finishing ??= removing.then(() => {
  for (const d of dirs) { try { require("node:fs").rmSync(d, { recursive: true, force: true }); } catch {} }
  process.exit(0);
});
process.stdin.on("close", () => {
  removing = removeContainers();
  if (groups.size === 0) return void done();
  kill("SIGTERM");
  setInterval(() => { if (!alive()) done(); }, 200);
  setTimeout(() => { kill("SIGKILL"); done(); }, graceMs);
});
`;

/** Options of a {@link Reaper}. */
export interface ReaperOptions {
  /** Time the groups get between SIGTERM and SIGKILL once the parent died (default 3000 ms). */
  graceMs?: number;
}

/**
 * Keeps the list of process groups and Docker containers the reaper must stop, and of directories it must remove, if
 * this process dies.
 * @example
 * const reaper = new Reaper(); reaper.watch(child.pid); ... reaper.forget(child.pid); await reaper.close();
 */
export class Reaper {
  #child: ChildProcess | undefined;
  readonly #graceMs: number;

  constructor(options: ReaperOptions = {}) {
    this.#graceMs = options.graceMs ?? 3000;
  }

  #ensure(): ChildProcess {
    if (!this.#child) {
      this.#child = spawn(process.execPath, ["-e", REAPER_SOURCE, String(this.#graceMs)], {
        stdio: ["pipe", "ignore", "inherit"],
        detached: true,
        // It needs nothing from the environment, which holds the parent's settings (its secrets among them).
        env: {},
      });
      // The reaper must not keep this process's event loop alive.
      this.#child.unref();
      (this.#child.stdin as unknown as { unref?: () => void }).unref?.();
    }
    return this.#child;
  }

  /** Stop this process group if this process dies. */
  watch(pgid: number): void {
    this.#ensure().stdin?.write(`+${pgid}\n`);
  }

  /** The group ended normally; stop watching it. */
  forget(pgid: number): void {
    this.#child?.stdin?.write(`-${pgid}\n`);
  }

  /**
   * Remove this Docker container (stop, then a forced delete, through the Engine API on `socketPath`) if this
   * process dies.
   * @example reaper.watchContainer("/var/run/docker.sock", id); …; reaper.forgetContainer(id);
   */
  watchContainer(socketPath: string, id: string): void {
    this.#ensure().stdin?.write(`c${JSON.stringify([socketPath, id])}\n`);
  }

  /** The container was removed normally; stop watching it. */
  forgetContainer(id: string): void {
    this.#child?.stdin?.write(`C${JSON.stringify(id)}\n`);
  }

  /**
   * Remove this directory (recursively) if this process dies, once the watched groups are gone: for scratch
   * directories this process made itself, never for one an operator gave it.
   * @example const dir = await mkdtemp(join(tmpdir(), "app-")); reaper.removeOnExit(dir);
   */
  removeOnExit(dir: string): void {
    this.#ensure().stdin?.write(`r${JSON.stringify(dir)}\n`);
  }

  /** Ends the reaper (after every group it watched stopped); directories still listed are removed then. */
  async close(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const done = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    // Keep this process alive until the reaper has gone (it was unref'd so it never held the process up).
    child.ref();
    child.stdin?.end();
    await done;
  }
}

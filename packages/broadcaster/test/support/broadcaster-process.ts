/**
 * @module `avs-broadcaster` as a real process (the built `bin/`, so run `pnpm turbo run build
 * --filter=@ai-video-subnet/broadcaster...` first), for tests that kill one with SIGKILL or restart it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { lifecycle } from "./network.js";

const PKG = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = join(PKG, "bin", "avs-broadcaster.mjs");

/** Throws when `dist/` is older than a source file: the processes would run yesterday's code. */
function checkBuild(): void {
  const built = statSync(join(PKG, "dist", "cli.js"), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  if (newest(join(PKG, "src")) > built) {
    throw new Error(
      "dist/ is older than src/: run pnpm turbo run build --filter=@ai-video-subnet/broadcaster... first",
    );
  }
}

/** A running broadcaster process. */
export interface BroadcasterProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Its JSON log lines, parsed. */
  logs: Array<Record<string, unknown>>;
  /** SIGKILL: no cleanup, no hand-back, as a crash. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `avs-broadcaster --port 0 …args` and resolves once it listens.
 * @example const a = await startBroadcasterProcess(["--orchestrator", fake.url, "--jobs-db", url]);
 */
export async function startBroadcasterProcess(args: string[]): Promise<BroadcasterProcess> {
  checkBuild();
  const child = spawn(process.execPath, [BIN, "--port", "0", "--log-level", "debug", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broadcaster did not listen:\n${stderr.join("")}`)), 60_000);
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d;
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const line of lines) {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === "listening") {
            clearTimeout(timer);
            resolve(entry.port as number);
          }
        } catch {}
      }
    });
    child.stderr!.on("data", (d) => stderr.push(String(d)));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`broadcaster exited ${code}:\n${stderr.join("")}${JSON.stringify(logs.slice(-5))}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, child, logs, ...lifecycle(child, exited) };
}

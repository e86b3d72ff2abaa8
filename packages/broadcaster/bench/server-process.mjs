/**
 * @module Server processes for the benchmark scripts: spawn one, resolve once its JSON log says `listening`, and
 * keep its last output for the error when it does not start.
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Spawns `node …args` and resolves with the child, its port and URL from its `"msg":"listening"` line; the child
 * is pushed to `children` (for the caller to stop). `BENCH_NODE_OPTIONS_<NAME>` (e.g. `--cpu-prof` for
 * BROADCASTER) adds Node options to the process of that name; with `BENCH_LOG_DIR` set, its stdout (its JSON log, and
 * what flags such as `--trace-opt` or `--trace-gc` print) is also kept as `<dir>/<name>.log`.
 * @example const b = await startServer("broadcaster", [BIN, "--port", "0"], children);
 */
export function startServer(name, args, children, env = {}) {
  const extra = process.env[`BENCH_NODE_OPTIONS_${name.toUpperCase()}`]?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const logDir = process.env.BENCH_LOG_DIR;
  if (logDir) {
    mkdirSync(logDir, { recursive: true });
    child.stdout.pipe(createWriteStream(join(logDir, `${name}.log`)));
  }
  let tail = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${tail}`)), 60_000);
    let buf = "";
    let found = false;
    child.stdout.on("data", (d) => {
      buf += d;
      const lines = buf.split("\n");
      buf = lines.pop();
      for (const line of lines) {
        tail = `${tail}${line}\n`.slice(-4000);
        if (!found && line.includes('"msg":"listening"') && !line.includes('"runner"')) {
          found = true;
          clearTimeout(timer);
          const { port } = JSON.parse(line);
          resolve({ child, port, url: `http://127.0.0.1:${port}` });
        }
      }
    });
    child.stderr.on("data", (d) => {
      tail = `${tail}${d}`.slice(-4000);
    });
    child.once("exit", (code) => reject(new Error(`${name} exited ${code}:\n${tail}`)));
  });
}

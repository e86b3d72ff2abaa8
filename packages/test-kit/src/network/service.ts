/**
 * @module A service of the devnet: one real process (broadcaster, orchestrator) started in its own process group,
 * its JSON log lines parsed and kept, stopped with SIGTERM then SIGKILL — together with every process it started,
 * found in /proc before it was told to stop, so no runner outlives it even if it dies badly.
 */
import { spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { descendants, isAlive, startTime } from "./process-tree.js";

/** One line a service printed; `json` is set when it was a JSON log line. */
export interface LogLine {
  stream: "stdout" | "stderr";
  raw: string;
  json?: Record<string, unknown>;
}

/** How a service exited. */
export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of {@link Service.start}. */
export interface ServiceOptions {
  /** Short name for messages (`orchestrator-1`). */
  name: string;
  /** Command and arguments, e.g. `[process.execPath, ".../avs-orchestrator.mjs", "--port", "0"]`. */
  command: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Every line is appended to this file too. */
  logFile?: string;
  /** Called for each line (progress display, bookkeeping). */
  onLine?: (line: LogLine) => void;
}

const KEEP_LINES = 5000;

/**
 * A running service.
 * @example
 * const s = Service.start({ name: "broadcaster", command: [process.execPath, bin, "--port", "0"] });
 * const { url } = await s.listening(30_000);
 * await s.stop();
 */
export class Service {
  readonly name: string;
  readonly pid: number;
  /** Recent lines (the last 5000). */
  readonly lines: LogLine[] = [];
  /** Resolves when the process exited. */
  readonly exited: Promise<ServiceExit>;
  #exit: ServiceExit | undefined;
  readonly #waiters = new Set<(line: LogLine) => void>();
  readonly #extra = new Map<number, number | undefined>();
  #log: WriteStream | undefined;

  private constructor(options: ServiceOptions) {
    this.name = options.name;
    const [cmd, ...args] = options.command as [string, ...string[]];
    // Its own process group: a Ctrl-C in the terminal reaches only the devnet, which then stops services in order.
    const child = spawn(cmd, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (!child.pid) throw new Error(`${options.name}: could not start ${cmd}`);
    this.pid = child.pid;
    if (options.logFile) this.#log = createWriteStream(options.logFile, { flags: "a" });
    const onLine = (stream: LogLine["stream"], raw: string) => {
      const line: LogLine = { stream, raw };
      if (raw.startsWith("{")) {
        try {
          line.json = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          // a line that only looks like JSON
        }
      }
      this.lines.push(line);
      if (this.lines.length > KEEP_LINES) this.lines.shift();
      this.#log?.write(`${raw}\n`);
      options.onLine?.(line);
      for (const w of this.#waiters) w(line);
    };
    splitLines(child.stdout, (l) => onLine("stdout", l));
    splitLines(child.stderr, (l) => onLine("stderr", l));
    this.exited = new Promise((resolve) => {
      child.once("error", (err) => {
        onLine("stderr", err.message);
        this.#exit = { code: null, signal: null };
        resolve(this.#exit);
      });
      // "exit", not "close": a grandchild that inherited stderr (the orchestrator's reaper) may hold the pipe open.
      child.once("exit", (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
      child.once("close", () => this.#log?.end());
    });
  }

  /** Starts a service. */
  static start(options: ServiceOptions): Service {
    return new Service(options);
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.#exit === undefined;
  }

  /**
   * Waits for a line for which `match` is true (lines already printed count), or fails when the service exits
   * or `timeoutMs` passes, quoting its last lines.
   */
  waitForLine(match: (line: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = (err: Error | undefined, line?: LogLine) => {
        clearTimeout(timer);
        this.#waiters.delete(onLine);
        if (err) reject(err);
        else resolve(line!);
      };
      const onLine = (line: LogLine) => {
        if (match(line)) done(undefined, line);
      };
      const timer = setTimeout(
        () => done(new Error(`${this.name}: no ${what} within ${timeoutMs} ms${this.#tail()}`)),
        timeoutMs,
      );
      this.#waiters.add(onLine);
      void this.exited.then((exit) => {
        if (this.#waiters.has(onLine)) {
          const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
          done(new Error(`${this.name}: exited (${how}) before ${what}${this.#tail()}`));
        }
      });
    });
  }

  /** Waits for the `{"msg":"listening","port":N}` line every server of the project prints. */
  async listening(timeoutMs: number): Promise<{ port: number; url: string }> {
    const line = await this.waitForLine(
      (l) => l.json?.msg === "listening" && typeof l.json.port === "number" && l.json.runner === undefined,
      timeoutMs,
      "listening line",
    );
    const port = line.json!.port as number;
    return { port, url: `http://127.0.0.1:${port}` };
  }

  /** Also kill this process group when the service stops (a runner the service started in a group of its own). */
  adopt(pgid: number): void {
    this.#extra.set(pgid, startTime(pgid));
  }

  /** Sends a signal to the service's process only (not its group): `kill -9` of one process, as a crash would. */
  signal(sig: NodeJS.Signals): void {
    try {
      process.kill(this.pid, sig);
    } catch {
      // already gone
    }
  }

  /**
   * Stops the service: SIGTERM to its group, SIGKILL after `graceMs`, and SIGKILL to anything it had started
   * (found in /proc beforehand, and adopted groups) that is still there afterwards.
   */
  async stop(graceMs = 10_000): Promise<ServiceExit> {
    const leftovers = new Map<number, number | undefined>(this.#extra);
    for (const pid of this.alive ? descendants(this.pid) : []) leftovers.set(pid, startTime(pid));
    if (this.alive) {
      killGroup(this.pid, "SIGTERM");
      const timer = setTimeout(() => killGroup(this.pid, "SIGKILL"), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    for (const [pid, started] of leftovers) {
      if (isAlive(pid) && startTime(pid) === started) {
        killGroup(pid, "SIGKILL");
        try {
          process.kill(pid, "SIGKILL");
        } catch {}
      }
    }
    return this.#exit!;
  }

  /** Synchronous last resort (process `exit` handler): SIGKILL the group and everything below it now. */
  killNow(): void {
    for (const pid of [...descendants(this.pid), ...this.#extra.keys()]) {
      killGroup(pid, "SIGKILL");
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
    killGroup(this.pid, "SIGKILL");
  }

  #tail(): string {
    const last = this.lines.slice(-15).map((l) => `  ${l.raw.slice(0, 400)}`);
    return last.length ? `; last output:\n${last.join("\n")}` : "";
  }
}

function killGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // no such group (already gone)
  }
}

function splitLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let partial = "";
  stream?.setEncoding("utf8");
  stream?.on("data", (chunk: string) => {
    partial += chunk;
    let i = partial.indexOf("\n");
    while (i >= 0) {
      const line = partial.slice(0, i).replace(/\r$/, "");
      partial = partial.slice(i + 1);
      if (line) onLine(line);
      i = partial.indexOf("\n");
    }
  });
  stream?.on("end", () => {
    if (partial) onLine(partial);
    partial = "";
  });
}

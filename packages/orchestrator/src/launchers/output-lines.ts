/**
 * @module Splits a child's output into lines (terminal colour codes removed), forwards them to the orchestrator's
 * log, and keeps the last few.
 */
import type { Logger } from "@ai-video-subnet/server-kit";

/** Terminal control sequences: CSI (colours, cursor) and the two-byte escapes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escapes are what it removes
const ANSI = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])/g;

/**
 * Calls `onLine` for each complete line of `chunk`s and remembers the last `keep` lines.
 * @example const lines = new OutputLines((l) => console.log(l)); child.stdout.on("data", (d) => lines.push(d));
 */
export class OutputLines {
  readonly last: string[] = [];
  #partial = "";
  readonly #onLine: (line: string) => void;
  readonly #keep: number;

  constructor(onLine: (line: string) => void, keep = 20) {
    this.#onLine = onLine;
    this.#keep = keep;
  }

  push(chunk: Buffer | string): void {
    this.#partial += chunk.toString();
    let i = this.#partial.indexOf("\n");
    while (i >= 0) {
      const line = this.#partial.slice(0, i).replace(/\r$/, "");
      this.#partial = this.#partial.slice(i + 1);
      if (line) this.#line(line);
      i = this.#partial.indexOf("\n");
    }
  }

  flush(): void {
    if (this.#partial) this.#line(this.#partial);
    this.#partial = "";
  }

  #line(raw: string) {
    // ONNX Runtime colours its native warnings for a terminal; in a JSON log the escapes are noise.
    const line = raw.replace(ANSI, "");
    if (!line) return;
    this.last.push(line);
    if (this.last.length > this.#keep) this.last.shift();
    this.#onLine(line);
  }
}

/**
 * Logs one line of a runner's output under the runner's name: a JSON log line keeps its fields (its own
 * `level` and `msg`), anything else becomes `{"msg": line}`.
 * @example logRunnerLine(log, "upscale.tiny.0", '{"level":"info","msg":"model loaded"}')
 */
export function logRunnerLine(log: Logger, runner: string, line: string, stream: "stdout" | "stderr"): void {
  if (line.startsWith("{")) {
    try {
      const { level, msg, time: _time, ...rest } = JSON.parse(line) as Record<string, unknown>;
      const lvl = level === "error" || level === "warn" || level === "debug" ? level : "info";
      log[lvl]?.(typeof msg === "string" ? msg : "runner output", { runner, ...rest });
      return;
    } catch {
      // not JSON after all: log the text as is
    }
  }
  log[stream === "stderr" ? "warn" : "info"](line, { runner, stream });
}

/** The port of a runner's `{"msg":"listening","port":N}` line, if `line` is one. */
export function listeningPort(line: string): number | undefined {
  if (!line.includes('"listening"')) return undefined;
  try {
    const v = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return v.msg === "listening" && typeof v.port === "number" ? v.port : undefined;
  } catch {
    return undefined;
  }
}

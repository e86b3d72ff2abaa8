/** @module Structured JSON logs: one line per event on stdout, `{"level","time","msg",...fields}`. */

/** Log levels, least to most severe. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Writes one structured event. */
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * A logger that writes JSON lines at `level` and above to `write` (stdout by default).
 * @example const log = jsonLogger("info"); log("info", "listening", { port: 8935 })
 */
export function jsonLogger(level: LogLevel = "info", write: (line: string) => void = (l) => process.stdout.write(l)) {
  const min = ORDER[level];
  const logger: Logger = (lvl, msg, fields) => {
    // The `listening` line is a contract (supervisors and tests wait for it), so no level hides it.
    if (ORDER[lvl] < min && msg !== "listening") return;
    write(`${JSON.stringify({ level: lvl, time: new Date().toISOString(), msg, ...fields })}\n`);
  };
  return logger;
}

/** A logger that drops everything (tests, embedding). */
export const silentLogger: Logger = () => {};

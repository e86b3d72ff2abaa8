/** @module Structured JSON log lines, one object per line, with the request id when there is one. */

/** Log levels in increasing severity. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Writes JSON log lines. */
export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
}

/**
 * A logger that writes `{"time","level","msg",...fields}` lines at or above `level` to `sink`.
 * @example createLogger("info", console.log).log("info", "listening", { port: 8937 })
 */
export function createLogger(level: LogLevel | "silent", sink: (line: string) => void): Logger {
  const min = RANK[level];
  return {
    log(l, msg, fields) {
      if (RANK[l] < min) return;
      sink(JSON.stringify({ time: new Date().toISOString(), level: l, msg, ...fields }));
    },
  };
}

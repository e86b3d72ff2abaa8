/** @module Structured logs: one JSON object per line on stdout (errors on stderr). */

/** Fields of a log line besides `msg`. */
export type LogFields = Record<string, unknown>;

/** A logger; tests pass their own to capture lines. */
export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

function line(level: string, msg: string, fields: LogFields = {}) {
  return JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
}

/**
 * The JSON-lines logger of the runner.
 * @example jsonLogger.info("listening", { port: 8000 }) // {"time":"…","level":"info","msg":"listening","port":8000}
 */
export const jsonLogger: Logger = {
  info: (msg, fields) => process.stdout.write(`${line("info", msg, fields)}\n`),
  warn: (msg, fields) => process.stdout.write(`${line("warn", msg, fields)}\n`),
  error: (msg, fields) => process.stderr.write(`${line("error", msg, fields)}\n`),
};

/** A logger that drops everything (library use, tests that do not look at logs). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

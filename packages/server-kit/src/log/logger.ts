/**
 * @module The one logger interface of every layer: JSON lines `{"time","level","msg",...fields}`, one object per
 * line. A job's lines carry its request id under one field name, `request_id`, in the runner, the orchestrator and
 * the broadcaster alike, so one id finds the job's whole path (see {@link withFields}).
 */

/** Log levels, least to most severe. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Fields of a log line besides `msg`. */
export type LogFields = Record<string, unknown>;

/**
 * Writes structured log lines. `debug` is optional so that a hand-made logger (tests capture lines with one)
 * needs only the three levels a server always writes; call it as `log.debug?.(...)`.
 */
export interface Logger {
  debug?(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** The field that carries a job's request id in every layer's log lines. */
export const REQUEST_ID_FIELD = "request_id";

const RANK: Record<LogLevel | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Options of {@link jsonLogger}. */
export interface JsonLoggerOptions {
  /** The least severe level written (default `info`); `silent` writes nothing. */
  level?: LogLevel | "silent";
  /** Where each line goes, without its newline (default: stdout). */
  write?: (line: string) => void;
}

/**
 * A logger that writes JSON lines at `level` and above. The `listening` line (with the port) is written at any
 * level but `silent`: supervisors and tests wait for it.
 * @example jsonLogger({ level: "warn" }).info("listening", { port: 8000 }) // {"time":"…","level":"info","msg":"listening","port":8000}
 */
export function jsonLogger(options: JsonLoggerOptions = {}): Required<Logger> {
  const min = RANK[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const at = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (RANK[level] < min && !(msg === "listening" && min < RANK.silent)) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** A logger that drops everything (library use, tests that do not look at logs). */
export const silentLogger: Required<Logger> = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * A logger that adds `fields` to every line of `log` (a line's own fields win).
 * @example const jobLog = withFields(log, { request_id: getRequestId(c) }); jobLog.info("job done", { status: 200 })
 */
export function withFields(log: Logger, fields: LogFields): Required<Logger> {
  const at = (level: LogLevel) => (msg: string, own?: LogFields) => log[level]?.(msg, { ...fields, ...own });
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

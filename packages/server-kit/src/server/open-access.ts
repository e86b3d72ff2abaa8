/**
 * @module The start-up warning of a server that answers anyone: one listening on an address other than loopback
 * while its job routes take no token. A runner in its Docker image (`HOST=0.0.0.0`) or an orchestrator given
 * `--host 0.0.0.0` without a token runs whatever jobs anyone who can reach it sends; the `listening` line alone
 * does not say so.
 */
import { isLoopback } from "../http/client-address.js";
import type { Logger } from "../log/logger.js";

/** What {@link warnIfOpen} names in its line. */
export interface OpenAccessOptions {
  /** The listen address, as configured (`0.0.0.0`, `::`, `127.0.0.1`, `localhost`, a host name). */
  host: string;
  /** The token the routes require; empty or undefined = none. */
  token: string | undefined;
  /** The routes that answer without it, e.g. `generate routes`. */
  routes: string;
  /** The setting that sets a token, as an operator writes it, e.g. `AUTH_TOKEN` or `--secret / AVS_ORCHESTRATOR_SECRET`. */
  setting: string;
}

/**
 * True for an address only this machine reaches: `localhost`, 127.0.0.0/8 and ::1 (bracketed or not).
 * @example isLoopbackHost("localhost") // true
 * @example isLoopbackHost("0.0.0.0") // false
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  return h === "localhost" || isLoopback(h);
}

/**
 * Logs a `warn` line when the server listens beyond loopback and its routes need no token; says whether it did.
 * @example warnIfOpen(log, { host: "0.0.0.0", token: "", routes: "generate routes", setting: "AUTH_TOKEN" })
 * // {"level":"warn","msg":"generate routes need no token and 0.0.0.0 is not a loopback address: anyone who can reach this server can run jobs; set AUTH_TOKEN to require one", ...}
 */
export function warnIfOpen(log: Logger, options: OpenAccessOptions): boolean {
  if (options.token || isLoopbackHost(options.host)) return false;
  log.warn(
    `${options.routes} need no token and ${options.host} is not a loopback address: anyone who can reach this ` +
      `server can run jobs; set ${options.setting} to require one`,
    { host: options.host, auth: "none", setting: options.setting },
  );
  return true;
}

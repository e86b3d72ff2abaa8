/**
 * @module Limits that keep a server answering when one client opens thousands of idle or slow sockets: a cap on
 * connections in total and per client address, header / receive / body-idle / keep-alive timeouts (slowloris), and file
 * descriptors kept in reserve under the process's open-files limit, so that output writes, upload spooling and
 * upstream calls still get descriptors when the connection cap is reached.
 */
import { readFileSync } from "node:fs";
import type http from "node:http";
import type { Socket } from "node:net";

/** The limits of one listening server; every field has a default (see {@link CONNECTION_DEFAULTS}). */
export interface ConnectionLimits {
  /** Open connections at most, over all clients. */
  maxConnections?: number;
  /** Open connections at most from one client address. */
  maxConnectionsPerClient?: number;
  /** Time a client has to send a request's headers, in ms (slowloris). */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request, body included, in ms. */
  receiveTimeoutMs?: number;
  /**
   * Time a request's body may go without a byte once it has started, in ms (0 = off, as is any value not under
   * `receiveTimeoutMs`): a stalled upload gets 408 then, not when the whole request's time is out.
   */
  bodyIdleTimeoutMs?: number;
  /** Time an idle keep-alive connection stays open, in ms. */
  keepAliveTimeoutMs?: number;
  /** File descriptors never used for connections (outputs, uploads, upstream calls, logs). */
  reservedDescriptors?: number;
}

/** The defaults, also shown by each binary's `--help`. */
export const CONNECTION_DEFAULTS: Required<ConnectionLimits> = {
  maxConnections: 4096,
  maxConnectionsPerClient: 256,
  headersTimeoutMs: 10_000,
  receiveTimeoutMs: 120_000,
  bodyIdleTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  reservedDescriptors: 512,
};

/**
 * The limits with defaults for every field left out or undefined. The headers' time is at most the whole request's
 * (Node refuses to start otherwise): `{ receiveTimeoutMs: 2000 }` alone also gives the headers 2 s, not 10. A body's
 * idle time not under the whole request's is 0 (off): the receive timeout would cut such a body first or at the
 * same time, and its 408 says more.
 * @example resolvedLimits({ receiveTimeoutMs: 2000 }).headersTimeoutMs // 2000
 * @example resolvedLimits({ receiveTimeoutMs: 20_000 }).bodyIdleTimeoutMs // 0
 */
export function resolvedLimits(limits: ConnectionLimits): Required<ConnectionLimits> {
  const given = Object.entries(limits).filter(([, v]) => v !== undefined);
  const l: Required<ConnectionLimits> = { ...CONNECTION_DEFAULTS, ...Object.fromEntries(given) };
  return {
    ...l,
    headersTimeoutMs: Math.min(l.headersTimeoutMs, l.receiveTimeoutMs),
    bodyIdleTimeoutMs: l.bodyIdleTimeoutMs < l.receiveTimeoutMs ? l.bodyIdleTimeoutMs : 0,
  };
}

/**
 * The soft limit on open files of this process (`ulimit -n`), read from `/proc/self/limits`; undefined where that
 * cannot be read (then the connection cap alone applies).
 * @example openFilesLimit() // 1024
 */
export function openFilesLimit(): number | undefined {
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    const soft = line?.slice("Max open files".length).trim().split(/\s+/)[0];
    const n = Number(soft);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The connection cap in effect: the configured one, lowered so that at least `reservedDescriptors` (and never less
 * than a quarter of the open-files limit) stay free for everything else.
 * @example effectiveMaxConnections({ maxConnections: 4096, reservedDescriptors: 512 }, 1024) // 512
 */
export function effectiveMaxConnections(limits: ConnectionLimits, fileLimit = openFilesLimit()): number {
  const l = resolvedLimits(limits);
  if (fileLimit === undefined) return l.maxConnections;
  const reserve = Math.max(l.reservedDescriptors, Math.ceil(fileLimit / 4));
  return Math.max(16, Math.min(l.maxConnections, fileLimit - reserve));
}

/** The `http.createServer` options of these limits (timeouts are checked every second, not Node's 30 s). */
export function serverOptions(limits: ConnectionLimits): http.ServerOptions {
  const l = resolvedLimits(limits);
  return {
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.receiveTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, l.headersTimeoutMs),
  };
}

/**
 * Applies the caps to a listening server: over the total Node refuses the socket itself (`maxConnections`); over the
 * per-client cap the new socket is closed at once, before it is read. Returns the number of open connections per
 * client address (for tests and metrics).
 * @example limitConnections(server, { maxConnectionsPerClient: 64 })
 */
export function limitConnections(server: http.Server, limits: ConnectionLimits): Map<string, number> {
  const l = resolvedLimits(limits);
  server.maxConnections = effectiveMaxConnections(limits);
  const perClient = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "";
    const open = (perClient.get(address) ?? 0) + 1;
    if (open > l.maxConnectionsPerClient) {
      socket.destroy();
      return;
    }
    perClient.set(address, open);
    socket.once("close", () => {
      const left = (perClient.get(address) ?? 1) - 1;
      if (left <= 0) perClient.delete(address);
      else perClient.set(address, left);
    });
  });
  return perClient;
}

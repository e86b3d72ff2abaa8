/**
 * @module Listening on a port and stopping gracefully, the same in every server: stop accepting, close each
 * keep-alive connection as soon as it is idle, let the server drain its in-flight work, then cut whatever is still
 * open once the grace period (the `shutdown-grace` setting of every binary, in seconds) is over.
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { getRequestListener, type ServerType } from "@hono/node-server";
import { shownHostOf } from "../http/shown-host.js";
import { cutIdleBodies } from "./body-idle.js";
import { answerClientErrors, continueOnRead, refuseExpectations } from "./client-errors.js";
import { type ConnectionLimits, limitConnections, resolvedLimits, serverOptions } from "./connection-limits.js";
import { canonicalIpv6Hosts, refusedRequest } from "./host-header.js";
import { lingerOnEarlyAnswers } from "./linger.js";

/** The `fetch` of a Hono app (or anything shaped like it). */
export type FetchHandler = (request: Request, env?: unknown) => Response | Promise<Response>;

/** A listening server. */
export interface HttpServer {
  server: ServerType;
  /** The port it listens on (the real one when 0 was asked for). */
  port: number;
  /** A URL a client on this machine reaches it at (`0.0.0.0` and `::` shown as `127.0.0.1`). */
  url: string;
  /**
   * Stops gracefully; resolves once every connection is closed. Calling it again returns the same promise.
   * @param graceMs time connections get after `drain` before they are cut
   * @param drain the server's own wind-down (finish the running job, stop a worker), awaited before the grace starts
   */
  stop(graceMs: number, drain?: () => Promise<void>): Promise<void>;
  /** Connections open now, as the graceful stop tracks them (a closed one is never counted, nor kept). */
  openConnections(): number;
}

/**
 * Listens with `@hono/node-server` under the connection limits (defaults in `CONNECTION_DEFAULTS`); rejects when
 * the port cannot be bound.
 * @example
 * const http = await listen(app.fetch, { host: "127.0.0.1", port: 0, limits: { maxConnectionsPerClient: 64 } });
 * await http.stop(10_000);
 */
export async function listen(
  fetch: FetchHandler,
  options: { host: string; port: number; limits?: ConnectionLimits },
): Promise<HttpServer> {
  const limits = options.limits ?? {};
  // `serve` without its wrapper, for the adapter's error handler: a request it cannot build (an invalid Host) gets a
  // 400 that says why instead of an empty one. A valid IPv6 literal Host its URL check would refuse reaches it in
  // canonical form.
  const listener = getRequestListener(fetch as never, { hostname: options.host, errorHandler: refusedRequest });
  const server: ServerType = http.createServer(serverOptions(limits), canonicalIpv6Hosts(listener));
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) => reject(listenError(err, options.host, options.port)));
    server.listen(options.port, options.host, () => resolve());
  });
  limitConnections(server as unknown as http.Server, limits);
  answerClientErrors(server as unknown as http.Server, limits);
  continueOnRead(server as unknown as http.Server);
  refuseExpectations(server as unknown as http.Server);
  lingerOnEarlyAnswers(server as unknown as http.Server);
  const port = (server.address() as AddressInfo).port;
  const connections = trackConnections(server as unknown as http.Server);
  cutIdleBodies(server as unknown as http.Server, resolvedLimits(limits).bodyIdleTimeoutMs, connections.sockets);
  let stopping: Promise<void> | undefined;
  return {
    server,
    port,
    url: `http://${shownHost(options.host)}:${port}`,
    stop(graceMs, drain) {
      stopping ??= closeGracefully(server, connections, graceMs, drain);
      return stopping;
    },
    openConnections: connections.size,
  };
}

/** What a failed bind means, and what to do, by the system's code. */
const LISTEN_FAILURES: Record<string, [said: string, hint: string]> = {
  EADDRINUSE: ["the address is in use", "another process listens there; stop it, or choose another port"],
  EADDRNOTAVAIL: [
    "the address is not available",
    "this machine has no such address; give one of its addresses, or 0.0.0.0 for all of them",
  ],
  EACCES: [
    "permission denied",
    "a port below 1024 needs privileges; choose a port from 1024, or give the process that right",
  ],
  ENOTFOUND: [
    "the host cannot be resolved",
    "the host name does not resolve; give an address, or a name this machine resolves",
  ],
  EAI_AGAIN: ["the host cannot be resolved", "the host name could not be resolved now; give an address"],
};

/**
 * The error of a failed `listen`, naming `host:port`, the system's code and a hint; the system's error is its cause.
 * @example listenError(err, "127.0.0.1", 8935).message
 * // "cannot listen on 127.0.0.1:8935: the address is in use (EADDRINUSE); another process listens there; …"
 */
export function listenError(err: Error, host: string, port: number): Error {
  const code = (err as NodeJS.ErrnoException).code ?? "";
  const failure = LISTEN_FAILURES[code];
  if (!failure) return err;
  const [said, hint] = failure;
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  return Object.assign(new Error(`cannot listen on ${where}: ${said} (${code}); ${hint}`, { cause: err }), { code });
}

/**
 * The host part of a URL that reaches a server listening on `host` from this machine.
 * @example shownHost("0.0.0.0") // "127.0.0.1"
 * @example shownHost("::1") // "[::1]"
 */
export function shownHost(host: string): string {
  return shownHostOf(host);
}

interface Connections {
  /** Sockets tracked now. */
  size(): number;
  /** The sockets tracked now. */
  sockets(): Iterable<Socket>;
  /** From now on answers say `Connection: close`, and each socket closes once its answers are out. */
  drainAll(): void;
  /** Cuts every connection. */
  cutAll(): void;
}

/**
 * Counts the answers in flight on each socket. Node's own `closeIdleConnections` (which `server.close()` calls)
 * counts an answer as done once it is ended, before its bytes are flushed, and so cuts a large answer short; a
 * socket here is idle only when its answers have finished (handed to the kernel) and its write buffer is empty.
 */
function trackConnections(server: http.Server): Connections {
  const inFlight = new Map<Socket, number>();
  let draining = false;
  const idle = (socket: Socket) => (inFlight.get(socket) ?? 0) === 0 && socket.writableLength === 0;
  const closeIdle = () => {
    for (const socket of inFlight.keys()) if (idle(socket)) socket.destroy();
  };
  server.on("connection", (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once("close", () => inFlight.delete(socket));
  });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    const count = inFlight.get(socket);
    // Counted only while the socket is: an answer that closes after its socket did (the client hung up during a
    // streamed answer or an upload) must not put the dead socket back, with its request and body, for good.
    if (count !== undefined) inFlight.set(socket, count + 1);
    if (draining) res.shouldKeepAlive = false;
    res.once("close", () => {
      const left = inFlight.get(socket);
      if (left !== undefined) inFlight.set(socket, Math.max(0, left - 1));
      if (!draining) return;
      // Let the last bytes leave the socket's own buffer before it is closed.
      if (socket.writableLength === 0) closeIdle();
      else socket.once("drain", closeIdle);
    });
  });
  // http.Server#close calls this; Node's own version would cut a large answer that is still flushing.
  server.closeIdleConnections = closeIdle;
  return {
    size: () => inFlight.size,
    sockets: () => inFlight.keys(),
    drainAll() {
      draining = true;
      closeIdle();
    },
    cutAll() {
      for (const socket of inFlight.keys()) socket.destroy();
    },
  };
}

async function closeGracefully(
  server: ServerType,
  connections: Connections,
  graceMs: number,
  drain?: () => Promise<void>,
): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Idle keep-alive sockets close now, busy ones as soon as their answers are out: no new work reaches the server
  // and `close` resolves with the last answer.
  connections.drainAll();
  let force: NodeJS.Timeout | undefined;
  try {
    await drain?.();
    force = setTimeout(() => connections.cutAll(), graceMs);
    await closed;
  } finally {
    clearTimeout(force);
  }
}

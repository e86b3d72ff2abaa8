/**
 * @module Lingering close. An answer sent before its request's body has arrived (a 413 from the headers, a refusal
 * part-way) leaves the client still sending. Node's fetch (undici) reads the answer only once it has sent the whole
 * body, so a server that closes the socket then (Node, after `Connection: close`; `@hono/node-server`, 500 ms after
 * any such answer) resets a connection the client is still writing to: it got `EPIPE` instead of the 413, for every
 * 60 MB upload to a 50 MiB gateway. As nginx's `lingering_close` does, the rest of the body is read and thrown away,
 * within bounds: `maxBytes` in all, `idleMs` without a byte, `totalMs` from the answer. Then a `Connection: close`
 * socket is closed, and a kept-alive one carries the next request; past a bound, the socket is closed at once.
 */
import type http from "node:http";
import type { Socket } from "node:net";

/** How long, and how much, a socket is read on after an early answer. */
export interface LingerLimits {
  totalMs?: number;
  idleMs?: number;
  maxBytes?: number;
}

export const LINGER_DEFAULTS: Required<LingerLimits> = { totalMs: 30_000, idleMs: 5_000, maxBytes: 256 * 1024 * 1024 };

/**
 * Makes `server` read on, within `limits`, after an answer that went out before its request's body had arrived.
 * @example lingerOnEarlyAnswers(server, { totalMs: 30_000, idleMs: 5_000, maxBytes: 256 * 1024 * 1024 })
 */
export function lingerOnEarlyAnswers(server: http.Server, limits: LingerLimits = {}): void {
  const { totalMs, idleMs, maxBytes } = { ...LINGER_DEFAULTS, ...limits };
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.once("finish", () => {
      const socket = req.socket;
      if (req.complete || socket.destroyed) return;
      // Node's own handler ran first: after `Connection: close` it has ended the socket and set it to be destroyed
      // once the answer is out. `@hono/node-server` would close it with `destroySoon` after 500 ms of reading.
      socket.removeListener("finish", socket.destroy);
      const own = socket as Socket & { destroySoon?: () => void };
      const before = Object.getOwnPropertyDescriptor(own, "destroySoon");
      own.destroySoon = () => {};
      let bytes = 0;
      let idle: NodeJS.Timeout | undefined;
      const total = setTimeout(() => close(), totalMs);
      const quiet = () => {
        clearTimeout(idle);
        idle = setTimeout(() => close(), idleMs);
      };
      const stop = () => {
        clearTimeout(total);
        clearTimeout(idle);
        req.off("data", onData);
        if (before) Object.defineProperty(own, "destroySoon", before);
        else Reflect.deleteProperty(own, "destroySoon");
      };
      const close = () => {
        stop();
        socket.destroy();
      };
      const onData = (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > maxBytes) close();
        else quiet();
      };
      quiet();
      req.on("data", onData);
      req.once("end", () => {
        stop();
        if (socket.writableEnded) socket.destroy();
      });
      socket.once("close", stop);
      req.resume();
    });
  });
}

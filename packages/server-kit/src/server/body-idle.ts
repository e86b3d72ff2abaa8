/**
 * @module The idle-body timeout (`body-idle-timeout`): a request whose body started and then stopped arriving (the
 * client sent part of an upload, then nothing, and left the connection open) gets a 408 once no byte came for that
 * long, as nginx's `client_body_timeout` does, instead of holding its socket, spool file, upstream call and job slot
 * until the whole request's `receive-timeout`. One sweep per server looks at every connection's current request, so
 * a request costs nothing: no timer or listener is made for it, however its body arrives.
 */
import http from "node:http";
import type { Socket } from "node:net";

/** What the sweep needs of a socket: Node's HTTP parser and the answer being written, both internal to `node:http`. */
type HttpSocket = Socket & {
  parser?: { incoming?: http.IncomingMessage | null } | null;
  _httpMessage?: (http.ServerResponse & { _sent100?: boolean }) | null;
};

/** A body seen in progress: its request, the socket's byte count then, and since when that count has not moved. */
interface Watched {
  incoming: http.IncomingMessage;
  bytes: number;
  since: number;
}

/**
 * The 408 message of a stalled body.
 * @example stalledBodyMessage(30_000) // "request body stalled: no bytes for 30 s (body-idle-timeout)"
 */
export function stalledBodyMessage(idleMs: number): string {
  return `request body stalled: no bytes for ${idleMs / 1000} s (body-idle-timeout)`;
}

/**
 * How often the sweep runs: a quarter of the limit, between 50 ms and 1 s (Node's own timeouts are checked every
 * second here), so a stalled body is answered between `idleMs` and about `idleMs` + 2 sweeps after its last byte.
 * @example sweepIntervalMs(30_000) // 1000
 */
export function sweepIntervalMs(idleMs: number): number {
  return Math.max(50, Math.min(1000, Math.floor(idleMs / 4)));
}

/**
 * Answers 408 on every connection of `server` (those `sockets` yields) whose current request's body has had no
 * byte for `idleMs`, then closes it: the request's body stream then fails as on a client that hung up, which makes
 * the app drop what it set up for the request. The clock only runs while the server is reading and the client may
 * send: a socket paused because the app has not taken what arrived (backpressure), or a client still waiting for the
 * `100 Continue` of its `Expect: 100-continue`, is not the client's stall. An answer already started
 * cannot be replaced, so then the socket is just closed. `idleMs` 0 turns it off. Returns a function that stops the
 * sweep (it also stops when the server closes).
 * @example cutIdleBodies(server, 30_000, () => openSockets.keys())
 */
export function cutIdleBodies(server: http.Server, idleMs: number, sockets: () => Iterable<Socket>): () => void {
  if (idleMs <= 0) return () => {};
  const watched = new WeakMap<Socket, Watched>();
  const sweep = () => {
    const now = performance.now();
    for (const socket of sockets()) {
      const incoming = (socket as HttpSocket).parser?.incoming;
      if (!incoming || incoming.complete || socket.destroyed) continue;
      const seen = watched.get(socket);
      if (
        heldBack(socket as HttpSocket, incoming) ||
        !seen ||
        seen.incoming !== incoming ||
        seen.bytes !== socket.bytesRead
      ) {
        watched.set(socket, { incoming, bytes: socket.bytesRead, since: now });
      } else if (now - seen.since >= idleMs) {
        watched.delete(socket);
        cut(socket as HttpSocket, idleMs);
      }
    }
  };
  const timer = setInterval(sweep, sweepIntervalMs(idleMs));
  timer.unref();
  const stop = () => clearInterval(timer);
  server.once("close", stop);
  return stop;
}

/**
 * True when the server, not the client, keeps the body from coming: the socket is paused (the app has not taken what
 * arrived), or the client asked `Expect: 100-continue` and waits for a `100 Continue` the app has not sent, as
 * server-kit sends it only once the app reads the body (`continueOnRead`).
 */
function heldBack(socket: HttpSocket, incoming: http.IncomingMessage): boolean {
  if (socket.isPaused()) return true;
  return incoming.headers.expect?.toLowerCase() === "100-continue" && socket._httpMessage?._sent100 === false;
}

/**
 * Answers a stalled body 408 in the `{"detail":{"msg":…}}` shape and closes. When its request has no answer in
 * progress, it was already answered (the lingering close reads the rest of the body, see linger.ts); an answer begun
 * cannot be replaced: both times the socket is just closed.
 */
function cut(socket: HttpSocket, idleMs: number): void {
  const res = socket._httpMessage;
  if (!res || res.headersSent || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ detail: { msg: stalledBodyMessage(idleMs) } });
  const head = `HTTP/1.1 408 ${http.STATUS_CODES[408]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close`;
  socket.end(`${head}\r\n\r\n${body}`, () => socket.destroy());
}

/**
 * @module Answers to requests Node's HTTP parser refuses before the app sees them (a timeout, headers too large,
 * bytes that are not HTTP/1.1). Node's own answers have no body; these carry the error shape every route uses,
 * `{"detail":{"msg":…}}`, saying what was wrong and what is allowed, with the status Node would give.
 */
import http from "node:http";
import type { Socket } from "node:net";
import { CONNECTION_DEFAULTS, type ConnectionLimits } from "./connection-limits.js";

/** The status and message for one parser error. */
export function clientErrorAnswer(
  err: NodeJS.ErrnoException & { reason?: string },
  limits: ConnectionLimits = {},
): { status: number; msg: string } {
  const headersS = (limits.headersTimeoutMs ?? CONNECTION_DEFAULTS.headersTimeoutMs) / 1000;
  const receiveS = (limits.receiveTimeoutMs ?? CONNECTION_DEFAULTS.receiveTimeoutMs) / 1000;
  switch (err.code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return {
        status: 408,
        msg: `the request did not arrive in time: its headers must arrive within ${headersS} s and the whole request, body included, within ${receiveS} s`,
      };
    case "HPE_HEADER_OVERFLOW":
      return { status: 431, msg: `the request's headers are larger than ${http.maxHeaderSize} bytes in all` };
    default:
      return {
        status: 400,
        msg: `the request is not valid HTTP/1.1: ${err.reason ?? err.message} (${err.code ?? "parse error"})`,
      };
  }
}

/**
 * Answers the parser's refusals on `server` with {@link clientErrorAnswer}, as Node does (only on a socket that has
 * not written anything yet, then closed), but with a JSON body. A reset connection is just closed.
 * @example answerClientErrors(server, { receiveTimeoutMs: 120_000 })
 */
export function answerClientErrors(server: http.Server, limits: ConnectionLimits = {}): void {
  server.on("clientError", (err: NodeJS.ErrnoException & { reason?: string }, socket: Socket) => {
    if (err.code === "ECONNRESET" || !socket.writable || socket.bytesWritten > 0) {
      socket.destroy();
      return;
    }
    const { status, msg } = clientErrorAnswer(err, limits);
    const body = JSON.stringify({ detail: { msg } });
    const head = `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close`;
    // Closed once the answer is out, whatever the client does.
    socket.end(`${head}\r\n\r\n${body}`, () => socket.destroy());
  });
}

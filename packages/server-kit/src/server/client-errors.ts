/**
 * @module What a server says before the app reads a request. Requests Node's HTTP parser refuses (a timeout, headers
 * too large, bytes that are not HTTP/1.1): Node's own answers have no body; these carry the error shape every route
 * uses, `{"detail":{"msg":…}}`, saying what was wrong and what is allowed, with the status Node would give. And
 * `Expect: 100-continue`: answered once the app reads the body, so a request refused from its headers is refused
 * before its body is sent; any other expectation is a 417 in the same shape.
 */
import http from "node:http";
import type { Socket } from "node:net";
import { type ConnectionLimits, resolvedLimits } from "./connection-limits.js";

/** The status and message for one parser error. */
export function clientErrorAnswer(
  err: NodeJS.ErrnoException & { reason?: string },
  limits: ConnectionLimits = {},
): { status: number; msg: string } {
  const l = resolvedLimits(limits);
  const headersS = l.headersTimeoutMs / 1000;
  const receiveS = l.receiveTimeoutMs / 1000;
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

/**
 * Sends `100 Continue` to a client that asked for it (`Expect: 100-continue`) only once the app starts reading the
 * body. Node sends it at once by default, so a request the app refuses from its headers alone (a declared length over
 * the limit, a missing secret) made the client send its whole body anyway, and the server then closed the connection
 * on it mid-upload (curl then reported no answer at all). Refused without reading, the client gets only the final
 * answer, and the connection is closed after it (Node does so when `100 Continue` was never sent).
 * @example continueOnRead(server)
 */
export function continueOnRead(server: http.Server): void {
  server.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => {
    let asked = false;
    const proceed = () => {
      if (asked) return;
      asked = true;
      req.off("newListener", onListener);
      if (!res.headersSent && !res.writableEnded) res.writeContinue();
    };
    // A reader attaches `data` (pipe, `Readable.toWeb`) or `readable` (async iteration, `read()`), or resumes.
    const onListener = (event: string | symbol) => {
      if (event === "data" || event === "readable") proceed();
    };
    req.on("newListener", onListener);
    req.once("resume", proceed);
    server.emit("request", req, res);
  });
}

/**
 * Answers a request that expects anything but `100-continue` with 417 and the JSON error shape, as Node does (without
 * running the app, and closing the connection after it: the body, if any, is not read) but saying what is allowed.
 * @example refuseExpectations(server)
 */
export function refuseExpectations(server: http.Server): void {
  server.on("checkExpectation", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const expect = String(req.headers.expect).slice(0, 100);
    const body = JSON.stringify({
      detail: { msg: `Expect: ${JSON.stringify(expect)} cannot be met: the only expectation served is 100-continue` },
    });
    res.writeHead(417, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      connection: "close",
    });
    res.end(body);
  });
}

/**
 * @module Job calls over `node:http` with keep-alive agents: one request, the whole answer read into a Buffer.
 * Cheaper per call than `fetch` — no WHATWG Request, Response, FormData or stream objects on the hot path — which
 * matters for an orchestrator that forwards every job of a busy GPU host (measured in the orchestrator's bench).
 */
import http from "node:http";
import https from "node:https";
import type net from "node:net";
import type { Readable } from "node:stream";

/** Milliseconds a socket whose write failed waits for the answer to start arriving before it fails the call. */
const ANSWER_GRACE_MS = 1000;

/** Sockets whose write failed: they are never reused. */
const writeFailed = new WeakSet<net.Socket>();

/**
 * A server may answer before it has read the whole body — a runner refuses an upload over its limit with 413 from
 * the headers — and close the connection. The rest of the body then fails to be written (`EPIPE`, `ECONNRESET`),
 * often before the answer, already in the socket, has been read; Node destroys a socket whose write failed, the
 * answer with it, and the call failed as if the server had died. The agents' sockets drop a failed write instead:
 * the rest of the body is discarded, the answer is still read and the call ends with it. When no answer starts
 * within {@link ANSWER_GRACE_MS}, the socket is destroyed with the write's error, as before (a server that closed
 * shows on the read side at once anyway). A socket whose write failed is never put back in the pool.
 *
 * The same patch serves https; the write error surfaces at the same place. `https.Agent` makes its connection with
 * `tls.connect`, one `TLSSocket` over a TCP handle of its own (no `net.Socket` underneath): the socket's writes go to
 * its TLS wrap, which encrypts them and writes them to the TCP handle, and the TCP write's error comes back through the
 * TLS wrap as the error of the `TLSSocket`'s own write, the callback given to its `_write`/`_writev` (and over TLS
 * that error comes before the answer has been read far more often than over TCP). After such an error Node's TLS wrap
 * still counts that write as in flight: a later write neither goes out nor fails until the socket is destroyed.
 * Nothing more is written to such a socket and it is not reused, so that does not matter. Reading goes on as for a
 * plain socket, and the socket's `bytesRead` (decrypted bytes) shows whether an answer has started.
 */
export function answerFirst<A extends http.Agent>(agent: A): A {
  const patched = agent as unknown as {
    createConnection(...args: unknown[]): net.Socket;
    keepSocketAlive(socket: net.Socket): boolean;
  };
  const createConnection = patched.createConnection;
  const keepSocketAlive = patched.keepSocketAlive;
  patched.createConnection = function (...args) {
    const socket = createConnection.apply(this, args);
    dropFailedWrites(socket);
    return socket;
  };
  patched.keepSocketAlive = function (socket) {
    return !writeFailed.has(socket) && keepSocketAlive.call(this, socket);
  };
  return agent;
}

type WriteCallback = (err?: Error | null) => void;

function dropFailedWrites(socket: net.Socket): void {
  const stream = socket as net.Socket & {
    _write(chunk: unknown, encoding: BufferEncoding, cb: WriteCallback): void;
    _writev(chunks: unknown[], cb: WriteCallback): void;
  };
  const onFailed = (err: Error) => {
    if (writeFailed.has(socket)) return;
    writeFailed.add(socket);
    const read = socket.bytesRead;
    setTimeout(() => {
      if (!socket.destroyed && socket.bytesRead === read) socket.destroy(err);
    }, ANSWER_GRACE_MS).unref();
  };
  const guard =
    (cb: WriteCallback): WriteCallback =>
    (err) => {
      if (err && !socket.destroyed) {
        onFailed(err);
        return cb();
      }
      cb(err);
    };
  const write = stream._write;
  const writev = stream._writev;
  stream._write = function (chunk, encoding, cb) {
    if (writeFailed.has(socket)) return cb();
    write.call(this, chunk, encoding, guard(cb));
  };
  stream._writev = function (chunks, cb) {
    if (writeFailed.has(socket)) return cb();
    writev.call(this, chunks, guard(cb));
  };
}

// Idle sockets are closed after 4 s, before the runner's own keep-alive timeout (5 s in Node) can close one under a
// request that is just being written to it.
const agents = {
  "http:": answerFirst(new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 4000 })),
  "https:": answerFirst(new https.Agent({ keepAlive: true, maxSockets: 256, timeout: 4000 })),
};

/** A whole answer. */
export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A request body: one Buffer, Buffers sent one after the other (a body kept in the chunks it came in), or a stream. */
export type RequestBody = Buffer | Buffer[] | Readable;

/** The error a call that ran past its `timeoutMs` rejects with. */
export class CallTimeoutError extends Error {
  readonly timedOut = true;
  constructor(ms: number) {
    super(`no complete answer within ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/** Answers of a known length above this are read into one Buffer allocated up front. */
const LARGE_ANSWER_BYTES = 1024 * 1024;

/** The error a call whose answer ran past its `maxAnswerBytes` rejects with (the read stopped there). */
export class AnswerTooLargeError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`the answer is larger than the limit of ${limit} bytes`);
    this.name = "AnswerTooLargeError";
    this.limit = limit;
  }
}

/**
 * Sends one request and reads the whole answer; rejects on connection errors, on a body cut short, on `signal`, and
 * with a {@link CallTimeoutError} once `timeoutMs` have passed (one timer, no signals combined per call), and with an
 * {@link AnswerTooLargeError} as soon as the answer's body (by its `content-length`, or as read) passes
 * `maxAnswerBytes`: the connection is closed then, so no more of it is read or held. A Buffer
 * or Buffer[] body is sent with its Content-Length; a stream body with the `content-length` header the caller gives,
 * else chunked.
 * @example const answer = await send(new URL("http://127.0.0.1:8000/upscale"), { method: "POST", headers, body });
 */
export function send(
  url: URL,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: RequestBody;
    signal?: AbortSignal;
    timeoutMs?: number;
    maxAnswerBytes?: number;
  },
): Promise<HttpAnswer> {
  const agent = agents[url.protocol as keyof typeof agents];
  if (!agent) return Promise.reject(new Error(`unsupported URL scheme ${url.protocol}`));
  const lib = url.protocol === "https:" ? https : http;
  const signal = init.signal;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolveAnswer, rejectAnswer) => {
    let timer: NodeJS.Timeout | undefined;
    // The signal is watched by one listener of its own rather than given to http.request, which ties it to the
    // request stream's end-of-stream tracking (a measurable share of a small job's hop).
    const onAbort = () => {
      const err = abortError(signal!);
      reject(err);
      req.destroy(err);
    };
    const settled = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      // An answer that came before the whole body was sent (or a failed call): the rest is not sent, and a stream
      // body is closed (its file descriptor released) rather than left paused.
      if (body && !Buffer.isBuffer(body) && !Array.isArray(body) && !body.readableEnded) body.destroy();
      if (!req.writableFinished) req.destroy();
    };
    const resolve = (answer: HttpAnswer) => {
      settled();
      resolveAnswer(answer);
    };
    const reject = (err: unknown) => {
      settled();
      rejectAnswer(err);
    };
    const headers = init.headers;
    const body = init.body;
    if (Buffer.isBuffer(body)) headers["content-length"] = String(body.length);
    else if (Array.isArray(body)) headers["content-length"] = String(body.reduce((n, b) => n + b.length, 0));
    const options: http.RequestOptions = { method: init.method, headers, agent };
    const limit = init.maxAnswerBytes ?? Number.POSITIVE_INFINITY;
    const tooLarge = () => {
      const err = new AnswerTooLargeError(limit);
      reject(err);
      req.destroy(err);
    };
    const req = lib.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const length = Number(res.headers["content-length"]);
      if (length > limit) return tooLarge();
      // A large answer of known length is copied into one Buffer as it arrives: its chunks are not held until a
      // Buffer.concat copies them, which doubled the peak memory of a large answer.
      const whole = length > LARGE_ANSWER_BYTES ? Buffer.allocUnsafe(length) : undefined;
      res.on("data", (chunk: Buffer) => {
        if (whole && size + chunk.length <= length) chunk.copy(whole, size);
        else if (whole) return reject(new Error("the answer is longer than its content-length"));
        else chunks.push(chunk);
        size += chunk.length;
        if (size > limit) return tooLarge();
      });
      res.on("error", reject);
      res.on("aborted", () => reject(new Error("the connection closed before the whole answer arrived")));
      res.on("end", () => {
        if (!res.complete) return reject(new Error("the connection closed before the whole answer arrived"));
        resolve({
          status: res.statusCode ?? 502,
          statusText: res.statusMessage ?? "",
          headers: res.headers,
          body: whole ?? (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)),
        });
      });
    });
    req.on("error", reject);
    signal?.addEventListener("abort", onAbort, { once: true });
    if (init.timeoutMs !== undefined) {
      const ms = init.timeoutMs;
      timer = setTimeout(() => {
        const err = new CallTimeoutError(ms);
        reject(err);
        req.destroy(err);
      }, ms);
    }
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else if (Array.isArray(body)) {
      req.cork();
      for (const chunk of body) req.write(chunk);
      req.end();
      req.uncork();
    } else {
      body.on("error", (err) => req.destroy(err));
      body.pipe(req);
    }
  });
}

/** The error of a call its signal aborted, as Node's own `AbortError` (`code` ABORT_ERR, the reason as `cause`). */
function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error("The operation was aborted", { cause: signal.reason }), {
    name: "AbortError",
    code: "ABORT_ERR",
  });
}

/** Node's header object as a WHATWG `Headers` (for errors, which expose them). */
export function toHeaders(raw: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/**
 * @module Job calls over `node:http` with keep-alive agents: one request, the whole answer read into a Buffer.
 * Cheaper per call than `fetch` — no WHATWG Request, Response, FormData or stream objects on the hot path — which
 * matters for an orchestrator that forwards every job of a busy GPU host (measured in the orchestrator's bench).
 */
import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";

// Idle sockets are closed after 4 s, before the runner's own keep-alive timeout (5 s in Node) can close one under a
// request that is just being written to it.
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 4000 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 256, timeout: 4000 }),
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

/**
 * Sends one request and reads the whole answer; rejects on connection errors, on a body cut short, on `signal`, and
 * with a {@link CallTimeoutError} once `timeoutMs` have passed (one timer, no signals combined per call). A Buffer
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
    const req = lib.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("aborted", () => reject(new Error("the connection closed before the whole answer arrived")));
      res.on("end", () => {
        if (!res.complete) return reject(new Error("the connection closed before the whole answer arrived"));
        resolve({
          status: res.statusCode ?? 502,
          statusText: res.statusMessage ?? "",
          headers: res.headers,
          body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
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

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

/**
 * Sends one request and reads the whole answer; rejects on connection errors, on a body cut short, and on `signal`.
 * @example const answer = await send(new URL("http://127.0.0.1:8000/upscale"), { method: "POST", headers, body });
 */
export function send(
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: Buffer | Readable; signal?: AbortSignal },
): Promise<HttpAnswer> {
  const agent = agents[url.protocol as keyof typeof agents];
  if (!agent) return Promise.reject(new Error(`unsupported URL scheme ${url.protocol}`));
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const headers = { ...init.headers };
    const body = init.body;
    if (Buffer.isBuffer(body)) headers["content-length"] = String(body.length);
    const req = lib.request(url, { method: init.method, headers, agent, signal: init.signal }, (res) => {
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
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      body.on("error", (err) => req.destroy(err));
      body.pipe(req);
    }
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

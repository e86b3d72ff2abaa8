/**
 * @module Sending one benchmark job over `node:http(s)` and reading the whole answer — including the answer of a
 * server that refuses an upload before it has read all of it. A runner answers a body over its `MAX_UPLOAD_BYTES`
 * (or an image over its size limits) as soon as it knows, then closes the connection; the rest of the body fails to be
 * written (`EPIPE`, `ECONNRESET`), and `fetch` — like Node's own client, which destroys a socket whose write failed —
 * reported a connection failure instead of the server's 400 or 413. Here a failed write is dropped and the answer is
 * still read; only when no answer starts within a second does the job fail as a connection error. The same approach
 * as runner-client's `send`, with its `answerFirst` agents.
 */
import http from "node:http";
import https from "node:https";
import { answerFirst } from "@ai-video-subnet/runner-client/node";

/** A whole answer. */
export interface JobAnswer {
  status: number;
  body: Buffer;
}

/** The error of a job that had no complete answer within its time (named like `fetch`'s, `TimeoutError`). */
export class JobTimeoutError extends Error {
  constructor(ms: number) {
    super(`no complete answer within ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/** Keep-alive agents for one load run, whose sockets survive a failed write long enough to read the answer. */
export interface JobAgents {
  for(url: URL): http.Agent;
  /** Closes every socket. */
  destroy(): void;
}

/**
 * Agents for http and https; idle sockets are closed after 4 s, before a Node server's 5 s keep-alive timeout can
 * close one under a job being written to it.
 * @example const agents = jobAgents(); try { await sendJob(url, body, headers, 60_000, agents) } finally { agents.destroy() }
 */
export function jobAgents(): JobAgents {
  const plain = answerFirst(new http.Agent({ keepAlive: true, timeout: 4000 }));
  const secure = answerFirst(new https.Agent({ keepAlive: true, timeout: 4000 }));
  return {
    for: (url) => (url.protocol === "https:" ? secure : plain),
    destroy() {
      plain.destroy();
      secure.destroy();
    },
  };
}

/**
 * POSTs `body` and reads the whole answer; rejects with a {@link JobTimeoutError} after `timeoutMs`, and with the
 * socket's error when the connection failed with no answer.
 * @example const { status, body } = await sendJob(new URL("http://127.0.0.1:8000/upscale"), bytes, headers, 300_000, agents);
 */
export function sendJob(
  url: URL,
  body: Buffer,
  headers: Record<string, string>,
  timeoutMs: number,
  agents: JobAgents,
): Promise<JobAnswer> {
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // An answer that came before the whole body was sent: the rest is not sent and the socket is not reused.
      if (!req.writableFinished) req.destroy();
      fn();
    };
    const fail = (err: Error) => settle(() => reject(err));
    const options = {
      method: "POST",
      headers: { ...headers, "content-length": String(body.length) },
      agent: agents.for(url),
    };
    const req = lib.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", fail);
      res.on("close", () => {
        if (!res.complete) fail(new Error("the connection closed before the whole answer arrived"));
      });
      res.on("end", () => settle(() => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) })));
    });
    const timer = setTimeout(() => {
      const err = new JobTimeoutError(timeoutMs);
      fail(err);
      req.destroy(err);
    }, timeoutMs);
    req.on("error", fail);
    req.end(body);
  });
}

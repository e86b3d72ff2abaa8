/**
 * @module A real HTTP server on 127.0.0.1 that answers each request with the next scripted behaviour (a status and
 * body, a delay, a dropped connection). It exercises the SDK's transport over real sockets in situations a healthy
 * gateway does not produce on demand (a reset mid-body, a 502 from a proxy); the broadcaster tests cover the rest.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";

/** What the server does with one request. */
export type Step = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>;

/** A received request: method, URL, headers and body bytes. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

/** Starts the server; the last step repeats once the script runs out. */
export async function startScriptedServer(steps: Step[]) {
  const received: Received[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    const step = steps[Math.min(received.length - 1, steps.length - 1)]!;
    await step(req, res, body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers with `status` and a JSON body, plus headers. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Step {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
}

/** Waits `ms` before running `step` (or never answers when `step` is omitted, until the client gives up). */
export function after(ms: number, step?: Step): Step {
  return (req, res, body) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(async () => {
        if (step) await step(req, res, body);
        resolve();
      }, ms);
      res.on("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
}

/** Destroys the socket without an answer (the client sees a connection reset). */
export const hangUp: Step = (req) => {
  req.socket.destroy();
};

/**
 * Answers `status` with `body`, of content type `type` (with a Content-Length when `declared`), written in 64 KiB
 * pieces as fast as the client takes them; once the connection closes, pushes onto `sent` how many bytes went out. A
 * client that stops reading early closes it long before the end (what is in flight fits the socket buffers).
 */
export function flood(sent: number[], body: Buffer, status: number, type: string, declared = false): Step {
  return (_req, res) =>
    new Promise<void>((resolve) => {
      res.writeHead(status, { "content-type": type, ...(declared && { "content-length": body.length }) });
      let written = 0;
      const write = () => {
        while (written < body.length) {
          const piece = body.subarray(written, written + 64 * 1024);
          written += piece.length;
          if (!res.write(piece)) return void res.once("drain", write);
        }
        res.end();
      };
      res.on("close", () => {
        sent.push(written);
        resolve();
      });
      write();
    });
}

/** A text-to-image answer as the gateway gives it. */
export const OK = { images: [{ url: "http://127.0.0.1/outputs/a.png", seed: 7, nsfw: false }] };
/** The PNG signature and a few bytes: what an upload needs to be taken for a PNG. */
export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3]);

/**
 * `serve(...steps)` for a test file: starts a scripted server, closed after each test.
 * @example const serve = scriptedServers(); const server = await serve(json(200, OK));
 */
export function scriptedServers() {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });
  return async (...steps: Step[]) => {
    const server = await startScriptedServer(steps);
    close = server.close;
    return server;
  };
}

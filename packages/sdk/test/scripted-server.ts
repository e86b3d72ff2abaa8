/**
 * @module A real HTTP server on 127.0.0.1 that answers each request with the next scripted behaviour (a status and
 * body, a delay, a dropped connection). It exercises the SDK's transport over real sockets in situations a healthy
 * gateway does not produce on demand (a reset mid-body, a 502 from a proxy); the broadcaster tests cover the rest.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

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

/** @module Test helper: an HTTP server on 127.0.0.1 whose answers never end, and how many bytes it has sent. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A server that answers every request with `status` and an endless body. */
export interface EndlessServer {
  url: string;
  /** Bytes handed to its sockets so far, all answers together. */
  sent(): number;
  close(): Promise<void>;
}

/**
 * Starts a server answering every request with `status`, `type` and `fill` bytes without end, as fast as they are
 * read (a write waits for the socket to drain).
 * @example const s = await startEndlessServer(200, "application/json", 0x20); …; expect(s.sent()).toBeLessThan(1e7)
 */
export async function startEndlessServer(status: number, type: string, fill: number): Promise<EndlessServer> {
  let sent = 0;
  const chunk = Buffer.alloc(64 * 1024, fill);
  const server = createServer((_req, res) => {
    res.writeHead(status, { "content-type": type });
    const pump = () => {
      while (!res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent: () => sent,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

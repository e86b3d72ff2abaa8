/**
 * @module Lingering close: a client still sending when the server refuses its body reads the refusal (Node's fetch
 * reads an answer only once it has sent the whole body), and a client that sends on for too long or goes quiet is
 * cut off at the bounds.
 */
import http from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { HttpError, type HttpServer, listen } from "../src/index.js";
import { lingerOnEarlyAnswers } from "../src/server/linger.js";
import { sizeLimit } from "../src/validator/body.js";

let open: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(open.map((close) => close()));
  open = [];
});

async function serve(): Promise<HttpServer> {
  const app = new Hono();
  app.post("/json", sizeLimit(1024 * 1024, "request body is larger than 1 MiB"), (c) => c.text("read"));
  app.post("/close", () => {
    throw new HttpError(400, "refused part-way", { headers: { connection: "close" } });
  });
  app.onError((err, c) =>
    c.json({ detail: { msg: err.message } }, (err as HttpError).status, (err as HttpError).headers),
  );
  const s = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
  open.push(() => s.stop(1000));
  return s;
}

describe("an answer sent before the body has arrived", () => {
  for (const [path, status, connection] of [
    ["/json", 413, "keep-alive"],
    ["/close", 400, "close"],
  ] as const) {
    it(`reaches a fetch client still sending 64 MiB (${path}: ${status}, ${connection})`, async () => {
      const s = await serve();
      // A body of known length, as a Blob or FormData upload is sent: undici reads no answer before it is all out.
      const res = await fetch(`${s.url}${path}`, {
        method: "POST",
        body: new Blob([new Uint8Array(64 * 1024 * 1024)]),
      });
      expect(res.status).toBe(status);
      expect(res.headers.get("connection")).toBe(connection);
      expect((await res.json()).detail.msg).toMatch(/larger than 1 MiB|refused part-way/);
    });
  }

  it("closes the socket of a client that sends more than maxBytes, or goes quiet for idleMs", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(413, { connection: "close" });
      res.end("no");
    });
    lingerOnEarlyAnswers(server, { totalMs: 5000, idleMs: 300, maxBytes: 4 * 1024 * 1024 });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    open.push(() => new Promise((r) => server.close(() => r())));
    const port = (server.address() as AddressInfo).port;
    /** Sends a request announcing 1 GB, then what `send` writes: ms until the server closed its socket. */
    const cutAfter = (send: (socket: Socket) => void) =>
      new Promise<number>((resolve) => {
        const started = Date.now();
        server.once("connection", (theirs: Socket) => theirs.on("close", () => resolve(Date.now() - started)));
        const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
        socket.on("error", () => undefined);
        socket.resume();
        socket.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n");
        send(socket);
        open.push(async () => void socket.destroy());
      });
    // Sends on without pause: cut once past 4 MiB, long before the total.
    const flood = await cutAfter((socket) => {
      const chunk = Buffer.alloc(256 * 1024);
      const pump = () => {
        while (!socket.destroyed && socket.write(chunk));
        if (!socket.destroyed) socket.once("drain", pump);
      };
      pump();
    });
    expect(flood).toBeLessThan(4000);
    // Sends 1 kB, then nothing: cut after the idle time.
    const quiet = await cutAfter((socket) => socket.write(Buffer.alloc(1024)));
    expect(quiet).toBeGreaterThanOrEqual(250);
    expect(quiet).toBeLessThan(4000);
  });
});

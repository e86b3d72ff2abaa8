/**
 * @module What a server keeps of a client that hung up: nothing. A socket closed while its answer was still
 * streaming, or while the app read its upload, must become garbage with its request, answer and body (a leak of
 * exactly these, the whole upload per hang-up in every layer, was found by a soak run).
 */
import http from "node:http";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { listen } from "../src/index.js";

function app() {
  const a = new Hono();
  a.get("/stream", () => {
    let timer: NodeJS.Timeout | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        timer = setInterval(() => c.enqueue(new TextEncoder().encode("data: x\n\n")), 20);
      },
      cancel() {
        clearInterval(timer);
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  });
  a.post("/read", async (c) => {
    await c.req.arrayBuffer().catch(() => undefined);
    return c.text("read");
  });
  a.get("/", (c) => c.text("ok"));
  return a;
}

/** Sends `path` and cuts the connection `afterMs` later (an upload of 100 of its announced 400 kB for POSTs). */
function hangUp(port: number, path: string, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const post = path === "/read";
    const req = http.request({ host: "127.0.0.1", port, path, agent: false, method: post ? "POST" : "GET" }, (res) =>
      res.resume(),
    );
    req.on("error", () => undefined);
    if (post) {
      req.setHeader("content-length", 400_000);
      req.write(Buffer.alloc(100_000, 1));
    } else req.end();
    setTimeout(() => {
      req.destroy();
      resolve();
    }, afterMs);
  });
}

describe("a client that hangs up", () => {
  it("leaves no socket, request or body behind, whether the answer was streaming or the upload being read", async () => {
    const s = await listen(app().fetch, { host: "127.0.0.1", port: 0 });
    let opened = 0;
    let closed = 0;
    s.server.on("connection", (socket) => {
      opened++;
      socket.once("close", () => closed++);
    });
    try {
      for (let i = 0; i < 10; i++) {
        await hangUp(s.port, "/stream", 100);
        await hangUp(s.port, "/read", 50);
      }
      // The server still answers, on a connection of its own that closes after the answer.
      const ok = await new Promise<number | undefined>((resolve) =>
        http.get(`${s.url}/`, { agent: false }, (res) => res.resume().on("end", () => resolve(res.statusCode))),
      );
      expect(ok).toBe(200);
      for (let i = 0; i < 100 && closed < opened; i++) await new Promise((r) => setTimeout(r, 20));
      expect([opened, closed]).toEqual([21, 21]);
      // Nothing tracks a closed socket: it, its request, its answer and its body are garbage now.
      expect(s.openConnections()).toBe(0);
    } finally {
      await s.stop(1000);
    }
  });
});

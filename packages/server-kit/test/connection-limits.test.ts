/** @module Connection limits on a real server: thousands of slow and idle sockets from one address, normal requests still served. */
import net from "node:net";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { effectiveMaxConnections, listen, openFilesLimit, publicOrigin } from "../src/index.js";

function app() {
  const a = new Hono();
  a.get("/", (c) => c.text("ok"));
  a.get("/origin", (c) => c.text(publicOrigin(c, { trustProxy: ["127.0.0.3"] })));
  return a;
}

describe("connection limits", () => {
  it("keeps serving while one address opens 3,000 slow-header and idle sockets, and times the held ones out", async () => {
    const server = await listen(app().fetch, {
      host: "127.0.0.1",
      port: 0,
      limits: { maxConnectionsPerClient: 256, headersTimeoutMs: 1500, keepAliveTimeoutMs: 1000 },
    });
    const node = server.server as unknown as net.Server;
    const held: Array<{ opened: number; closed?: number }> = [];
    node.on("connection", (s: net.Socket) => {
      if (s.remoteAddress !== "127.0.0.2" || s.destroyed) return;
      const entry: { opened: number; closed?: number } = { opened: Date.now() };
      held.push(entry);
      s.once("close", () => (entry.closed = Date.now()));
    });
    const open = () => new Promise<number>((r) => node.getConnections((_e, n) => r(n)));
    const flood: net.Socket[] = [];
    try {
      for (let i = 0; i < 3000; i++) {
        const s = net.connect({ port: server.port, host: "127.0.0.1", localAddress: "127.0.0.2" });
        s.on("error", () => {});
        // Half send the start of a request and stop (slowloris), half send nothing.
        if (i % 2 === 0) s.once("connect", () => s.write("GET / HTTP/1.1\r\nHost: x\r\n"));
        flood.push(s);
      }
      await new Promise((r) => setTimeout(r, 500));
      expect(await open()).toBeLessThanOrEqual(256);
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${server.url}/`);
        expect(res.status).toBe(200);
        expect(await res.text()).toBe("ok");
      }
      const firstBatch = held.filter((h) => h.opened < Date.now() - 100);
      expect(firstBatch.length).toBeGreaterThan(100);
      await new Promise((r) => setTimeout(r, 3500));
      // The header timeout (1.5 s, checked every second) closed every socket that sent half a request or nothing.
      for (const h of firstBatch) expect((h.closed ?? Number.POSITIVE_INFINITY) - h.opened).toBeLessThan(3200);
      const res = await fetch(`${server.url}/`);
      expect(await res.text()).toBe("ok");
    } finally {
      for (const s of flood) s.destroy();
      await server.stop(1000);
    }
  }, 30_000);

  it("keeps descriptors in reserve under the open-files limit", () => {
    expect(effectiveMaxConnections({ maxConnections: 4096, reservedDescriptors: 512 }, 1024)).toBe(512);
    expect(effectiveMaxConnections({ maxConnections: 4096, reservedDescriptors: 512 }, 20_000)).toBe(4096);
    expect(effectiveMaxConnections({ maxConnections: 4096, reservedDescriptors: 512 }, 4096)).toBe(3072);
    expect(openFilesLimit()).toBeGreaterThan(0);
  });
});

describe("publicOrigin", () => {
  it("ignores Host and X-Forwarded-Host from untrusted clients, and honours them from a trusted proxy", async () => {
    const server = await listen(app().fetch, { host: "127.0.0.1", port: 0 });
    const ask = (localAddress: string, headers: string) =>
      new Promise<string>((resolve) => {
        const s = net.connect({ port: server.port, host: "127.0.0.1", localAddress }, () =>
          s.write(`GET /origin HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`),
        );
        let text = "";
        s.on("data", (d) => (text += d));
        s.on("close", () => resolve(text.split("\r\n\r\n")[1] ?? ""));
      });
    try {
      expect(await ask("127.0.0.1", "Host: evil.example\r\n")).toBe(server.url);
      expect(await ask("127.0.0.1", "Host: evil.example\r\nX-Forwarded-Host: evil.example\r\n")).toBe(server.url);
      expect(await ask("127.0.0.3", "Host: x\r\nX-Forwarded-Host: gw.example\r\nX-Forwarded-Proto: https\r\n")).toBe(
        "https://gw.example",
      );
      expect(await ask("127.0.0.3", "Host: x\r\nX-Forwarded-Host: a/b@evil\r\n")).toBe(server.url);
    } finally {
      await server.stop(1000);
    }
  });
});

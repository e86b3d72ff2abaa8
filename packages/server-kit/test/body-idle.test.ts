/**
 * @module The idle-body timeout on a real server: a body that stops mid-way gets the 408 after the idle limit, not
 * the whole request's time, and its connection is closed; a slow but steady body, and one the app is slow to read
 * (backpressure), still complete.
 */
import net from "node:net";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { type HttpServer, listen } from "../src/index.js";
import { resolvedLimits } from "../src/server/connection-limits.js";
import { rawRequest } from "./raw-client.js";

/** Reads the whole body, after waiting `?wait=` ms, and says how many bytes came. */
function app() {
  const a = new Hono();
  a.post("/up", async (c) => {
    await new Promise((r) => setTimeout(r, Number(c.req.query("wait") ?? 0)));
    return c.json({ bytes: (await c.req.arrayBuffer()).byteLength });
  });
  a.post("/refuse", (c) => c.json({ detail: { msg: "refused from the headers" } }, 413));
  a.get("/", (c) => c.text("ok"));
  return a;
}

/**
 * Sends `head` (a request's line and headers, with the blank line) on a new connection, then lets `talk` write on;
 * resolves with all the server sent once it closes the connection.
 */
function exchange(port: number, head: string, talk: (socket: net.Socket, received: () => string) => unknown) {
  const socket = net.connect(port, "127.0.0.1");
  let text = "";
  const closed = new Promise<string>((r) => socket.once("close", () => r(text)));
  socket.on("data", (d) => {
    text += d;
  });
  socket.write(head);
  void talk(socket, () => text);
  return closed;
}

const LIMITS = { bodyIdleTimeoutMs: 1000, receiveTimeoutMs: 60_000 };

describe("body-idle-timeout", () => {
  let s: HttpServer | undefined;
  afterEach(async () => {
    await s?.stop(100);
    s = undefined;
  });

  it("answers 408 to a body that stalls mid-way after the idle limit, not the receive timeout, and closes", async () => {
    s = await listen(app().fetch, { host: "127.0.0.1", port: 0, limits: LIMITS });
    const started = performance.now();
    const answer = await rawRequest(s.port, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100000", [
      Buffer.alloc(5000, 1),
    ]);
    const waited = performance.now() - started;
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toEqual({
      detail: { msg: "request body stalled: no bytes for 1 s (body-idle-timeout)" },
    });
    expect(answer.headers.connection).toBe("close");
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(15_000);
    await answer.closed;
    expect(s.openConnections()).toBe(0);
    expect(await (await fetch(`${s.url}/`)).text()).toBe("ok");
  }, 30_000);

  it("lets a slow but steady body complete: a byte every 300 ms under a 1 s idle limit", async () => {
    s = await listen(app().fetch, { host: "127.0.0.1", port: 0, limits: LIMITS });
    const text = await exchange(
      s.port,
      "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\nConnection: close\r\n\r\n",
      async (socket) => {
        for (let i = 0; i < 12; i++) {
          await new Promise((r) => setTimeout(r, 300));
          socket.write("x");
        }
      },
    );
    expect(text).toMatch(/^HTTP\/1.1 200 /);
    expect(text.endsWith('{"bytes":12}')).toBe(true);
  }, 30_000);

  it("does not count the time the app leaves a body unread (backpressure) as the client's stall", async () => {
    s = await listen(app().fetch, { host: "127.0.0.1", port: 0, limits: LIMITS });
    const body = new Uint8Array(8 * 1024 * 1024).fill(3);
    const res = await fetch(`${s.url}/up?wait=2500`, { method: "POST", body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ bytes: body.length });
  }, 30_000);

  it("does not count the wait of a client for its 100 Continue, sent once the app reads the body", async () => {
    s = await listen(app().fetch, { host: "127.0.0.1", port: 0, limits: LIMITS });
    const text = await exchange(
      s.port,
      "POST /up?wait=2500 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
      (socket, received) =>
        socket.on("data", () => {
          if (received() === "HTTP/1.1 100 Continue\r\n\r\n") socket.write("abc");
        }),
    );
    expect(text).toMatch(/^HTTP\/1.1 100 Continue\r\n\r\nHTTP\/1.1 200 /);
    expect(text.endsWith('{"bytes":3}')).toBe(true);
  }, 30_000);

  it("adds no 408 after an answer the app gave before the body came, when the rest of the body stalls", async () => {
    s = await listen(app().fetch, { host: "127.0.0.1", port: 0, limits: LIMITS });
    const text = await exchange(
      s.port,
      "POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n",
      (socket) => socket.write(Buffer.alloc(5000, 1)),
    );
    expect(text).toMatch(/^HTTP\/1.1 413 /);
    expect(text.match(/HTTP\/1.1 /g)).toHaveLength(1);
  }, 30_000);

  it("is off at 0 and when not under the receive timeout, which then cuts a stalled body alone", () => {
    expect(resolvedLimits({}).bodyIdleTimeoutMs).toBe(30_000);
    expect(resolvedLimits({ receiveTimeoutMs: 10_000 }).bodyIdleTimeoutMs).toBe(0);
    expect(resolvedLimits({ receiveTimeoutMs: 30_001 }).bodyIdleTimeoutMs).toBe(30_000);
    expect(resolvedLimits({ bodyIdleTimeoutMs: 0 }).bodyIdleTimeoutMs).toBe(0);
  });
});

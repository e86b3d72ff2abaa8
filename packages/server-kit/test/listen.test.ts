/** @module listen and graceful stop on a real server: in-flight answers finish, idle keep-alive sockets close, the grace cuts the rest. */
import http from "node:http";
import net from "node:net";
import { type Context, Hono } from "hono";
import { describe, expect, it } from "vitest";
import { listen, shownHost } from "../src/index.js";

/** The test server's app; `arrived` is called as each `/slow` request reaches its handler. */
function slowApp(arrived?: () => void) {
  const a = new Hono();
  a.get("/slow/:ms", async (c) => {
    arrived?.();
    await new Promise((r) => setTimeout(r, Number(c.req.param("ms"))));
    return c.text("done");
  });
  a.get("/", (c) => c.text("ok"));
  a.get("/big", (c) => c.body(new Uint8Array(16 * 1024 * 1024).fill(7)));
  return a;
}

/** GET over a keep-alive agent; resolves with the body, or the error's code when the connection is cut. */
function get(url: string, agent: http.Agent): Promise<string> {
  return new Promise((resolve) => {
    http
      .get(url, { agent }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve(body));
        res.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      })
      .on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe("listen", () => {
  it("binds port 0 to a free port and shows a reachable URL", async () => {
    const s = await listen(slowApp().fetch, { host: "127.0.0.1", port: 0 });
    expect(s.port).toBeGreaterThan(0);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    expect(await (await fetch(s.url)).text()).toBe("ok");
    await s.stop(1000);
    expect(shownHost("0.0.0.0")).toBe("127.0.0.1");
    expect(shownHost("::")).toBe("127.0.0.1");
    expect(shownHost("::1")).toBe("[::1]");
  });

  it("rejects when the port is taken or the address is not this machine's, naming host:port with a hint", async () => {
    const s = await listen(slowApp().fetch, { host: "127.0.0.1", port: 0 });
    await expect(listen(slowApp().fetch, { host: "127.0.0.1", port: s.port })).rejects.toThrow(
      `cannot listen on 127.0.0.1:${s.port}: the address is in use (EADDRINUSE); another process listens there; stop it, or choose another port`,
    );
    await expect(listen(slowApp().fetch, { host: "192.0.2.7", port: 0 })).rejects.toThrow(
      "cannot listen on 192.0.2.7:0: the address is not available (EADDRNOTAVAIL); this machine has no such address; give one of its addresses, or 0.0.0.0 for all of them",
    );
    await s.stop(1000);
  });

  it("lets an in-flight answer finish, closes idle keep-alive sockets at once, and drains before the grace", async () => {
    let arrived!: () => void;
    const handling = new Promise<void>((r) => {
      arrived = r;
    });
    const s = await listen(slowApp(arrived).fetch, { host: "127.0.0.1", port: 0 });
    const agent = new http.Agent({ keepAlive: true });
    expect(await get(`${s.url}/`, agent)).toBe("ok"); // leaves an idle keep-alive socket
    const inFlight = get(`${s.url}/slow/300`, new http.Agent({ keepAlive: true }));
    // In flight once its handler runs: a connection whose request the server has not read yet is idle, and is closed.
    await handling;
    const order: string[] = [];
    const started = Date.now();
    await s.stop(5000, async () => {
      order.push("drain");
      await new Promise((r) => setTimeout(r, 100));
    });
    order.push("stopped");
    expect(await inFlight).toBe("done");
    expect(order).toEqual(["drain", "stopped"]);
    // Well under the 5 s grace: nothing waited for it.
    expect(Date.now() - started).toBeLessThan(2000);
    agent.destroy();
  });

  it("does not cut a large answer whose bytes are still leaving when the stop begins", async () => {
    const s = await listen(slowApp().fetch, { host: "127.0.0.1", port: 0 });
    const received = await new Promise<number>((resolve, reject) => {
      http
        .get(`${s.url}/big`, { agent: new http.Agent({ keepAlive: true }) }, (res) => {
          // The server has ended the answer (Node counts it finished) while most bytes wait in its buffers.
          res.pause();
          void s.stop(5000);
          setTimeout(() => {
            let n = 0;
            res.on("data", (d: Buffer) => (n += d.length));
            res.on("end", () => resolve(n));
            res.on("error", reject);
            res.resume();
          }, 300);
        })
        .on("error", reject);
    });
    expect(received).toBe(16 * 1024 * 1024);
    await s.stop(5000);
  });

  it("cuts an answer still running when the grace is over, and returns the same promise when asked again", async () => {
    const s = await listen(slowApp().fetch, { host: "127.0.0.1", port: 0 });
    const cut = get(`${s.url}/slow/5000`, new http.Agent());
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const stopping = s.stop(200);
    expect(s.stop(200)).toBe(stopping);
    await stopping;
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await cut).toBe("ECONNRESET");
  });
});

/** Sends `text` on a new socket and resolves with everything the server sent back before it closed. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(text));
    let out = "";
    socket.on("data", (d) => (out += d));
    socket.on("error", () => {});
    socket.on("close", () => resolve(out));
  });
}

describe("requests the HTTP parser refuses", () => {
  it("get Node's status with the JSON error shape saying what was wrong, and the server keeps serving", async () => {
    const app = new Hono();
    app.post("/", async (c) => c.text(String((await c.req.arrayBuffer()).byteLength)));
    app.get("/", (c) => c.text("ok"));
    const s = await listen(app.fetch, {
      host: "127.0.0.1",
      port: 0,
      limits: { headersTimeoutMs: 500, receiveTimeoutMs: 1000 },
    });
    try {
      const answer = async (text: string) => {
        const got = await raw(s.port, text);
        const [head = "", body = ""] = got.split("\r\n\r\n");
        return {
          status: Number(head.split(" ")[1]),
          msg: (JSON.parse(body) as { detail: { msg: string } }).detail.msg,
        };
      };
      expect(await answer("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n")).toEqual({
        status: 400,
        msg: "the request is not valid HTTP/1.1: Invalid header value char (HPE_INVALID_HEADER_TOKEN)",
      });
      expect(await answer(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(http.maxHeaderSize)}\r\n\r\n`)).toEqual({
        status: 431,
        msg: `the request's headers are larger than ${http.maxHeaderSize} bytes in all`,
      });
      const slow = {
        status: 408,
        msg: "the request did not arrive in time: its headers must arrive within 0.5 s and the whole request, body included, within 1 s",
      };
      expect(await answer("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")).toEqual(slow);
      expect(await answer("GET / HTTP/1.1\r\nHost: x\r\n")).toEqual(slow);
      expect(await (await fetch(s.url)).text()).toBe("ok");
    } finally {
      await s.stop(1000);
    }
  });

  it("starts with a receive timeout under the default headers timeout, which then takes the receive timeout", async () => {
    const app = new Hono();
    app.get("/", (c) => c.text("ok"));
    const s = await listen(app.fetch, { host: "127.0.0.1", port: 0, limits: { receiveTimeoutMs: 600 } });
    try {
      const [head = "", body = ""] = (await raw(s.port, "GET / HTTP/1.1\r\nHost: x\r\n")).split("\r\n\r\n");
      expect(head).toMatch(/^HTTP\/1\.1 408 /);
      expect(JSON.parse(body).detail.msg).toBe(
        "the request did not arrive in time: its headers must arrive within 0.6 s and the whole request, body included, within 0.6 s",
      );
      expect(await (await fetch(s.url)).text()).toBe("ok");
    } finally {
      await s.stop(1000);
    }
  });
});

describe("Expect: 100-continue", () => {
  /** Sends the headers, then the body only once `100 Continue` came; resolves with all the server sent. */
  function expecting(port: number, path: string, body: string): Promise<string> {
    return new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () =>
        socket.write(
          `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
        ),
      );
      let out = "";
      socket.on("data", (d) => {
        out += d;
        if (out.startsWith("HTTP/1.1 100 Continue\r\n\r\n") && out.length === 25) socket.write(body);
      });
      socket.on("error", () => {});
      socket.on("close", () => resolve(out));
      setTimeout(() => socket.destroy(), 3000);
    });
  }

  it("answers 100 only once the app reads the body: a request refused from its headers gets the refusal alone", async () => {
    const app = new Hono();
    const limited = async (c: Context, read: () => Promise<number>) =>
      Number(c.req.header("content-length")) > 10
        ? c.json({ detail: { msg: "too large" } }, 413, { connection: "close" })
        : c.text(String(await read()), 200, { connection: "close" });
    app.post("/web", (c) => limited(c, async () => (await c.req.arrayBuffer()).byteLength));
    app.post("/iterated", (c) =>
      limited(c, async () => {
        let n = 0;
        for await (const chunk of (c.env as { incoming: AsyncIterable<Buffer> }).incoming) n += chunk.length;
        return n;
      }),
    );
    const s = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
    try {
      for (const path of ["/web", "/iterated"]) {
        const refused = await expecting(s.port, path, "x".repeat(1000));
        expect(refused).toMatch(/^HTTP\/1\.1 413 /);
        expect(refused).not.toContain("100 Continue");
        const read = await expecting(s.port, path, "hello");
        expect(read).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
        expect(read.endsWith("\r\n\r\n5")).toBe(true);
      }
    } finally {
      await s.stop(1000);
    }
  });

  it("refuses any other expectation with 417 in the JSON error shape, without running the app", async () => {
    let ran = 0;
    const app = new Hono();
    app.post("/up", (c) => {
      ran++;
      return c.text("ok");
    });
    const s = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
    try {
      // (fetch refuses to send an Expect header.)
      const answer = await new Promise<{ status?: number; type?: string; body: string }>((resolve, reject) => {
        const req = http.request(`${s.url}/up`, { method: "POST", headers: { expect: "bogus" } }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode, type: res.headers["content-type"], body }));
        });
        req.on("error", reject);
        req.end("hello");
      });
      expect(answer.status).toBe(417);
      expect(answer.type).toBe("application/json");
      expect(JSON.parse(answer.body)).toEqual({
        detail: { msg: 'Expect: "bogus" cannot be met: the only expectation served is 100-continue' },
      });
      expect(ran).toBe(0);
      expect(await (await fetch(`${s.url}/up`, { method: "POST", body: "hello" })).text()).toBe("ok");
    } finally {
      await s.stop(1000);
    }
  });
});

/** @module listen and graceful stop on a real server: in-flight answers finish, idle keep-alive sockets close, the grace cuts the rest. */
import http from "node:http";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { listen, shownHost } from "../src/index.js";

function slowApp() {
  const a = new Hono();
  a.get("/slow/:ms", async (c) => {
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

  it("rejects when the port is taken", async () => {
    const s = await listen(slowApp().fetch, { host: "127.0.0.1", port: 0 });
    await expect(listen(slowApp().fetch, { host: "127.0.0.1", port: s.port })).rejects.toThrow(/EADDRINUSE/);
    await s.stop(1000);
  });

  it("lets an in-flight answer finish, closes idle keep-alive sockets at once, and drains before the grace", async () => {
    const s = await listen(slowApp().fetch, { host: "127.0.0.1", port: 0 });
    const agent = new http.Agent({ keepAlive: true });
    expect(await get(`${s.url}/`, agent)).toBe("ok"); // leaves an idle keep-alive socket
    const inFlight = get(`${s.url}/slow/300`, new http.Agent({ keepAlive: true }));
    await new Promise((r) => setTimeout(r, 50));
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

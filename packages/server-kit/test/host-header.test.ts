/**
 * @module A valid IPv6 literal `Host` on a real server from `listen`: the IPv4-mapped `[::ffff:127.0.0.1]` and other
 * literals not in canonical form reach the app (the adapter refused them with an empty 400), and a bracketed host
 * that is no IPv6 address gets a 400 that says so, in the error shape of every answer.
 */
import http from "node:http";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpServer, listen } from "../src/index.js";

/** GET / with this `Host` header; the status, content type and body. */
function getWithHost(port: number, host: string): Promise<{ status: number; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: "/where?x=1", headers: { host } }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, type: res.headers["content-type"], body }));
      })
      .on("error", reject);
  });
}

describe("IPv6 literal Host headers", () => {
  let server: HttpServer;
  beforeAll(async () => {
    const app = new Hono().get("/where", (c) => c.text(c.req.url));
    server = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
  });
  afterAll(() => server.stop(1000));

  it("serves a valid literal that is not in canonical form, the IPv4-mapped one included, with or without a port", async () => {
    const p = server.port;
    for (const [host, url] of [
      ["[::ffff:127.0.0.1]", "http://[::ffff:7f00:1]/where?x=1"],
      [`[::ffff:127.0.0.1]:${p}`, `http://[::ffff:7f00:1]:${p}/where?x=1`],
      ["[0:0:0:0:0:0:0:1]", "http://[::1]/where?x=1"],
      ["[::1]", "http://[::1]/where?x=1"],
      // An empty port is valid (RFC 3986): the default one.
      ["[::ffff:127.0.0.1]:", "http://[::ffff:7f00:1]/where?x=1"],
      ["[::1]:", "http://[::1]/where?x=1"],
      [`127.0.0.1:${p}`, `http://127.0.0.1:${p}/where?x=1`],
    ]) {
      expect(await getWithHost(p, host!), host).toEqual({ status: 200, type: "text/plain; charset=UTF-8", body: url });
    }
  });

  it("refuses a bracketed host that is no IPv6 address with a 400 that says why", async () => {
    for (const host of ["[::g]", "[v1.x]", "[::1]x", "[fe80::1%25eth0]"]) {
      const answer = await getWithHost(server.port, host);
      expect(answer.status, host).toBe(400);
      expect(answer.type).toBe("application/json");
      expect(JSON.parse(answer.body)).toEqual({
        detail: {
          msg: `the Host header is not valid: a bracketed host must be an IPv6 address, then an optional :port (e.g. [::1]:8000), got ${JSON.stringify(host)}`,
        },
      });
    }
  });
});

/**
 * @module The `Host` header on a real server from `listen` (the one every binary listens with): the IPv4-mapped
 * `[::ffff:127.0.0.1]` and other valid IPv6 literals not in canonical form reach the app (the adapter refused them
 * with an empty 400); a bracketed host that is no IPv6 address, and any other Host the adapter cannot build a URL
 * from (a space, raw bytes outside ASCII, userinfo, a bad port), sent as raw bytes over a socket, gets a 400 that
 * says what is wrong and what is allowed, in the error shape of every answer, and never reaches the app.
 */
import http from "node:http";
import net from "node:net";
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

/** The bytes of `GET <target>` with this `Host` sent over a raw socket; the status line and body of the answer. */
function rawGet(port: number, host: Buffer, target = "/where?x=1"): Promise<{ statusLine: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (d) => chunks.push(d));
    socket.on("error", reject);
    socket.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      resolve({ statusLine: text.slice(0, text.indexOf("\r\n")), body: text.slice(split + 4) });
    });
    const head = (s: string) => Buffer.from(s, "latin1");
    socket.write(
      Buffer.concat([head(`GET ${target} HTTP/1.1\r\nHost: `), host, head("\r\nConnection: close\r\n\r\n")]),
    );
  });
}

const ANY_HOST_RULE =
  "it must be a host name or an IPv4 address (ASCII letters, digits, dots, hyphens and underscores) or a bracketed " +
  "IPv6 address, then an optional :port up to 65535 (e.g. example.com:8000)";

describe("Host headers", () => {
  let server: HttpServer;
  let reached = 0;
  beforeAll(async () => {
    const app = new Hono().get("/where", (c) => {
      reached++;
      return c.text(c.req.url);
    });
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

  it("refuses any other Host the adapter cannot build a URL from with a 400 that says why, sent as raw bytes", async () => {
    const before = reached;
    for (const [bytes, shown] of [
      [Buffer.from("a b"), "a b"],
      [Buffer.from([0x61, 0xff, 0x62]), "a\u00ffb"],
      [Buffer.from("exé.com", "utf8"), "exé.com"],
      // Over 100 bytes but not 100 characters: quoted whole, as UTF-8; over 100 characters: cut after 100.
      [Buffer.from("é".repeat(60), "utf8"), "é".repeat(60)],
      [Buffer.from("é".repeat(120), "utf8"), `${"é".repeat(100)}…`],
      [Buffer.from("a:b"), "a:b"],
      [Buffer.from("a_b:99999"), "a_b:99999"],
      [Buffer.from("user@127.0.0.1"), "user@127.0.0.1"],
      [Buffer.from("a/b"), "a/b"],
      [Buffer.from("a%20b"), "a%20b"],
    ] as const) {
      const answer = await rawGet(server.port, bytes);
      expect(answer.statusLine, shown).toBe("HTTP/1.1 400 Bad Request");
      expect(JSON.parse(answer.body), shown).toEqual({
        detail: { msg: `the Host header is not valid: ${ANY_HOST_RULE}, got ${JSON.stringify(shown)}` },
      });
    }
    const bracketed = await rawGet(server.port, Buffer.from("[::1]:99999"));
    expect(JSON.parse(bracketed.body).detail.msg).toBe(
      'the Host header is not valid: a bracketed host must be an IPv6 address, then an optional :port (e.g. [::1]:8000), got "[::1]:99999"',
    );
    expect(reached).toBe(before);
    // A valid name, in any case, with a port, still reaches the app.
    const ok = await rawGet(server.port, Buffer.from(`Ok-Host_1.Example:${server.port}`));
    expect([ok.statusLine, ok.body]).toEqual(["HTTP/1.1 200 OK", `http://ok-host_1.example:${server.port}/where?x=1`]);
  });

  it("refuses a request target the adapter cannot build a URL from with a 400 that says why", async () => {
    for (const [target, why] of [
      ["*", "Invalid URL"],
      ["/a\\b", "Backslash in request path"],
    ]) {
      const answer = await rawGet(server.port, Buffer.from("127.0.0.1"), target);
      expect(answer.statusLine, target).toBe("HTTP/1.1 400 Bad Request");
      expect(JSON.parse(answer.body), target).toEqual({
        detail: {
          msg: `the request target is not valid (${why}): it must be a path that starts with / (with no backslash before its query), or an absolute http:// URL, got ${JSON.stringify(target)}`,
        },
      });
    }
  });
});

/**
 * @module The keep-alive race of the broadcaster's HTTP client to orchestrators: a pooled socket reused just as the
 * server closes it for idleness fails the request (ECONNRESET). A Node server with `keepAliveTimeout` k closes an idle
 * socket at k + 1 s and announces `Keep-Alive: timeout=k`; a client agent without an idle timeout of its own keeps
 * the socket and ignores that hint (the bench's pass-through proxy did), so a request sent then fails. The
 * broadcaster's agents close idle sockets first (at 4 s, or 1 s before the announced timeout), so none does here.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readText, upstream } from "../src/jobs/upstream.js";

/** The server's keep-alive timeout; Node closes an idle socket 1 s after it. */
const KEEP_ALIVE_MS = 2000;
const CLOSES_AFTER_MS = KEEP_ALIVE_MS + 1000;

// The server runs in a process of its own, so its timers are not serialised with the client's.
const SERVER = `
const http = require("node:http");
const server = http.createServer((req, res) => { req.resume(); req.on("end", () => res.end("ok")); });
server.keepAliveTimeout = ${KEEP_ALIVE_MS};
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

let child: ChildProcess;
let url: URL;

beforeAll(async () => {
  child = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) => child.stdout!.once("data", (d) => resolve(String(d).trim())));
  url = new URL(`http://127.0.0.1:${port}/upscale`);
});
afterAll(() => {
  child.kill();
});

const post = async () => {
  const res = await upstream(url, { method: "POST", body: "job", signal: AbortSignal.timeout(10_000) });
  return readText(res.body);
};

describe("the upstream client's pooled sockets", () => {
  it("are not reused at the moment the server closes them for idleness", async () => {
    // 40 sockets in the pool, all idle from about the same moment.
    const first = await Promise.all(Array.from({ length: 40 }, () => post()));
    expect(first.every((t) => t === "ok")).toBe(true);
    const idleSince = performance.now();
    // The loop is held from before the server closes them until well after (its timer may fire late on a loaded
    // machine), then 40 requests are sent: they are written before the loop reads any of the closes, so each one
    // given a pooled socket fails with ECONNRESET (all 40 do with an agent that has no idle timeout).
    await new Promise((r) => setTimeout(r, CLOSES_AFTER_MS - 100));
    while (performance.now() < idleSince + CLOSES_AFTER_MS + 150) {}
    const sent = Array.from({ length: 40 }, () =>
      post().catch((err: NodeJS.ErrnoException) => err.code ?? err.message),
    );
    const results = await Promise.all(sent);
    expect(results.filter((r) => r !== "ok")).toEqual([]);
  }, 20_000);
});

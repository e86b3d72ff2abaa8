#!/usr/bin/env node
/**
 * @module The floor of an HTTP hop, for the benchmarks: a reverse proxy that does nothing but pipe each request to
 * its upstream and the answer back, over keep-alive connections both ways — no parsing, validation, selection or
 * storage. One in front of the runner shows what any Node HTTP hop costs on this machine (the orchestrator bench);
 * two chained, what any two cost (the broadcaster bench). The real hops' figures are read against these.
 *
 * Usage: node bench/pass-through.mjs <upstream url>   (prints {"msg":"listening","port":N} once it listens)
 */
import http from "node:http";

const upstream = new URL(process.argv[2] ?? "");
// An idle pooled socket is closed after 4 s. Without a `timeout` Node's agent keeps idle sockets forever and ignores
// the server's `Keep-Alive: timeout=5` hint, so a request sent just as the upstream (the runner: keepAliveTimeout
// 5 s, closed at 6 s) closes a socket failed with ECONNRESET; the proxy then destroyed its client's connection
// (the bench's `fetch failed … other side closed`, or EPIPE while the client was still sending an upload). With a
// timeout the agent also honours the hint: min(4 s, hint − 1 s).
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, timeout: 4000 });
const server = http.createServer((req, res) => {
  const up = http.request(
    { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  up.on("error", () => res.destroy());
  req.pipe(up);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ msg: "listening", port: server.address().port }));
});

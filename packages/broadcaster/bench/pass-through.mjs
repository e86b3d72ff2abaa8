#!/usr/bin/env node
/**
 * @module The floor of an HTTP hop, for the benchmark: a reverse proxy that does nothing but pipe each request to
 * its upstream and the answer back, over keep-alive connections both ways — no parsing, validation, selection or
 * storage. Chaining two in front of the runner measures what any two Node HTTP hops cost on this machine, which
 * puts the broadcaster + orchestrator figures in context.
 *
 * Usage: node bench/pass-through.mjs <upstream url>   (prints {"msg":"listening","port":N} once it listens)
 */
import http from "node:http";

const upstream = new URL(process.argv[2] ?? "");
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
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

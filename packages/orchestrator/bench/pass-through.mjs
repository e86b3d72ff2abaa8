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

/**
 * @module A fake runner process for the stall watchdog's test (a real runner cannot be made to hang inside
 * `session.run` on purpose): it listens where the process launcher says, logs `listening` as `avs-runner` does,
 * answers `/health` OK, and runs a job as its `MODEL_ID` says — `fake/stall`: steps 1-3 of 10 on
 * `GET /progress/{request_id}`, then silence, the job never answered (a runner stuck in a step); `fake/steady`:
 * a step every 300 ms, answered after `FAKE_JOB_MS`; `fake/silent`: no step at all, answered after `FAKE_JOB_MS`;
 * `fake/no-progress`: `/progress` is a 404 (a Livepeer runner), answered after `FAKE_JOB_MS`. The image answered is
 * `FAKE_PNG` (base64). `GET /progress-requests` answers how many progress streams were asked for so far.
 */
import http from "node:http";

const mode = (process.env.MODEL_ID ?? "").replace(/^fake\//, "");
const jobMs = Number(process.env.FAKE_JOB_MS ?? 2500);
const png = process.env.FAKE_PNG ?? "";
/** Progress channels by request id: the events so far, and the streams that follow them. */
const channels = new Map();
let progressRequests = 0;

function channel(id) {
  let c = channels.get(id);
  if (!c) {
    c = { events: [], followers: new Set() };
    channels.set(id, c);
  }
  return c;
}

function emit(id, event, data) {
  const c = channel(id);
  const e = `id: ${c.events.length + 1}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  c.events.push(e);
  for (const res of c.followers) {
    res.write(e);
    if (event === "end") res.end();
  }
}

const server = http.createServer((req, res) => {
  const url = req.url ?? "";
  if (req.method === "GET" && url === "/health") {
    return res.writeHead(200, { "content-type": "application/json" }).end('{"status":"OK"}');
  }
  if (req.method === "GET" && url === "/progress-requests") {
    return res.writeHead(200, { "content-type": "application/json" }).end(String(progressRequests));
  }
  if (req.method === "GET" && url.startsWith("/progress/")) {
    progressRequests += 1;
    if (mode === "no-progress") {
      return res.writeHead(404, { "content-type": "application/json" }).end('{"detail":{"msg":"Not Found"}}');
    }
    const c = channel(decodeURIComponent(url.slice("/progress/".length)));
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (const e of c.events) res.write(e);
    c.followers.add(res);
    res.on("close", () => c.followers.delete(res));
    return;
  }
  if (req.method === "GET") return res.writeHead(200, { "content-type": "application/json" }).end("{}");
  const id = String(req.headers["x-request-id"] ?? "");
  req.resume();
  const step = (n) => emit(id, "progress", { stage: "tiles", step: n, total: 10, fraction: n / 10 });
  if (mode === "stall") {
    for (const n of [1, 2, 3]) setTimeout(() => step(n), n * 100);
    return;
  }
  let n = 0;
  const ticker = mode === "steady" ? setInterval(() => step(++n), 300) : undefined;
  setTimeout(() => {
    clearInterval(ticker);
    const body = JSON.stringify({ images: [{ url: `data:image/png;base64,${png}`, seed: 1, nsfw: false }] });
    res.writeHead(200, { "content-type": "application/json" }).end(body);
    emit(id, "end", { status: 200 });
  }, jobMs);
});

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(JSON.stringify({ level: "info", msg: "listening", port: server.address().port }));
});

#!/usr/bin/env node
/**
 * @module A measuring tool, not a product: the least an orchestrator must do for the bench's upscale job, written by
 * hand on `node:http` with no framework, validator, metrics, log or progress tracking. Run as `overhead.mjs`'s
 * `--baseline`, it shows how much of `avs-orchestrator`'s CPU per job is work any orchestrator has to do
 * (`CPU per job: R × the baseline` is the real one against this floor) and, beside the pass-through proxy's figure of
 * the same run, how far that work alone sits above a hop that only pipes bytes (issue 17's target is 1.5×).
 *
 * Per job it does what the real route does for this request, and nothing else:
 * - a constant-time bearer check;
 * - the multipart body read and its parts found with `Buffer#indexOf`: a 400 unless `model_id` names the configured
 *   model and an `image` file and a `prompt` field are there; the numeric and boolean fields parsed;
 * - the caller's bytes sent on as they came, with the runner's token and a request id, over a keep-alive agent; a
 *   caller that hangs up aborts the call;
 * - the runner's data URL cut out of its answer's bytes and base64-decoded into an in-memory store (the real store
 *   keeps outputs in memory under its budget), seed and nsfw read;
 * - an answer of the stored output's URL, one `writeHead` and one `end`; for `X-Media-Delivery: data`, the runner's
 *   answer bytes handed on once they hold an image. Every answer carries the headers the spec gives it:
 *   `X-Request-Id` (the caller's when it is 1-128 visible ASCII characters, else a new one), and on a job's answer
 *   `X-Media-Delivery`.
 * `GET /info` says the model is warm (the bench waits for that); `GET /stream/<name>` serves an output of its own
 * store.
 *
 * Knock-ins put a cost on each layer of the real one: `REQUIRED_WORK_VIA_HONO=1` serves the same handler through a
 * Hono app on `@hono/node-server`, and `REQUIRED_WORK_LAYERS=runner-client,store,validator` (any of them) uses
 * runner-client for the call and the answer, the orchestrator's `OutputStore`, or — with `REQUIRED_WORK_VIA_HONO=1`,
 * whose middleware it is — server-kit's request validator built from the orchestrator's spec (the body read with
 * its bytes kept, coercion, defaults, ajv, the `X-Media-Delivery` header, its 4xx answers) instead of the
 * hand-written ones.
 *
 * Given `--orchestrator <url> --orchestrator-secret <s> --output-dir <dir>` (the broadcaster's arguments) it is the
 * same floor for a gateway: no caller auth, any `model_id`, the job sent to the orchestrator with `X-Media-Delivery:
 * data`, the output appended to a pack file there as the broadcaster's local store does, and `GET /health`.
 *
 * Usage: node bench/overhead.mjs --baseline bench/required-work.mjs   (it takes the orchestrator's `--config`,
 *        `--secret` and `--port` arguments, reads the runner's URL and token from the config's first entry, and
 *        prints {"msg":"listening","port":N} once it listens);
 *        in packages/broadcaster: node bench/run.mjs --compare ../orchestrator/bench/required-work.mjs
 */
import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { mkdirSync, openSync, readFileSync, writevSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  errorHandler,
  RequestValidator,
  rawMultipart,
  validated,
  widenHeapHeadroom,
} from "@ai-video-subnet/server-kit";

// The V8 heap setting avs-orchestrator and avs-broadcaster start with, so that the floor's uploads meet the same
// garbage collector as theirs.
widenHeapHeadroom();

const argv = process.argv.slice(2);
const arg = (name) => argv[argv.indexOf(`--${name}`) + 1];
// As a gateway (the broadcaster bench's `--compare`, which passes `--orchestrator` and `--orchestrator-secret`): no
// caller auth, any model, the orchestrator upstream with outputs asked inline, each output appended to a pack file.
const gateway = argv.includes("--orchestrator");
const [entry] = gateway
  ? [{ pipeline: "upscale", url: arg("orchestrator"), token: arg("orchestrator-secret") }]
  : JSON.parse(readFileSync(arg("config"), "utf8"));
const runner = new URL(entry.url);
const expected = Buffer.from(`Bearer ${arg("secret")}`);
const runnerAuth = `Bearer ${entry.token}`;
const upstreamExtra = gateway ? { "x-media-delivery": "data" } : {};
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, timeout: 4000 });
const store = new Map();
const NUMBERS = new Set(["seed", "num_inference_steps"]);
const BOOLEANS = new Set(["safety_check"]);
const DATA_URL = Buffer.from('"url":"data:image/png;base64,');
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
let publicUrl = "";

function fail(res, status, msg, requestId = randomUUID()) {
  const body = JSON.stringify({ error: { message: msg } });
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-request-id": requestId,
  });
  res.end(body);
}

/** The parts' names and, for fields, their values; undefined when the body is not the multipart it says. */
function parts(body, boundary) {
  const delimiter = Buffer.from(`--${boundary}`);
  const found = new Map();
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const headStart = at + delimiter.length + 2;
    if (body[at + delimiter.length] === 0x2d) return found; // the closing "--"
    const headEnd = body.indexOf("\r\n\r\n", headStart);
    if (headEnd === -1) return undefined;
    const head = body.latin1Slice(headStart, headEnd);
    const name = /name="([^"]*)"/.exec(head)?.[1];
    const next = body.indexOf(delimiter, headEnd + 4);
    if (name === undefined || next === -1) return undefined;
    found.set(name, head.includes("filename=") ? null : body.utf8Slice(headEnd + 4, next - 2));
    at = next;
  }
  return undefined;
}

function job(req, res, chunks, size, checked) {
  // The caller's request id when it is well-formed, as server-kit's requestId middleware keeps it; echoed on every
  // answer and sent to the runner.
  const given = req.headers["x-request-id"];
  const requestId = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
  const auth = Buffer.from(req.headers.authorization ?? "");
  if (!gateway && (auth.length !== expected.length || !timingSafeEqual(auth, expected))) {
    return fail(res, 401, "invalid token", requestId);
  }
  const bad = (msg) => fail(res, 400, msg, requestId);
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(req.headers["content-type"] ?? "");
  // A body the real validator checked (`checked`, the `validator` knock-in) needs only the model check, which the
  // route leaves to its runner pool; its chunks go to the runner as they are, as the real route sends them (joining
  // them costs a copy of the upload the route does not make).
  const body = checked ? chunks : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
  const fields = checked ? undefined : boundary && parts(body, boundary[1] ?? boundary[2]);
  if (!checked && !fields) return bad("the body is not multipart/form-data");
  const model = checked ? checked.model_id : fields.get("model_id");
  if (gateway ? !model : model !== entry.model_id) return bad(`model_id must be ${entry.model_id ?? "set"}`);
  if (fields) {
    if (fields.get("image") !== null) return bad("image must be a file");
    if (typeof fields.get("prompt") !== "string") return bad("prompt must be a field");
    for (const [name, value] of fields) {
      if (NUMBERS.has(name) && !Number.isInteger(Number(value))) return bad(`${name} must be an integer`);
      if (BOOLEANS.has(name) && value !== "true" && value !== "false") return bad(`${name} must be a boolean`);
    }
  }
  const inline = req.headers["x-media-delivery"] === "data";
  const delivery = gateway ? undefined : inline ? "data" : "url";
  // A caller that hangs up aborts the runner call (the real route does the same).
  const hangUp = new AbortController();
  res.once("close", () => res.writableFinished || hangUp.abort());
  callRunner(req.url, req.headers["content-type"], body, requestId, hangUp.signal).then(
    (bytes) => {
      if (inline) {
        // As the real route refuses an answer without images, even when it hands the runner's bytes on.
        if (bytes.indexOf(DATA_URL) === -1) return fail(res, 500, "the runner's answer has no image", requestId);
        res.writeHead(200, answerHeaders(bytes.length, requestId, delivery));
        return res.end(bytes);
      }
      const media = takeImage(bytes);
      if (!media) return fail(res, 500, "the runner's answer has no image", requestId);
      const out = JSON.stringify({
        images: [{ url: `${publicUrl}/stream/${put(media.png)}`, seed: media.seed, nsfw: media.nsfw }],
      });
      res.writeHead(200, answerHeaders(Buffer.byteLength(out), requestId, delivery));
      res.end(out);
    },
    (err) => fail(res, err.status ?? 500, err.message, requestId),
  );
}

/** A job answer's headers: the orchestrator's carry `X-Media-Delivery` (the broadcaster's spec has none). */
function answerHeaders(length, requestId, delivery) {
  const headers = { "content-type": "application/json", "content-length": length, "x-request-id": requestId };
  if (delivery) headers["x-media-delivery"] = delivery;
  return headers;
}

/** The runner's answer bytes for the caller's body, sent on as it came; a non-200 answer rejects with its status. */
let callRunner = (path, contentType, body, requestId, signal) =>
  new Promise((resolve, reject) => {
    const call = http.request(
      {
        host: runner.hostname,
        port: runner.port,
        path,
        method: "POST",
        agent,
        signal,
        headers: {
          "content-type": contentType,
          "content-length": Array.isArray(body) ? body.reduce((n, b) => n + b.length, 0) : body.length,
          authorization: runnerAuth,
          "x-request-id": requestId,
          ...upstreamExtra,
        },
      },
      (answer) => {
        const parts = [];
        let length = 0;
        answer.on("data", (d) => {
          parts.push(d);
          length += d.length;
        });
        answer.on("end", () => {
          const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts, length);
          if (answer.statusCode === 200) resolve(bytes);
          else reject(Object.assign(new Error(bytes.toString()), { status: answer.statusCode }));
        });
      },
    );
    call.on("error", () => reject(new Error("the runner died during the job")));
    if (!Array.isArray(body)) return call.end(body);
    call.cork();
    for (const chunk of body) call.write(chunk);
    call.end();
    call.uncork();
  });

/** The answer's image, decoded from its data URL in the answer's bytes, with its seed and nsfw flag. */
let takeImage = (bytes) => {
  const start = bytes.indexOf(DATA_URL);
  const end = start === -1 ? -1 : bytes.indexOf(0x22, start + DATA_URL.length);
  if (end === -1) return undefined;
  const png = Buffer.from(bytes.latin1Slice(start + DATA_URL.length, end), "base64");
  const rest = JSON.parse(`{${bytes.utf8Slice(end + 2, bytes.indexOf(0x7d, end))}}`);
  return { png, seed: rest.seed, nsfw: rest.nsfw };
};

/** Keeps an output in memory for the run; its name. */
let put = (png) => {
  const name = `${randomBytes(16).toString("hex")}.png`;
  store.set(name, png);
  return name;
};
if (gateway) {
  // As the broadcaster's local store does: records (a small head, then the bytes) appended to a pack file with one
  // synchronous writev each, the record's place in its name.
  mkdirSync(arg("output-dir"), { recursive: true });
  const pack = openSync(join(arg("output-dir"), `outputs-${process.pid}.pack`), "w");
  let packed = 0;
  put = (png) => {
    const name = `${randomBytes(16).toString("hex")}_${packed.toString(36)}.png`;
    const head = Buffer.alloc(17 + name.length);
    head.writeUInt32LE(png.length, 0);
    head.writeDoubleLE(Date.now(), 4);
    head.write(name, 17, "latin1");
    writevSync(pack, [head, png], packed);
    packed += head.length + png.length;
    return name;
  };
}

// Knock-ins (see the module comment): the real orchestrator's own pieces in place of the hand-written ones.
const layers = new Set((process.env.REQUIRED_WORK_LAYERS ?? "").split(",").filter(Boolean));
const viaHono = process.env.REQUIRED_WORK_VIA_HONO === "1";
if (layers.has("validator") && (!viaHono || gateway)) {
  console.error("REQUIRED_WORK_LAYERS=validator needs REQUIRED_WORK_VIA_HONO=1 and the orchestrator's arguments");
  process.exit(2);
}
if (layers.has("runner-client")) {
  const { RunnerClient } = await import("@ai-video-subnet/runner-client");
  const { parseRunnerAnswer } = await import("@ai-video-subnet/runner-client/node");
  const client = new RunnerClient({ baseUrl: entry.url, token: entry.token });
  callRunner = (path, contentType, body, requestId, signal) =>
    client.forward(path, { contentType, body }, { requestId, signal, headers: upstreamExtra }).catch((err) => {
      throw Object.assign(err, { status: err.status ?? 500 });
    });
  takeImage = (bytes) => {
    const media = parseRunnerAnswer(bytes).images?.[0];
    return media && { png: media.url.bytes(), seed: media.seed, nsfw: media.nsfw };
  };
}
if (layers.has("store")) {
  const { OutputStore } = await import("../dist/index.js");
  const outputs = new OutputStore();
  put = (png) => outputs.put(png, "png");
}

/** The requests' router: plain `node:http`, or a Hono app on `@hono/node-server` as the real orchestrator serves. */
function route(req, res) {
  if (req.method === "GET" && req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end('{"status":"ok"}');
  }
  if (req.method === "GET" && req.url === "/info") {
    const body = JSON.stringify({ capabilities: [{ pipeline: entry.pipeline, model_id: entry.model_id, warm: true }] });
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(body);
  }
  if (req.method === "GET" && req.url.startsWith("/stream/")) {
    const png = store.get(req.url.slice(8));
    if (!png) return fail(res, 404, "no such output");
    res.writeHead(200, { "content-type": "image/png", "content-length": png.length });
    return res.end(png);
  }
  if (req.method !== "POST" || req.url !== `/${entry.pipeline}`) return fail(res, 404, "not found");
  const chunks = [];
  let size = 0;
  req.on("data", (d) => {
    chunks.push(d);
    size += d.length;
  });
  req.on("end", () => job(req, res, chunks, size));
}

const listening = (server) => {
  publicUrl = `http://127.0.0.1:${server.address().port}`;
  console.log(JSON.stringify({ msg: "listening", port: server.address().port }));
};
if (viaHono) {
  // The same work behind Hono's dispatch: what the framework alone adds per job (its Request, Context, routing and
  // the adapter's response path), the handler still reading and writing Node's own request and response.
  const { Hono } = await import("hono");
  const { serve } = await import("@hono/node-server");
  const { RESPONSE_ALREADY_SENT } = await import("@hono/node-server/utils/response");
  const app = new Hono();
  app.use(async (c, next) => {
    c.set("requestId", c.req.header("x-request-id") ?? randomUUID());
    await next();
  });
  if (layers.has("validator")) {
    // The real request validator of the orchestrator's spec on the job route (Content-Type, size, the multipart body
    // read with its bytes kept, coercion, defaults, ajv, the X-Media-Delivery header), in place of the hand-written
    // field checks; the job then goes on with the bytes it kept.
    const { loadSpec } = await import("@ai-video-subnet/specs");
    const validator = await RequestValidator.create(await loadSpec("orchestrator"), {
      keepMultipart: { dir: join(tmpdir(), "avs-required-work-uploads") },
    });
    const op = validator.operations().find((o) => o.method === "POST" && o.path === `/${entry.pipeline}`);
    app.onError(errorHandler());
    app.post(op.honoPath, ...op.middleware, (c) => {
      const { incoming, outgoing } = c.env;
      const { chunks, size } = rawMultipart(c);
      if (!chunks) fail(outgoing, 500, "this knock-in keeps bodies in memory only (up to 4 MiB)");
      else job(incoming, outgoing, chunks, size, validated(c).body);
      return new Promise((resolve) => outgoing.once("finish", () => resolve(RESPONSE_ALREADY_SENT)));
    });
  }
  app.all("*", (c) => {
    const { incoming, outgoing } = c.env;
    route(incoming, outgoing);
    return new Promise((resolve) => outgoing.once("finish", () => resolve(RESPONSE_ALREADY_SENT)));
  });
  const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: Number(arg("port") ?? 0) }, () =>
    listening(server),
  );
  server.keepAliveTimeout = 60_000;
} else {
  const server = http.createServer(route);
  server.keepAliveTimeout = 60_000;
  server.listen(Number(arg("port") ?? 0), "127.0.0.1", () => listening(server));
}
// Exit on the bench's SIGTERM the normal way, so `--cpu-prof` writes its profile.
process.on("SIGTERM", () => process.exit(0));

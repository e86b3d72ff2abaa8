#!/usr/bin/env node
/**
 * @module Asynchronous-job latency benchmark (`pnpm --filter @ai-video-subnet/broadcaster bench:async`, after a
 * build). Measures, in one run, the time from sending a job to the broadcaster until the job's request arrives at
 * the orchestrator, for: a synchronous call (the floor), an asynchronous job on the SQLite store, and one on the
 * PostgreSQL store (`AVS_BENCH_PG_URL`, default the local `test` database, in schemas of its own that are dropped)
 * with `--jobs-start here` and with `--jobs-start queue`.
 * The orchestrator is a stub in a thread of this process (it answers `/info` and each job at once with a 1×1 PNG),
 * so arrival times are taken on the same clock as the send times. The targets run in interleaved rounds, so load on a
 * shared machine affects each alike. One job at a time: like the sync call, whose next request goes out once its
 * answer is in, a job's successor is sent once the job has ended (`GET /jobs/{id}` says so), so no job's start is
 * measured while the broadcaster is still storing its predecessor's output. Prints p50/p90/p99 per target, what
 * asynchronous jobs add to the floor, one line per store against the target (≤ 5 ms p50 added), the load average,
 * and beside them the time of one durable commit on the same database (an insert in a table of its own), the floor
 * under any job store that answers 202 only once the job is safe.
 *
 * Flags and environment: see {@link USAGE} (`--help`).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import pg from "pg";
import { startServer } from "./server-process.mjs";

const { values: flags } = parseArgs({
  // `pnpm bench:async -- --overlap` passes the `--` through.
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    requests: { type: "string", default: "300" },
    warmup: { type: "string", default: "50" },
    concurrency: { type: "string", default: "1" },
    json: { type: "string" },
    overlap: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

const USAGE = `Usage: pnpm --filter @ai-video-subnet/broadcaster bench:async [-- flags]   (node bench/async-jobs.mjs, after a build)

The time from sending a job to the broadcaster until its request reaches a stub orchestrator: a synchronous call
(the floor), an asynchronous job on SQLite, and on PostgreSQL with --jobs-start here and queue.

  --requests <n>           jobs per target (default 300)
  --warmup <n>             warm-up jobs per target (default 50)
  --concurrency <n>        jobs in flight (default 1)
  --overlap                send a job's successor as soon as the job reaches the orchestrator, while the
                           broadcaster is still storing its output (default: once the job has ended)
  --json <file>            also write the figures as JSON
  --help                   this text

Environment: AVS_BENCH_PG_URL, the PostgreSQL database to use (default postgres://postgres@127.0.0.1:5432/test;
the bench makes schemas of its own there and drops them); it must be reachable.
BENCH_VERBOSE=1 prints each job's answer on stderr.`;
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const REQUESTS = Number(flags.requests);
const WARMUP = Number(flags.warmup);
const CONCURRENCY = Number(flags.concurrency);
const PG_URL = process.env.AVS_BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "avs-broadcaster.mjs");
const MODEL = "bench/model";
/** Longest wait for a job's request at the orchestrator, or for its end, before the run is abandoned. */
const STALL_MS = 30_000;
const TARGET_ADDED_P50_MS = 5;
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2217bc60000000049454e44ae426082",
  "hex",
);

/**
 * The orchestrator stub, in a thread of its own so that this thread's handling of a 202 cannot delay it: reports
 * when each job's request (by X-Request-Id) arrives, as wall-clock milliseconds (`timeOrigin + now()`).
 */
const STUB_SOURCE = `
const { createServer } = require("node:http");
const { parentPort, workerData } = require("node:worker_threads");
const info = JSON.stringify({
  version: "bench-stub",
  hardware: [],
  capabilities: [{ pipeline: "text-to-image", model_id: workerData.model, warm: true, capacity: 1000, in_use: 0,
    price: { price_per_unit: 0, pixels_per_unit: 1 } }],
});
const answer = JSON.stringify({ images: [{ url: "data:image/png;base64," + workerData.png, seed: 1, nsfw: false }] });
const stub = createServer((req, res) => {
  const at = performance.timeOrigin + performance.now();
  if (req.method === "GET" && req.url === "/info") {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(info);
  }
  if (req.url.startsWith("/progress/")) {
    // Like a Livepeer orchestrator: no per-step progress (the broadcaster then reports start and end only).
    res.writeHead(404, { "content-type": "application/json" });
    return res.end('{"detail":{"msg":"not found"}}');
  }
  parentPort.postMessage({ id: req.headers["x-request-id"], at });
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(answer);
  });
});
stub.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: stub.address().port }));
`;
const arrivals = new Map();
const waiters = new Map();
const stub = new Worker(STUB_SOURCE, { eval: true, workerData: { model: MODEL, png: PNG.toString("base64") } });
const STUB = await new Promise((resolve, reject) => {
  stub.once("error", reject);
  stub.once("message", (m) => resolve(`http://127.0.0.1:${m.port}`));
});
stub.on("message", ({ id, at }) => {
  // Back on this thread's clock.
  const t = at - performance.timeOrigin;
  arrivals.set(id, t);
  waiters.get(id)?.(t);
});

const dir = mkdtempSync(join(tmpdir(), "avs-bench-async-"));
const schema = `avs_bench_${process.pid}_${randomBytes(3).toString("hex")}`;
const children = [];

const start = async (name, args) =>
  (await startServer(name, [BIN, "--port", "0", "--orchestrator", STUB, ...args], children)).url;

/** Rejects after STALL_MS, naming what did not happen. */
function stall(what) {
  let timer;
  const p = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${STALL_MS} ms; stopping the run`)), STALL_MS);
  });
  p.catch(() => {});
  return { p, clear: () => clearTimeout(timer) };
}

/** Waits until the job at `location` has ended. */
async function ended(location) {
  const limit = stall(`${location} did not end`);
  try {
    for (;;) {
      const job = await (await fetch(location)).json();
      if (["succeeded", "failed", "cancelled"].includes(job.status)) return;
      await Promise.race([new Promise((r) => setTimeout(r, 2)), limit.p]);
    }
  } finally {
    limit.clear();
  }
}

let seq = 0;
/** Sends one job; resolves with [ms until it reached the orchestrator, ms until the broadcaster answered]. */
async function one(url, async) {
  const id = `bench-${process.pid}-${seq++}`;
  const arrived = new Promise((r) => waiters.set(id, r));
  const t0 = performance.now();
  const res = await fetch(`${url}/text-to-image`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-request-id": id,
      ...(async ? { prefer: "respond-async" } : {}),
    },
    body: JSON.stringify({ model_id: MODEL, prompt: "bench", width: 8, height: 8, num_inference_steps: 1 }),
  });
  const answer = await res.arrayBuffer();
  const answered = performance.now() - t0;
  if (res.status !== (async ? 202 : 200)) throw new Error(`${url}: HTTP ${res.status}`);
  if (process.env.BENCH_VERBOSE)
    console.error(`${async ? "async" : "sync"} ${url} ${id}: ${res.status} after ${answered.toFixed(1)} ms`);
  const limit = stall(`job ${id} did not reach the orchestrator (${url})`);
  const at = arrivals.get(id) ?? (await Promise.race([arrived, limit.p]).finally(limit.clear));
  waiters.delete(id);
  arrivals.delete(id);
  if (async && !flags.overlap) await ended(`${url}/jobs/${JSON.parse(Buffer.from(answer).toString()).id}`);
  return [at - t0, answered];
}

async function load(url, async, n) {
  const starts = [];
  const answers = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        next += 1;
        const [s, a] = await one(url, async);
        starts.push(s);
        answers.push(a);
      }
    }),
  );
  return { starts, answers };
}

const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

try {
  const loadBefore = loadavg();
  const [sqlite, postgres, postgresQueue] = await Promise.all([
    start("sqlite", ["--jobs-db", join(dir, "jobs.sqlite"), "--output-dir", join(dir, "out")]),
    start("postgres", ["--jobs-db", PG_URL, "--jobs-db-schema", schema, "--jobs-start", "here"]),
    start("postgres-queue", ["--jobs-db", PG_URL, "--jobs-db-schema", `${schema}_q`, "--jobs-start", "queue"]),
  ]);
  const targets = [
    ["sync call (floor)", sqlite, false],
    ["async job, SQLite", sqlite, true, "SQLite"],
    ["async, PG start here", postgres, true, "PostgreSQL (here)"],
    ["async, PG start queue", postgresQueue, true, "PostgreSQL (queue)"],
  ];
  for (const [, url, async] of targets) await load(url, async, WARMUP);
  const results = Object.fromEntries(targets.map(([name]) => [name, { starts: [], answers: [] }]));
  const db = new pg.Client({ connectionString: PG_URL });
  await db.connect();
  await db.query(`CREATE TABLE "${schema}".bench_commit (n integer)`);
  const commits = [];
  const rounds = 5;
  for (let r = 0; r < rounds; r++) {
    for (const [name, url, async] of targets) {
      const { starts, answers } = await load(url, async, Math.ceil(REQUESTS / rounds));
      results[name].starts.push(...starts);
      results[name].answers.push(...answers);
    }
    for (let i = 0; i < Math.ceil(REQUESTS / rounds); i++) {
      const t0 = performance.now();
      await db.query(`INSERT INTO "${schema}".bench_commit VALUES ($1)`, [i]);
      commits.push(performance.now() - t0);
    }
  }
  await db.end();
  const fmt = (ms) => ms.toFixed(2).padStart(8);
  console.log(
    `\nsend → the job's request at the orchestrator, ${REQUESTS} jobs per target at concurrency ${CONCURRENCY} ` +
      `(after ${WARMUP} warm-up), targets in ${rounds} interleaved rounds; ` +
      `${flags.overlap ? "the next job sent as a job reaches the orchestrator (--overlap)" : "the next job sent once a job has ended"}\n`,
  );
  console.log(`${"target".padEnd(24)}  p50 ms   p90 ms   p99 ms  +p50 ms  +p99 ms   answer p50 ms`);
  const floor = results["sync call (floor)"].starts;
  const summary = {};
  for (const [name] of targets) {
    const { starts, answers } = results[name];
    const row = {
      p50: q(starts, 0.5),
      p90: q(starts, 0.9),
      p99: q(starts, 0.99),
      added_p50: q(starts, 0.5) - q(floor, 0.5),
      added_p99: q(starts, 0.99) - q(floor, 0.99),
      answer_p50: q(answers, 0.5),
    };
    summary[name] = row;
    console.log(
      `${name.padEnd(24)}${fmt(row.p50)} ${fmt(row.p90)} ${fmt(row.p99)} ${fmt(row.added_p50)} ${fmt(row.added_p99)} ${fmt(row.answer_p50)}`,
    );
  }
  summary.durable_commit = { p50: q(commits, 0.5), p99: q(commits, 0.99) };
  console.log(
    `\none durable commit on the same PostgreSQL (INSERT, autocommit): p50 ${q(commits, 0.5).toFixed(2)} ms, p99 ${q(commits, 0.99).toFixed(2)} ms`,
  );
  console.log("(answer = until the broadcaster's answer: the result for the sync call, the 202 for a job)\n");
  for (const [name, , , store] of targets) {
    if (!store) continue;
    const added = summary[name].added_p50;
    console.log(
      `${store}: ${added >= 0 ? "+" : ""}${added.toFixed(1)} ms p50 added (target ≤ ${TARGET_ADDED_P50_MS} ms) — ` +
        `${added <= TARGET_ADDED_P50_MS ? "met" : "not met"}`,
    );
  }
  const loadAfter = loadavg();
  summary.load_average = { before: loadBefore[0], after: loadAfter[0] };
  console.log(`load average (1 min): ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after`);
  if (flags.json)
    writeFileSync(flags.json, JSON.stringify({ requests: REQUESTS, concurrency: CONCURRENCY, summary }, null, 2));
} finally {
  for (const c of children) c.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : undefined)));
  await stub.terminate();
  rmSync(dir, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  for (const name of [schema, `${schema}_q`]) {
    await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS "${name}_queue" CASCADE`);
  }
  await client.end();
}

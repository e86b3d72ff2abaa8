#!/usr/bin/env node
/**
 * @module Asynchronous-job latency benchmark (`pnpm --filter @ai-video-subnet/broadcaster bench:async`, after a
 * build). Measures, in one run, the time from sending a job to the broadcaster until the job's request arrives at
 * the orchestrator, for: a synchronous call (the floor), an asynchronous job on the SQLite store, and one on the
 * PostgreSQL store (`AVS_BENCH_PG_URL`, default the local `test` database, in schemas of its own that are dropped)
 * with `--jobs-start here` and with `--jobs-start queue`.
 * The orchestrator is a stub in this process (it answers `/info` and each job at once with a 1×1 PNG), so arrival
 * times are taken on the same clock as the send times. The three targets run in interleaved rounds, so load on a
 * shared machine affects each alike. Prints p50/p90/p99 per target and what asynchronous jobs add to the floor, and
 * beside them the time of one durable commit on the same database (an insert in a table of its own), the floor under
 * any job store that answers 202 only once the job is safe.
 *
 * Flags: --requests 300  --warmup 50  --concurrency 1  --json <file>
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { startServer } from "./server-process.mjs";

const { values: flags } = parseArgs({
  options: {
    requests: { type: "string", default: "300" },
    warmup: { type: "string", default: "50" },
    concurrency: { type: "string", default: "1" },
    json: { type: "string" },
  },
});
const REQUESTS = Number(flags.requests);
const WARMUP = Number(flags.warmup);
const CONCURRENCY = Number(flags.concurrency);
const PG_URL = process.env.AVS_BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "avs-broadcaster.mjs");
const MODEL = "bench/model";
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2217bc60000000049454e44ae426082",
  "hex",
);

/** The orchestrator stub: records when each job's request (by X-Request-Id) arrives. */
const arrivals = new Map();
const waiters = new Map();
const stub = createServer((req, res) => {
  const at = performance.now();
  if (req.method === "GET" && req.url === "/info") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        version: "bench-stub",
        hardware: [],
        capabilities: [
          {
            pipeline: "text-to-image",
            model_id: MODEL,
            warm: true,
            capacity: 1000,
            in_use: 0,
            price: { price_per_unit: 0, pixels_per_unit: 1 },
          },
        ],
      }),
    );
    return;
  }
  if (req.url?.startsWith("/progress/")) {
    // Like a Livepeer orchestrator: no per-step progress (the broadcaster then reports start and end only).
    res.writeHead(404, { "content-type": "application/json" });
    res.end('{"detail":{"msg":"not found"}}');
    return;
  }
  const id = req.headers["x-request-id"];
  arrivals.set(id, at);
  waiters.get(id)?.(at);
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({ images: [{ url: `data:image/png;base64,${PNG.toString("base64")}`, seed: 1, nsfw: false }] }),
    );
  });
});
await new Promise((r) => stub.listen(0, "127.0.0.1", r));
const STUB = `http://127.0.0.1:${stub.address().port}`;

const dir = mkdtempSync(join(tmpdir(), "avs-bench-async-"));
const schema = `avs_bench_${process.pid}_${randomBytes(3).toString("hex")}`;
const children = [];

const start = async (name, args) =>
  (await startServer(name, [BIN, "--port", "0", "--orchestrator", STUB, ...args], children)).url;

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
  await res.arrayBuffer();
  const answered = performance.now() - t0;
  if (res.status !== (async ? 202 : 200)) throw new Error(`${url}: HTTP ${res.status}`);
  if (process.env.BENCH_VERBOSE)
    console.error(`${async ? "async" : "sync"} ${url} ${id}: ${res.status} after ${answered.toFixed(1)} ms`);
  const at = arrivals.get(id) ?? (await arrived);
  waiters.delete(id);
  arrivals.delete(id);
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
  const [sqlite, postgres, postgresQueue] = await Promise.all([
    start("sqlite", ["--jobs-db", join(dir, "jobs.sqlite"), "--output-dir", join(dir, "out")]),
    start("postgres", ["--jobs-db", PG_URL, "--jobs-db-schema", schema, "--jobs-start", "here"]),
    start("postgres-queue", ["--jobs-db", PG_URL, "--jobs-db-schema", `${schema}_q`, "--jobs-start", "queue"]),
  ]);
  const targets = [
    ["sync call (floor)", sqlite, false],
    ["async job, SQLite", sqlite, true],
    ["async, PG start here", postgres, true],
    ["async, PG start queue", postgresQueue, true],
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
      `(after ${WARMUP} warm-up), targets in ${rounds} interleaved rounds\n`,
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
  console.log(
    "(answer = until the broadcaster's answer: the result for the sync call, the 202 for a job; target ≤ 5 ms p50 added)",
  );
  if (flags.json)
    writeFileSync(flags.json, JSON.stringify({ requests: REQUESTS, concurrency: CONCURRENCY, summary }, null, 2));
} finally {
  for (const c of children) c.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : undefined)));
  stub.close();
  rmSync(dir, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  for (const name of [schema, `${schema}_q`]) {
    await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS "${name}_queue" CASCADE`);
  }
  await client.end();
}

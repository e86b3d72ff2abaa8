#!/usr/bin/env node
/**
 * @module Benchmark: the orchestrator's added latency over calling the runner directly, in the same run on the
 * same runner. One `avs-runner` process (tiny ESRGAN ×4) and one `avs-orchestrator` process that reaches it as an
 * external runner; the client sends upscales of a 64×64 PNG at a fixed concurrency, in rounds of direct calls,
 * calls through a pass-through proxy (`pass-through.mjs`, which only pipes bytes: the floor of any Node HTTP hop
 * here) and calls through the orchestrator, in a rotating order so machine noise hits all alike, and prints
 * p50/p90/p99 and the differences. Not a test: run it on a quiet machine.
 *
 * `--pin` (Linux, needs `taskset`) runs the runner alone on CPU 1 with one ONNX Runtime thread, and the
 * orchestrator and this client on CPU 0: the layout of a GPU host, where inference does not compete with the
 * orchestrator for the same cores. Without it every process shares every core, and on a small machine the
 * orchestrator's added latency is mostly the CPU it takes from the runner (added ≈ concurrency × its CPU per job
 * ÷ cores once the cores are saturated).
 *
 * The CPU each hop process used (user+sys from /proc) per job is the figure a hop controls on a shared machine; it is
 * printed for the orchestrator as a ratio to the proxy's, `CPU per job: 1.42 × the pass-through proxy`, for the
 * 64×64 upscale and for an upload of `--upload-mb` MB (the same 64×64 PNG carrying a private ancillary chunk of
 * that size, which the runner's decoder skips). Then one `--rss-mb` MB upload goes through the orchestrator alone
 * and its peak-RSS rise (VmHWM after `clear_refs`) is printed as a ratio to the payload.
 *
 * `--baseline <bin>` runs a second orchestrator from another build's `bin/avs-orchestrator.mjs` and loads it at the
 * same time as this one in each of the orchestrator's rounds, so that both meet the same machine: on a shared machine
 * sequential rounds swing by ±15 % between runs, paired ones by a few percent; it prints this build's CPU per job as a
 * ratio to the baseline's.
 *
 * `--media-delivery data` (or `url`) sends the orchestrator's jobs with that `X-Media-Delivery` request header: `data`
 * answers carry the runner's data URLs, copied from its answer's bytes, instead of URLs of stored outputs.
 *
 * Usage: pnpm --filter @ai-video-subnet/orchestrator bench [-- --requests 400 --concurrency 8 --rounds 3 --pin --json
 *        --upload-mb 1 --upload-requests 150 --rss-mb 20 --media-delivery data --baseline <bin>]  (0 skips the upload
 *        workload or the RSS check)
 * (needs the built packages: pnpm turbo run build --filter=@ai-video-subnet/orchestrator...)
 */
import { execFileSync, spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultRunnerCommand } from "../dist/index.js";
import { cpuMs, fullGcs, memory, orchestratorArgs, png } from "./measure.mjs";
import { printReport } from "./overhead-report.mjs";

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(" ")
    .split(/\s*--/)
    .filter(Boolean)
    .map((a) => {
      const [k, v] = a.split(/[ =]/);
      return [k, v ?? "true"];
    }),
);
if (args.help === "true") {
  console.log(`Usage: node bench/overhead.mjs [options]   (pnpm --filter @ai-video-subnet/orchestrator bench -- [options])
  --requests N          64×64 upscale jobs per path per round (default 400)
  --concurrency N       jobs in flight (default 8)
  --rounds N            rounds, each path once per round in rotating order (default 3)
  --warmup N            jobs per path before measuring (default 50)
  --size N              input image side (default 64; the runner upscales ×4)
  --upload-mb N         second workload: the same PNG padded to N MB (default 1; 0 skips it)
  --upload-requests N   jobs per path per round of that workload (default requests ÷ 2)
  --rss-mb N            one N MB upload through the orchestrator alone, its peak-RSS rise (default 20; 0 skips it)
  --media-delivery V    send the orchestrator's jobs with X-Media-Delivery: V (url or data)
  --baseline BIN        also run another build's avs-orchestrator.mjs, loaded at the same time as this one, and
                        print "CPU per job: R × the baseline" (latencies then include the baseline's load)
  --pin                 runner alone on CPU 1, the rest on CPU 0 (Linux, taskset)
  --json                also print the figures as one JSON line
AVS_BENCH_PROFILE=<dir> writes the orchestrator's --cpu-prof profile to <dir>.
AVS_BENCH_NODE_ARGS="<flags>" gives the orchestrator and the proxy more Node flags (e.g. --trace-gc, --heap-prof);
AVS_BENCH_ORCHESTRATOR_NODE_ARGS="<flags>" gives this build's orchestrator alone more Node flags (with --baseline:
an A/B of a V8 setting, e.g. --max-semi-space-size=32);
AVS_BENCH_LOG_DIR=<dir> keeps each process's stdout there as <name>.log (the --trace-gc lines among them).
Prints latency per path, "CPU per job: R × the pass-through proxy" per workload, and the orchestrator's full
garbage collections per 1000 jobs (the baseline's too when it has a /metrics), read from its /metrics.`);
  process.exit(0);
}
const FLAGS = [
  ...["help", "requests", "concurrency", "rounds", "warmup", "size", "upload-mb", "upload-requests", "rss-mb"],
  ...["media-delivery", "baseline", "pin", "json"],
];
const unknown = Object.keys(args).filter((k) => !FLAGS.includes(k));
if (unknown.length > 0) {
  console.error(`unknown flag ${unknown.map((k) => `--${k}`).join(", ")}; see --help`);
  process.exit(2);
}
const REQUESTS = Number(args.requests ?? 400);
const CONCURRENCY = Number(args.concurrency ?? 8);
const ROUNDS = Number(args.rounds ?? 3);
const WARMUP = Number(args.warmup ?? 50);
const SIZE = Number(args.size ?? 64);
const UPLOAD_MB = Number(args["upload-mb"] ?? 1);
const UPLOAD_REQUESTS = Number(args["upload-requests"] ?? Math.ceil(REQUESTS / 2));
const RSS_MB = Number(args["rss-mb"] ?? 20);
const counts = { requests: REQUESTS, concurrency: CONCURRENCY, rounds: ROUNDS, size: SIZE };
const amounts = { warmup: WARMUP, "upload-mb": UPLOAD_MB, "upload-requests": UPLOAD_REQUESTS, "rss-mb": RSS_MB };
for (const [flag, n] of Object.entries({ ...counts, ...amounts })) {
  // A flag given without its value reads as "true" above: NaN here, which ran a whole bench of nothing.
  const least = flag in counts ? 1 : 0;
  if (!Number.isFinite(n) || n < least) {
    const got = args[flag] === "true" ? "no value" : args[flag];
    console.error(`--${flag} must be a number ≥ ${least}, got ${got}; see --help`);
    process.exit(2);
  }
}
for (const flag of ["media-delivery", "baseline"]) {
  if (args[flag] === "true") {
    console.error(`--${flag} needs a value; see --help`);
    process.exit(2);
  }
}
const DELIVERY = args["media-delivery"];
const BASELINE = args.baseline;
/** Extra Node flags of the orchestrator and the proxy (e.g. `--trace-gc`), and where their stdout is kept. */
const NODE_ARGS = (process.env.AVS_BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
/** Node flags for this build's orchestrator alone (not the baseline, not the proxy): an A/B of a V8 setting. */
const OWN_NODE_ARGS = (process.env.AVS_BENCH_ORCHESTRATOR_NODE_ARGS ?? "").split(" ").filter(Boolean);
const LOG_DIR = process.env.AVS_BENCH_LOG_DIR;
const MODEL = "tiny/esrgan-x4";
const TOKEN = "bench-runner-token";
const SECRET = "bench-secret";

const PIN = args.pin === "true";
/** Runs `cmd` on the given CPUs when pinning. */
const pinned = (cpus, cmd, argv) => (PIN ? ["taskset", ["-c", cpus, cmd, ...argv]] : [cmd, argv]);
if (PIN) execFileSync("taskset", ["-p", "-c", "0", String(process.pid)], { stdio: "ignore" });

function startProcess(cmd, argv, env, name) {
  // The runner alone on CPU 1; the orchestrator with this client on CPU 0.
  [cmd, argv] = pinned(name === "runner" ? "1" : "0", cmd, argv);
  const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const port = new Promise((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (d) => {
      if (LOG_DIR) appendFileSync(join(LOG_DIR, `${name}.log`), d);
      buf += d;
      for (const line of buf.split("\n")) {
        if (line.includes('"msg":"listening"') && !line.includes('"runner"')) {
          resolve(JSON.parse(line).port);
        }
      }
      buf = buf.slice(buf.lastIndexOf("\n") + 1);
    });
    child.once("exit", (code) => reject(new Error(`${name} exited (${code}) before listening`)));
  });
  return { child, port };
}

async function waitOk(url, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url);
      const body = await r.json();
      if (body.status === "OK" || body.capabilities?.[0]?.warm) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready`);
}

async function load(url, headers, image, n) {
  const latencies = [];
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const form = new FormData();
      form.append("model_id", MODEL);
      form.append("prompt", "");
      form.append("image", new Blob([image], { type: "image/png" }), "in.png");
      const t0 = performance.now();
      const res = await fetch(url, { method: "POST", headers, body: form });
      await res.arrayBuffer();
      const ms = performance.now() - t0;
      if (res.status === 200) latencies.push(ms);
      else failures++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { latencies, failures };
}

const root = mkdtempSync(join(tmpdir(), "avs-orch-bench-"));
const models = join(root, "models");
const [node, runnerBin] = defaultRunnerCommand();
execFileSync(node, [runnerBin, "models", "install", MODEL, "--model-dir", models], { stdio: "ignore" });
const runner = startProcess(
  node,
  [runnerBin],
  {
    PIPELINE: "upscale",
    MODEL_ID: MODEL,
    MODEL_DIR: models,
    AUTH_TOKEN: TOKEN,
    PORT: "0",
    HOST: "127.0.0.1",
    QUEUE_SIZE: "64",
    ...(PIN ? { INTRA_OP_THREADS: "1" } : {}),
  },
  "runner",
);
const children = [runner.child];
try {
  const runnerUrl = `http://127.0.0.1:${await runner.port}`;
  await waitOk(`${runnerUrl}/health`);
  const config = join(root, "aiModels.json");
  writeFileSync(
    config,
    JSON.stringify([{ pipeline: "upscale", model_id: MODEL, url: runnerUrl, token: TOKEN, capacity: 64 }]),
  );
  const startOrchestrator = (bin, name, profile) => {
    const started = startProcess(
      node,
      [
        ...(profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : []),
        ...NODE_ARGS,
        ...(name === "orchestrator" ? OWN_NODE_ARGS : []),
        ...orchestratorArgs(bin, { config, models, secret: SECRET }),
      ],
      {},
      name,
    );
    children.push(started.child);
    return started;
  };
  const orch = startOrchestrator(
    fileURLToPath(new URL("../bin/avs-orchestrator.mjs", import.meta.url)),
    "orchestrator",
    process.env.AVS_BENCH_PROFILE,
  );
  const base = BASELINE ? startOrchestrator(BASELINE, "baseline") : undefined;
  // The floor of one HTTP hop: a proxy that only pipes bytes, where the orchestrator stands (and on its CPU).
  const proxy = startProcess(
    node,
    [...NODE_ARGS, fileURLToPath(new URL("./pass-through.mjs", import.meta.url)), runnerUrl],
    {},
    "pass-through",
  );
  children.push(proxy.child);
  const orchUrl = `http://127.0.0.1:${await orch.port}`;
  await waitOk(`${orchUrl}/info`);
  const baseUrl = base && `http://127.0.0.1:${await base.port}`;
  if (baseUrl) await waitOk(`${baseUrl}/info`);

  const image = png(SIZE, SIZE);
  const direct = { url: `${runnerUrl}/upscale`, headers: { authorization: `Bearer ${TOKEN}` } };
  const floor = { url: `http://127.0.0.1:${await proxy.port}/upscale`, headers: direct.headers };
  // `--media-delivery data` asks the orchestrator for inline outputs per job (its X-Media-Delivery request header).
  const via = {
    url: `${orchUrl}/upscale`,
    headers: { authorization: `Bearer ${SECRET}`, ...(DELIVERY ? { "x-media-delivery": DELIVERY } : {}) },
  };
  await load(direct.url, direct.headers, image, WARMUP);
  await load(floor.url, floor.headers, image, WARMUP);
  await load(via.url, via.headers, image, WARMUP);
  const baseline = baseUrl && { url: `${baseUrl}/upscale`, headers: via.headers };
  if (baseline) await load(baseline.url, baseline.headers, image, WARMUP);

  const paths = [
    ["direct", direct],
    ["floor", floor],
    ["orchestrator", via],
  ];
  /** Rounds of `requests` jobs per path with `body`; latencies and each process's CPU per path. */
  async function workload(body, requests) {
    const all = { direct: [], floor: [], orchestrator: [] };
    const cpu = { runner: { direct: 0, floor: 0, orchestrator: 0 }, orchestrator: 0, floor: 0, baseline: 0 };
    let baselineJobs = 0;
    let failures = 0;
    const gcsBefore = [await fullGcs(orchUrl), baseUrl && (await fullGcs(baseUrl))];
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order each round so drift on a shared machine hits every path alike.
      for (const [name, target] of [...paths.slice(round % 3), ...paths.slice(0, round % 3)]) {
        const pids = [runner.child.pid, orch.child.pid, proxy.child.pid, base?.child.pid];
        const before = pids.map(cpuMs);
        // The baseline takes its jobs at the same time as this build, never in a round of its own.
        const paired = name === "orchestrator" && baseline;
        const [r, rb] = await Promise.all([
          load(target.url, target.headers, body, requests),
          paired ? load(baseline.url, baseline.headers, body, requests) : undefined,
        ]);
        const spent = pids.map((pid, i) => (cpuMs(pid) ?? 0) - (before[i] ?? 0));
        cpu.runner[name] += spent[0];
        if (name === "orchestrator") cpu.orchestrator += spent[1];
        if (name === "floor") cpu.floor += spent[2];
        if (rb) {
          cpu.baseline += spent[3];
          baselineJobs += rb.latencies.length;
          failures += rb.failures;
        }
        all[name].push(...r.latencies);
        failures += r.failures;
      }
    }
    const gcsAfter = [await fullGcs(orchUrl), baseUrl && (await fullGcs(baseUrl))];
    const fullGc = gcsBefore.map((b, i) =>
      b === undefined || gcsAfter[i] === undefined ? undefined : gcsAfter[i] - b,
    );
    return { all, cpu, failures, baselineJobs, fullGc };
  }
  const small64 = await workload(image, REQUESTS);
  let upload;
  if (UPLOAD_MB > 0) {
    const big = png(SIZE, SIZE, Math.round(UPLOAD_MB * 1024 * 1024));
    await load(floor.url, floor.headers, big, 10);
    await load(via.url, via.headers, big, 10);
    if (baseline) await load(baseline.url, baseline.headers, big, 10);
    upload = { ...(await workload(big, UPLOAD_REQUESTS)), bytes: big.length };
  }
  const { d, p, o, small, big } = printReport({
    small64,
    upload,
    baseline: Boolean(baseline),
    settings: { SIZE, MODEL, DELIVERY, CONCURRENCY, ROUNDS, REQUESTS, UPLOAD_MB, UPLOAD_REQUESTS, PIN },
  });
  let rss;
  if (RSS_MB > 0) {
    const huge = png(SIZE, SIZE, Math.round(RSS_MB * 1024 * 1024));
    const pid = orch.child.pid;
    await new Promise((r) => setTimeout(r, 500));
    let reset = true;
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, "5");
    } catch {
      reset = false;
    }
    const before = memory(pid);
    const r = await load(via.url, via.headers, huge, 1);
    const after = memory(pid);
    if (before && after) {
      const rise = after.hwm - before.rss;
      rss = {
        payload: huge.length,
        before: before.rss,
        peak: after.hwm,
        rise,
        ratio: rise / huge.length,
        failures: r.failures,
      };
      const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MB`;
      console.log(
        `upload ${RSS_MB} MB — orchestrator RSS before ${mb(before.rss)}, peak during ${mb(after.hwm)}: rise ${mb(rise)} = ${rss.ratio.toFixed(2)}× the payload (target < 1.5× → ${rss.ratio < 1.5 && r.failures === 0 ? "met" : "NOT met"}${r.failures ? `; the upload FAILED` : ""})${reset ? "" : " (peak not resettable here: rise is against the earlier peak)"}`,
      );
    }
  }
  if (args.json)
    console.log(
      JSON.stringify({
        direct: d,
        pass_through: p,
        orchestrator: o,
        failures: small64.failures,
        concurrency: CONCURRENCY,
        size: SIZE,
        cpu_per_job: { upscale: small, upload: big },
        rss,
      }),
    );
} finally {
  for (const c of children) c.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
  rmSync(root, { recursive: true, force: true });
}

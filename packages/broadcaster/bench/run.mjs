#!/usr/bin/env node
/**
 * @module Broadcaster overhead benchmark, one command (`pnpm --filter @ai-video-subnet/broadcaster bench`, after a
 * build). In one run, on the runner's tiny ESRGAN model, it sends upscale jobs to: the runner directly; two
 * pass-through proxies chained in front of it (the orchestrator package's `bench/pass-through.mjs`: they only pipe
 * bytes, so they show what two Node HTTP hops cost on this machine — the floor under the real pair); an orchestrator
 * alone (its own runner); and a broadcaster in front of that orchestrator (its local output store included). Each
 * is a real process. Two workloads: a 64×64 PNG, and the same PNG carrying a 1 MB private ancillary chunk (a 1 MB
 * upload that still upscales). For each it runs the four targets in interleaved rounds at a fixed concurrency, then
 * one request at a time, and prints p50/p90/p99 latency and throughput, each process's CPU per job (from
 * /proc/<pid>/stat) and the ratios to the floor, one per line:
 *
 *   broadcaster, upscale 64×64 — CPU per job: 1.42 × the pass-through proxy
 *   broadcaster + orchestrator, upscale 64×64, one request at a time — added p50: 1.30 × two chained pass-through proxies
 *
 * Then the peak-RSS rise of the broadcaster and of the orchestrator for one 20 MB upload (a valid PNG carrying a
 * 20 MB ancillary chunk, so the job succeeds end to end). The load average is printed with the figures: the
 * machine may be shared.
 *
 * Flags: see {@link USAGE} (`--help`).  `BENCH_NODE_OPTIONS_BROADCASTER="--cpu-prof --cpu-prof-dir=/tmp/prof"` profiles a
 * process (also `_ORCHESTRATOR`, `_RUNNER`).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { startServer } from "./server-process.mjs";
import { cpuMs, job, load, memory, png, summary, waitReady } from "./workload.mjs";

let flags;
try {
  ({ values: flags } = parseArgs({
    // `pnpm bench -- --requests 300` passes the `--` on.
    args: process.argv.slice(2).filter((a) => a !== "--"),
    options: {
      concurrency: { type: "string", default: "8" },
      requests: { type: "string", default: "400" },
      single: { type: "string", default: "200" },
      rounds: { type: "string", default: "2" },
      warmup: { type: "string", default: "50" },
      size: { type: "string", default: "64" },
      "upload-mb": { type: "string", default: "20" },
      only: { type: "string" },
      json: { type: "string" },
      "media-delivery": { type: "string" },
      compare: { type: "string" },
      orchestrator: { type: "string" },
      help: { type: "boolean", default: false },
    },
  }));
} catch (e) {
  // A usage error is one line and exit 2, as the orchestrator's bench/overhead.mjs prints it, not a stack trace.
  const flag = e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /'([^']+)'/.exec(e.message)?.[1] : undefined;
  console.error(flag ? `unknown flag ${flag}; see --help` : `${e.message}; see --help`);
  process.exit(2);
}

const USAGE = `Usage: pnpm --filter @ai-video-subnet/broadcaster bench [-- flags]   (node bench/run.mjs [flags], after a build)

Upscale jobs (tiny ESRGAN ×4) to the runner directly, through two chained pass-through proxies (the floor), to an
orchestrator alone and to broadcaster + orchestrator; CPU per job and added latency as ratios to the floor.

  --concurrency <n>        requests in flight in the loaded rounds (default 8)
  --requests <n>           requests per target at that concurrency, over all rounds (default 400)
  --single <n>             requests per target one at a time, over all rounds (default 200)
  --rounds <n>             interleaved rounds (default 2)
  --warmup <n>             warm-up requests per target and workload (default 50)
  --size <px>              side of the square PNG (default 64)
  --upload-mb <n>          size of the one large upload whose peak RSS is measured (default 20)
  --only <text>            only the workloads whose name contains it ("64", "1 MB")
  --media-delivery <url|data>  the orchestrator's media-delivery setting (default: its own default, url); the
                           broadcaster asks for data (inline outputs) on each job either way
  --compare <bin>          also run another build's avs-broadcaster.mjs (e.g. main's checkout) in front of the same
                           orchestrator, loaded at the same time as this one in its rounds (so the loaded
                           latencies include the other's jobs) and taking turns with it request by request one
                           at a time: an A/B of two versions in one run, printed as "CPU per job: R × the
                           compare build" and as each build's added p50/p99
  --orchestrator <bin>     another build's avs-orchestrator.mjs to use (default: this checkout's)
  --json <file>            also write the figures as JSON
  --help                   this text

Besides the latencies and ratios, each workload prints the full garbage collections each hop ran during its rounds
(from the hop's /metrics): a job's garbage that outlives the young generation shows there first.

Environment: BENCH_NODE_OPTIONS_BROADCASTER (or _ORCHESTRATOR, _RUNNER, _COMPARE), e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof",
adds Node options to that process; BENCH_LOG_DIR=<dir> keeps each process's stdout as <dir>/<name>.log (its JSON log
lines, and what e.g. --trace-opt or --trace-gc print).`;
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const CONCURRENCY = Number(flags.concurrency);
const REQUESTS = Number(flags.requests);
const SINGLE = Number(flags.single);
const ROUNDS = Number(flags.rounds);
const WARMUP = Number(flags.warmup);
const SIZE = Number(flags.size);
const UPLOAD_MB = Number(flags["upload-mb"]);

const PKG = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (pkg, name) => join(PKG, "node_modules/@ai-video-subnet", pkg, "bin", name);
const RUNNER = bin("runner", "avs-runner.mjs");
const ORCHESTRATOR = flags.orchestrator ?? bin("orchestrator", "avs-orchestrator.mjs");
const BROADCASTER = join(PKG, "bin/avs-broadcaster.mjs");
const PASS_THROUGH = join(PKG, "node_modules/@ai-video-subnet/orchestrator/bench/pass-through.mjs");
const { fullGcs } = await import(
  pathToFileURL(join(PKG, "node_modules/@ai-video-subnet/orchestrator/bench/measure.mjs")).href
);
const FLOOR = "2 pass-through proxies → runner";
const MODEL = "tiny/esrgan-x4";
const SECRET = "bench-secret";

const dir = mkdtempSync(join(tmpdir(), "avs-bench-"));
const models = join(dir, "models");
const children = [];

/** Spawns a server process and resolves with its port from its `"msg":"listening"` line. */
const start = (name, args, env = {}) => startServer(name, args, children, env);

const fmt = (ms) => ms.toFixed(2).padStart(8);
const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const load1 = () => `load average ${loadavg()[0].toFixed(2)}`;

try {
  execFileSync(process.execPath, [RUNNER, "models", "install", MODEL, "--model-dir", models], { stdio: "ignore" });
  const aiModels = join(dir, "ai-models.json");
  writeFileSync(
    aiModels,
    JSON.stringify([
      {
        pipeline: "upscale",
        model_id: MODEL,
        warm: true,
        capacity: CONCURRENCY * 2,
        price_per_unit: 1,
        pixels_per_unit: 1,
      },
    ]),
  );
  const runner = await start("runner", [RUNNER], {
    PIPELINE: "upscale",
    MODEL_ID: MODEL,
    MODEL_DIR: models,
    PORT: "0",
    HOST: "127.0.0.1",
    QUEUE_SIZE: String(CONCURRENCY * 2),
  });
  await waitReady(`${runner.url}/health`);
  const orch = await start("orchestrator", [
    ORCHESTRATOR,
    ...["--config", aiModels, "--models-dir", models, "--port", "0", "--secret", SECRET],
    ...(flags["media-delivery"] ? ["--media-delivery", flags["media-delivery"]] : []),
  ]);
  await waitReady(`${orch.url}/info`);
  const broadcasterArgs = (out) => [
    ...["--port", "0", "--orchestrator", orch.url, "--orchestrator-secret", SECRET],
    ...["--output-dir", join(dir, out), "--max-upload-bytes", String(64 * 1024 * 1024)],
  ];
  const bcast = await start("broadcaster", [BROADCASTER, ...broadcasterArgs("outputs")]);
  await waitReady(`${bcast.url}/health`);
  const other = flags.compare
    ? await start("compare", [flags.compare, ...broadcasterArgs("outputs-compare")])
    : undefined;
  if (other) await waitReady(`${other.url}/health`);
  // The floor: two proxies that only pipe bytes, in the broadcaster's and orchestrator's places.
  const inner = await start("pass-through-inner", [PASS_THROUGH, runner.url]);
  const outer = await start("pass-through-outer", [PASS_THROUGH, inner.url]);
  await new Promise((r) => setTimeout(r, 300));

  const VIA_O = "orchestrator → runner";
  const VIA_B = "broadcaster → orchestrator → runner";
  const VIA_C = "compare: broadcaster → orch. → runner";
  const targets = [
    ["runner direct", runner.url, {}],
    [FLOOR, outer.url, {}],
    [VIA_O, orch.url, { authorization: `Bearer ${SECRET}` }],
    [VIA_B, bcast.url, {}],
    ...(other ? [[VIA_C, other.url, {}]] : []),
  ];
  const pids = {
    broadcaster: bcast.child.pid,
    orchestrator: orch.child.pid,
    inner: inner.child.pid,
    outer: outer.child.pid,
    ...(other ? { compare: other.child.pid } : {}),
  };
  const workloads = [
    [`upscale ${SIZE}×${SIZE}`, png(SIZE, SIZE)],
    ["1 MB upload", png(SIZE, SIZE, 1024 * 1024)],
  ];
  const report = { load_average: loadavg(), workloads: {} };
  for (const [workload, image] of workloads.filter(([w]) => !flags.only || w.includes(flags.only))) {
    const runs = Object.fromEntries(targets.map(([name]) => [name, []]));
    const single = Object.fromEntries(targets.map(([name]) => [name, []]));
    // CPU ms of each process while its own target ran, and the jobs it served meanwhile.
    const cpu = { broadcaster: 0, orchestrator: 0, proxies: 0, jobsB: 0, jobsF: 0, compare: 0, jobsC: 0, jobsO: 0 };
    for (const [, url, headers] of targets) await load(url, headers, image, WARMUP, CONCURRENCY, MODEL);
    // Full collections of each hop over the measured rounds (from its /metrics).
    const hops = [["broadcaster", bcast.url], ["orchestrator", orch.url], ...(other ? [["compare", other.url]] : [])];
    const gcsBefore = await Promise.all(hops.map(([, url]) => fullGcs(url)));
    const perRound = Math.ceil(REQUESTS / ROUNDS);
    const singlePerRound = Math.ceil(SINGLE / ROUNDS);
    // Interleave the targets in rounds, in a rotating order, so drift on a shared machine hits each alike. The
    // compare build takes its jobs at the same time as this one, never in a round of its own: in rounds of their
    // own, identical builds read 5–23 % apart, always in the compare's favour (the round it came in mattered more
    // than the code).
    const loaded = targets.filter(([name]) => name !== VIA_C);
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < loaded.length; i++) {
        const [name, url, headers] = loaded[(i + r) % loaded.length];
        const c0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
        const paired = name === VIA_B && other;
        const [mine, theirs] = await Promise.all([
          load(url, headers, image, perRound, CONCURRENCY, MODEL),
          paired ? load(other.url, {}, image, perRound, CONCURRENCY, MODEL) : undefined,
        ]);
        runs[name].push(mine);
        if (name === VIA_B) {
          cpu.broadcaster += cpuMs(pids.broadcaster) - c0.broadcaster;
          cpu.orchestrator += cpuMs(pids.orchestrator) - c0.orchestrator;
          cpu.jobsB += perRound;
          // The orchestrator serves the compare build's jobs of the round too.
          cpu.jobsO += paired ? 2 * perRound : perRound;
        }
        if (theirs) {
          runs[VIA_C].push(theirs);
          cpu.compare += cpuMs(pids.compare) - c0.compare;
          cpu.jobsC += perRound;
        }
        if (name === FLOOR) {
          cpu.proxies += cpuMs(pids.inner) - c0.inner + cpuMs(pids.outer) - c0.outer;
          cpu.jobsF += perRound;
        }
      }
      // One request at a time: the latency each hop adds when nothing queues. The compare build takes turns with
      // this one request by request, each first in every other pair: in runs of their own, one after the other,
      // the same code read 0.9–1.0 ms (≈ 20 %) apart at p50, in the compare's favour (docs/performance.md, ninth
      // round (2)).
      for (let i = 0; i < targets.length; i++) {
        const [name, url, headers] = targets[(i + r) % targets.length];
        if (name === VIA_C) continue;
        if (name === VIA_B && other) {
          for (let k = 0; k < singlePerRound; k++) {
            const pair = [
              [VIA_B, url],
              [VIA_C, other.url],
            ];
            for (const [n, u] of k % 2 === 0 ? pair : pair.reverse()) {
              single[n].push(await load(u, headers, image, 1, 1, MODEL));
            }
          }
          continue;
        }
        single[name].push(await load(url, headers, image, singlePerRound, 1, MODEL));
      }
    }
    const gcsAfter = await Promise.all(hops.map(([, url]) => fullGcs(url)));
    const results = Object.fromEntries(targets.map(([name]) => [name, summary(runs[name])]));
    const alone = Object.fromEntries(targets.map(([name]) => [name, summary(single[name])]));
    console.log(
      `\n${workload} (${mb(image.length)} PNG, tiny ESRGAN ×4): ${REQUESTS} requests at concurrency ${CONCURRENCY} in ${ROUNDS} rounds, ${SINGLE} one at a time (after ${WARMUP} warm-up) — ${load1()}\n`,
    );
    const header = `${"target".padEnd(38)}  p50 ms   p90 ms   p99 ms   req/s  failed   +p50 ms  +p99 ms  ×p50`;
    // Each row against the runner-direct baseline of the same run: added ms and the p50 ratio.
    const row = (name, r, b) =>
      `${name.padEnd(38)}${fmt(r.p50)} ${fmt(r.p90)} ${fmt(r.p99)} ${r.rps.toFixed(0).padStart(7)} ${String(r.failures).padStart(7)}  ${fmt(r.p50 - b.p50)} ${fmt(r.p99 - b.p99)} ${(r.p50 / b.p50).toFixed(2).padStart(5)}`;
    console.log(header);
    for (const [name] of targets) console.log(row(name, results[name], results["runner direct"]));
    console.log(`\none request at a time:`);
    for (const [name] of targets) console.log(row(name, alone[name], alone["runner direct"]));

    // A job's garbage that outlives the young generation (an upload held from the old one) shows here long before it
    // shows in the CPU ratios.
    const gcs = hops
      .map(([name], i) => (gcsBefore[i] === undefined ? undefined : `${name} ${gcsAfter[i] - gcsBefore[i]}`))
      .filter(Boolean);
    if (gcs.length) console.log(`\nfull GCs during the ${workload} rounds: ${gcs.join(", ")}`);
    const perJob = {
      broadcaster: cpu.broadcaster / cpu.jobsB,
      orchestrator: cpu.orchestrator / cpu.jobsO,
      // Both proxies carry every job of the floor target: one proxy's share is half of the pair's.
      proxy: cpu.proxies / cpu.jobsF / 2,
      ...(other ? { compare: cpu.compare / cpu.jobsC } : {}),
    };
    const added = (p) => ({
      pair: alone[VIA_B][p] - alone["runner direct"][p],
      floor: alone[FLOOR][p] - alone["runner direct"][p],
      ...(other ? { compare: alone[VIA_C][p] - alone["runner direct"][p] } : {}),
    });
    const a50 = added("p50");
    const a99 = added("p99");
    console.log(
      `\nCPU per job (from /proc): broadcaster ${perJob.broadcaster.toFixed(2)} ms, orchestrator ${perJob.orchestrator.toFixed(2)} ms, one pass-through proxy ${perJob.proxy.toFixed(2)} ms`,
    );
    console.log(
      `one request at a time, added over the runner: broadcaster + orchestrator p50 ${a50.pair.toFixed(2)} ms, p99 ${a99.pair.toFixed(2)} ms; two chained proxies p50 ${a50.floor.toFixed(2)} ms, p99 ${a99.floor.toFixed(2)} ms`,
    );
    // An added latency at or below zero is the runner's own spread, not a hop's cost: its ratio would mean nothing
    // (a p99 of two proxies 1 ms above the runner's, and of both hops 2 ms below it, printed −1.96×).
    const ratio = (x, y) => (y > 0 && x >= 0 ? (x / y).toFixed(2) : "n/a (within the runner's own spread)");
    console.log(
      `broadcaster, ${workload} — CPU per job: ${ratio(perJob.broadcaster, perJob.proxy)} × the pass-through proxy`,
    );
    console.log(
      `orchestrator, ${workload} — CPU per job: ${ratio(perJob.orchestrator, perJob.proxy)} × the pass-through proxy`,
    );
    for (const [p, a] of [
      ["p50", a50],
      ["p99", a99],
    ]) {
      console.log(
        `broadcaster + orchestrator, ${workload}, one request at a time — added ${p}: ${ratio(a.pair, a.floor)} × two chained pass-through proxies`,
      );
    }
    if (other) {
      console.log(
        `compare (${flags.compare}): broadcaster ${perJob.compare.toFixed(2)} ms CPU per job; one at a time added p50 ${a50.compare.toFixed(2)} ms, p99 ${a99.compare.toFixed(2)} ms`,
      );
      console.log(
        `compare broadcaster, ${workload} — CPU per job: ${ratio(perJob.compare, perJob.proxy)} × the pass-through proxy`,
      );
      console.log(
        `broadcaster, ${workload} — CPU per job: ${(perJob.broadcaster / perJob.compare).toFixed(3)} × the compare build (this ${perJob.broadcaster.toFixed(2)} ms, compare ${perJob.compare.toFixed(2)} ms, loaded together)`,
      );
      for (const [p, a] of [
        ["p50", a50],
        ["p99", a99],
      ]) {
        console.log(
          `compare broadcaster + orchestrator, ${workload}, one request at a time — added ${p}: ${ratio(a.compare, a.floor)} × two chained pass-through proxies`,
        );
      }
    }
    report.workloads[workload] = {
      bytes: image.length,
      results,
      single: alone,
      cpu_ms_per_job: perJob,
      added: { p50: a50, p99: a99 },
    };
  }

  // Peak RSS for one large upload: reset each high-water mark (Linux clear_refs 5), upload, read them again.
  const big = png(16, 16, UPLOAD_MB * 1024 * 1024);
  await new Promise((r) => setTimeout(r, 500));
  let reset = true;
  const before = {};
  for (const [name, pid] of [
    ["broadcaster", pids.broadcaster],
    ["orchestrator", pids.orchestrator],
  ]) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, "5");
    } catch {
      reset = false;
    }
    before[name] = memory(pid);
  }
  const res = await job(bcast.url, {}, big, MODEL);
  const answer = await res.text();
  console.log(
    `\n${mb(big.length)} upload through the broadcaster and the orchestrator: HTTP ${res.status}${res.status === 200 ? "" : ` ${answer.slice(0, 160)}`} — ${load1()}`,
  );
  report.upload = { bytes: big.length, status: res.status };
  for (const [name, pid] of [
    ["broadcaster", pids.broadcaster],
    ["orchestrator", pids.orchestrator],
  ]) {
    const after = memory(pid);
    // The high-water mark can end below the RSS read just after its reset (memory freed meanwhile): no rise.
    const rise = Math.max(0, after.hwm - (reset ? before[name].rss : before[name].hwm));
    report.upload[name] = { rise };
    console.log(
      `${name}, ${mb(big.length)} upload — peak RSS rise: ${(rise / big.length).toFixed(2)} × the payload (RSS before ${mb(before[name].rss)}, peak ${mb(after.hwm)}; target < 1.5×)${reset ? "" : " (peak not resettable here: against the earlier peak)"}`,
    );
  }
  if (flags.json) writeFileSync(flags.json, JSON.stringify(report, null, 2));
} finally {
  for (const c of children) c.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : undefined)));
  rmSync(dir, { recursive: true, force: true });
}

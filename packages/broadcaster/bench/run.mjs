#!/usr/bin/env node
/**
 * @module Broadcaster overhead benchmark, one command (`pnpm --filter @ai-video-subnet/broadcaster bench`, after a
 * build). In one run, on the runner's tiny ESRGAN model with an 8×8 input (near-instant inference), it sends the
 * same upscale job at a fixed concurrency to: the runner directly; two pass-through proxies chained in front of it
 * (the orchestrator package's `bench/pass-through.mjs`: they only pipe bytes, so they show what two Node HTTP hops
 * cost on this machine — the floor under the real pair); an orchestrator alone (its own runner); and a broadcaster
 * in front of that orchestrator. Each is a real process. It prints p50/p90/p99 latency and throughput
 * of each, the overhead of each layer against the runner, and then the broadcaster's peak-RSS rise for one 20 MB
 * upload (a valid PNG carrying a 20 MB private ancillary chunk, so the job succeeds end to end).
 *
 * Flags: --concurrency 32  --requests 1000  --warmup 100  --upload-mb 20  --json <file>
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { encodePng, pngChunk } from "@ai-video-subnet/server-kit";
import { startServer } from "./server-process.mjs";

const { values: flags } = parseArgs({
  options: {
    concurrency: { type: "string", default: "32" },
    requests: { type: "string", default: "1000" },
    warmup: { type: "string", default: "100" },
    "upload-mb": { type: "string", default: "20" },
    json: { type: "string" },
  },
});
const CONCURRENCY = Number(flags.concurrency);
const REQUESTS = Number(flags.requests);
const WARMUP = Number(flags.warmup);
const UPLOAD_MB = Number(flags["upload-mb"]);

const PKG = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (pkg, name) => join(PKG, "node_modules/@ai-video-subnet", pkg, "bin", name);
const RUNNER = bin("runner", "avs-runner.mjs");
const ORCHESTRATOR = bin("orchestrator", "avs-orchestrator.mjs");
const BROADCASTER = join(PKG, "bin/avs-broadcaster.mjs");
const PASS_THROUGH = join(PKG, "node_modules/@ai-video-subnet/orchestrator/bench/pass-through.mjs");
const FLOOR = "2 pass-through proxies → runner";
const MODEL = "tiny/esrgan-x4";
const SECRET = "bench-secret";

const dir = mkdtempSync(join(tmpdir(), "avs-bench-"));
const models = join(dir, "models");
const children = [];

/** An RGB PNG; `padding` bytes go in a private ancillary chunk (after IHDR) that decoders skip. */
function png(width, height, padding = 0) {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 37) & 0xff;
  const file = Buffer.from(encodePng(width, height, rgb));
  if (padding === 0) return file;
  const afterHeader = 8 + 25;
  return Buffer.concat([
    file.subarray(0, afterHeader),
    pngChunk("avSp", Buffer.alloc(padding, 7)),
    file.subarray(afterHeader),
  ]);
}

/** Spawns a server process and resolves with its port from its `"msg":"listening"` line. */
const start = (name, args, env = {}) => startServer(name, args, children, env);

async function waitReady(url) {
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(url)
      .then(async (r) => r.ok && (await r.text()))
      .catch(() => false);
    if (ok && !ok.includes('"warm":false') && !ok.includes("LOADING")) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never became ready`);
}

const IMAGE = png(8, 8);
function job(url, headers = {}) {
  const form = new FormData();
  form.append("model_id", MODEL);
  form.append("prompt", "");
  form.append("image", new Blob([IMAGE], { type: "image/png" }), "in.png");
  return fetch(`${url}/upscale`, { method: "POST", body: form, headers });
}

async function load(url, headers, n, concurrency) {
  const latencies = [];
  let next = 0;
  let failures = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next += 1;
        const t = performance.now();
        const res = await job(url, headers);
        const text = await res.text();
        if (res.status !== 200 && process.env.BENCH_VERBOSE) console.error(text.slice(0, 300));
        if (res.status !== 200) {
          failures += 1;
          if (process.env.BENCH_VERBOSE) console.error(`HTTP ${res.status} from ${url}`);
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), rps: n / seconds, failures };
}

/** CPU time (user + system) a process has used, in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)[1]);
  return { rss: kb("VmRSS") * 1024, hwm: kb("VmHWM") * 1024 };
}

const fmt = (ms) => ms.toFixed(2).padStart(8);
const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MB`;

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
  ]);
  await waitReady(`${orch.url}/info`);
  const bcast = await start("broadcaster", [
    BROADCASTER,
    ...["--port", "0", "--orchestrator", orch.url, "--orchestrator-secret", SECRET],
    ...["--output-dir", join(dir, "outputs"), "--max-upload-bytes", String(64 * 1024 * 1024)],
  ]);
  // Drain the broadcaster's JSON log lines (info level, as operators run it).
  await waitReady(`${bcast.url}/health`);
  // The floor: two proxies that only pipe bytes, in the broadcaster's and orchestrator's places.
  const inner = await start("pass-through", [PASS_THROUGH, runner.url]);
  const outer = await start("pass-through", [PASS_THROUGH, inner.url]);
  await new Promise((r) => setTimeout(r, 300));

  const targets = [
    ["runner direct", runner.url, {}],
    [FLOOR, outer.url, {}],
    ["orchestrator → runner", orch.url, { authorization: `Bearer ${SECRET}` }],
    ["broadcaster → orchestrator → runner", bcast.url, {}],
  ];
  const results = {};
  const cpu = {
    orchestrator: 0,
    broadcaster: 0,
    floor: 0,
    jobs: { [FLOOR]: 0, "orchestrator → runner": 0, "broadcaster → orchestrator → runner": 0 },
  };
  for (const [, url, headers] of targets) await load(url, headers, WARMUP, CONCURRENCY);
  // Interleave the three in rounds so drift on a shared machine affects each equally.
  const rounds = 2;
  for (let r = 0; r < rounds; r++) {
    for (const [name, url, headers] of targets) {
      const proxies = () => cpuMs(inner.child.pid) + cpuMs(outer.child.pid);
      const c0 = { o: cpuMs(orch.child.pid), b: cpuMs(bcast.child.pid), f: proxies() };
      const res = await load(url, headers, Math.ceil(REQUESTS / rounds), CONCURRENCY);
      if (name === "broadcaster → orchestrator → runner") {
        cpu.broadcaster += cpuMs(bcast.child.pid) - c0.b;
        cpu.orchestrator += cpuMs(orch.child.pid) - c0.o;
      }
      if (name === FLOOR) cpu.floor += proxies() - c0.f;
      if (name in cpu.jobs) cpu.jobs[name] += Math.ceil(REQUESTS / rounds);
      const prev = results[name];
      results[name] = prev
        ? {
            p50: (prev.p50 + res.p50) / 2,
            p90: (prev.p90 + res.p90) / 2,
            p99: Math.max(prev.p99, res.p99),
            rps: (prev.rps + res.rps) / 2,
            failures: prev.failures + res.failures,
          }
        : res;
    }
  }
  // One request at a time: the latency each hop adds when nothing queues.
  const single = {};
  for (const [name, url, headers] of targets) single[name] = await load(url, headers, Math.min(200, REQUESTS), 1);
  const base = results["runner direct"];
  console.log(
    `\nupscale ${MODEL}, 8×8 input, ${REQUESTS} requests at concurrency ${CONCURRENCY} (after ${WARMUP} warm-up)\n`,
  );
  const header = `${"target".padEnd(38)}  p50 ms   p90 ms   p99 ms   req/s  failed   +p50 ms  +p99 ms  ×p50`;
  // Each row against the runner-direct baseline of the same run: added ms and the p50 ratio.
  const row = (name, r, b) =>
    `${name.padEnd(38)}${fmt(r.p50)} ${fmt(r.p90)} ${fmt(r.p99)} ${r.rps.toFixed(0).padStart(7)} ${String(r.failures).padStart(7)}  ${fmt(r.p50 - b.p50)} ${fmt(r.p99 - b.p99)} ${(r.p50 / b.p50).toFixed(2).padStart(5)}`;
  console.log(header);
  for (const [name] of targets) console.log(row(name, results[name], base));
  console.log(`\none request at a time (${Math.min(200, REQUESTS)} requests):`);
  for (const [name] of targets) console.log(row(name, single[name], single["runner direct"]));
  const viaOrch = results["orchestrator → runner"];
  const viaB = results["broadcaster → orchestrator → runner"];
  console.log(
    `\nbroadcaster + orchestrator add: p50 ${(viaB.p50 - base.p50).toFixed(2)} ms (target ≤ 3), p99 ${(viaB.p99 - base.p99).toFixed(2)} ms (target ≤ 15)`,
  );
  const floor = results[FLOOR];
  console.log(
    `two pass-through proxies (the floor of any two Node HTTP hops here) add: p50 ${(floor.p50 - base.p50).toFixed(2)} ms, p99 ${(floor.p99 - base.p99).toFixed(2)} ms`,
  );
  console.log(
    `broadcaster alone adds (vs orchestrator): p50 ${(viaB.p50 - viaOrch.p50).toFixed(2)} ms, p99 ${(viaB.p99 - viaOrch.p99).toFixed(2)} ms`,
  );
  const perJob = (ms, name = "broadcaster → orchestrator → runner") => (ms / cpu.jobs[name]).toFixed(2);
  console.log(
    `CPU per job (from /proc, whatever else runs on the machine): broadcaster ${perJob(cpu.broadcaster)} ms, orchestrator ${perJob(cpu.orchestrator)} ms; the two pass-through proxies ${perJob(cpu.floor, FLOOR)} ms together`,
  );

  // Peak RSS for one large upload: reset the high-water mark (Linux clear_refs 5), upload, read it again.
  const big = png(16, 16, UPLOAD_MB * 1024 * 1024);
  await new Promise((r) => setTimeout(r, 500));
  global.gc?.();
  let reset = true;
  try {
    writeFileSync(`/proc/${bcast.child.pid}/clear_refs`, "5");
  } catch {
    reset = false;
  }
  const before = memory(bcast.child.pid);
  const form = new FormData();
  form.append("model_id", MODEL);
  form.append("prompt", "");
  form.append("image", new Blob([big], { type: "image/png" }), "big.png");
  const res = await fetch(`${bcast.url}/upscale`, { method: "POST", body: form });
  const answer = await res.text();
  const after = memory(bcast.child.pid);
  const rise = after.hwm - (reset ? before.rss : before.hwm);
  console.log(
    `\n${mb(big.length)} upload through the broadcaster: HTTP ${res.status}${res.status === 200 ? "" : ` ${answer.slice(0, 160)}`}`,
  );
  console.log(
    `broadcaster RSS before ${mb(before.rss)}, peak during ${mb(after.hwm)}: rise ${mb(rise)} = ${(rise / big.length).toFixed(2)}× the payload (target < 3×)${reset ? "" : " (peak not resettable here: rise is against the earlier peak)"}`,
  );
  if (flags.json) {
    writeFileSync(
      flags.json,
      JSON.stringify(
        {
          concurrency: CONCURRENCY,
          requests: REQUESTS,
          results,
          single,
          cpu_ms_per_job: {
            broadcaster: cpu.broadcaster / cpu.jobs["broadcaster → orchestrator → runner"],
            orchestrator: cpu.orchestrator / cpu.jobs["broadcaster → orchestrator → runner"],
            pass_through_pair: cpu.floor / cpu.jobs[FLOOR],
          },
          upload: { bytes: big.length, status: res.status, rise },
        },
        null,
        2,
      ),
    );
  }
} finally {
  for (const c of children) c.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : undefined)));
  rmSync(dir, { recursive: true, force: true });
}

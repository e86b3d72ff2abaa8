#!/usr/bin/env node
/**
 * @module Benchmark: the image-to-video → FILM chain against its parts, in the same run on the same runners. Two
 * `avs-runner` processes (tiny/svd, tiny/film) and one `avs-orchestrator` that reaches them as external runners.
 * Each round, in rotating order: (a) the parts called directly — SVD's `/image-to-video` on its runner, then FILM's
 * `/frame-interpolation` on its runner with those frames as a PNG Matroska (the floor: no orchestrator, no
 * hand-over); (b) one `/image-to-video` with `output_fps` through the orchestrator. Prints medians, the ratio
 * chain ÷ parts, and the hand-over cost per job and per SVD frame (chain − parts). Not a test: run on a quiet machine.
 *
 * Usage: pnpm --filter @ai-video-subnet/orchestrator run bench:chain [-- --rounds 15 --size 64 --steps 2 --json] (--help)
 * (needs the built packages: pnpm turbo run build --filter=@ai-video-subnet/orchestrator...)
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { encodePng } from "@ai-video-subnet/server-kit";
import { defaultRunnerCommand } from "../dist/index.js";
import { orchestratorArgs } from "./measure.mjs";

let args;
try {
  ({ values: args } = parseArgs({
    // `pnpm bench:chain -- --rounds 5` passes the `--` on.
    args: process.argv.slice(2).filter((a) => a !== "--"),
    options: {
      rounds: { type: "string", default: "15" },
      size: { type: "string", default: "64" },
      steps: { type: "string", default: "2" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  }));
} catch (e) {
  // A usage error is one line and exit 2, as bench/overhead.mjs prints it, not a stack trace.
  const flag = e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /'([^']+)'/.exec(e.message)?.[1] : undefined;
  console.error(flag ? `unknown flag ${flag}; see --help` : `${e.message}; see --help`);
  process.exit(2);
}
if (args.help) {
  console.log(`Usage: node bench/chain.mjs [options]   (pnpm --filter @ai-video-subnet/orchestrator bench:chain -- [options])
The image-to-video → FILM chain through the orchestrator against its parts called directly on the same runners
(tiny/svd, tiny/film), in rotating order each round; prints medians, chain ÷ parts and the hand-over cost.
Needs the built packages (pnpm turbo run build --filter=@ai-video-subnet/orchestrator...).
  --rounds N            rounds (default 15)
  --size N              input image side (default 64)
  --steps N             SVD denoising steps (default 2)
  --json                print the figures as one JSON line instead of the table
  --help                this text`);
  process.exit(0);
}
const ROUNDS = Number(args.rounds);
const SIZE = Number(args.size);
const STEPS = Number(args.steps);
const FPS = 7;
const OUTPUT_FPS = 24;
const SVD = "tiny/svd";
const FILM = "tiny/film";
const TOKEN = "bench-runner-token";
const SECRET = "bench-secret";

function startProcess(cmd, argv, env, name) {
  const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const port = new Promise((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (d) => {
      buf += d;
      for (const line of buf.split("\n")) {
        if (line.includes('"msg":"listening"') && !line.includes('"runner"')) resolve(JSON.parse(line).port);
      }
      buf = buf.slice(buf.lastIndexOf("\n") + 1);
    });
    child.once("exit", (code) => reject(new Error(`${name} exited (${code}) before listening`)));
  });
  return { child, port };
}

async function waitOk(url, ms = 120_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const body = await (await fetch(url)).json();
      if (body.status === "OK" || body.capabilities?.every((c) => c.warm)) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready`);
}

async function post(url, headers, fields) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (v instanceof Blob) form.append(k, v, k);
    else form.append(k, String(v));
  }
  const t0 = performance.now();
  const res = await fetch(url, { method: "POST", headers, body: form });
  const body = await res.json();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return { ms, body };
}

/** The SVD frames (PNG data URLs) as a PNG Matroska at FPS, as the orchestrator hands them to FILM. */
function matroska(frames) {
  const pngs = Buffer.concat(frames.map((f) => Buffer.from(f.url.slice(f.url.indexOf(",") + 1), "base64")));
  const mkv = execFileSync(
    "ffmpeg",
    [
      "-v",
      "error",
      "-f",
      "image2pipe",
      "-framerate",
      String(FPS),
      "-c:v",
      "png",
      "-i",
      "pipe:0",
      "-c:v",
      "copy",
      "-f",
      "matroska",
      "pipe:1",
    ],
    { input: pngs, maxBuffer: 1 << 28 },
  );
  return new Blob([mkv], { type: "video/x-matroska" });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const root = mkdtempSync(join(tmpdir(), "avs-chain-bench-"));
const models = join(root, "models");
const [node, runnerBin] = defaultRunnerCommand();
for (const id of [SVD, FILM])
  execFileSync(node, [runnerBin, "models", "install", id, "--model-dir", models], { stdio: "ignore" });
const env = { MODEL_DIR: models, AUTH_TOKEN: TOKEN, PORT: "0", HOST: "127.0.0.1" };
const svdRunner = startProcess(node, [runnerBin], { ...env, PIPELINE: "image-to-video", MODEL_ID: SVD }, "svd runner");
const filmRunner = startProcess(
  node,
  [runnerBin],
  { ...env, PIPELINE: "frame-interpolation", MODEL_ID: FILM },
  "film runner",
);
const children = [svdRunner.child, filmRunner.child];
try {
  const svdUrl = `http://127.0.0.1:${await svdRunner.port}`;
  const filmUrl = `http://127.0.0.1:${await filmRunner.port}`;
  await waitOk(`${svdUrl}/health`);
  await waitOk(`${filmUrl}/health`);
  const config = join(root, "aiModels.json");
  writeFileSync(
    config,
    JSON.stringify([
      { pipeline: "image-to-video", model_id: SVD, url: svdUrl, token: TOKEN, capacity: 1 },
      { pipeline: "frame-interpolation", model_id: FILM, url: filmUrl, token: TOKEN, capacity: 1 },
    ]),
  );
  const orchBin = fileURLToPath(new URL("../bin/avs-orchestrator.mjs", import.meta.url));
  const orch = startProcess(
    node,
    orchestratorArgs(orchBin, { config, models, secret: SECRET }, ["--media-delivery", "data"]),
    {},
    "orchestrator",
  );
  children.push(orch.child);
  const orchUrl = `http://127.0.0.1:${await orch.port}`;
  await waitOk(`${orchUrl}/info`);

  const runnerAuth = { authorization: `Bearer ${TOKEN}` };
  const image = new Blob(
    [
      encodePng(
        SIZE,
        SIZE,
        new Uint8Array(SIZE * SIZE * 3).map((_, i) => (i * 7) & 255),
      ),
    ],
    { type: "image/png" },
  );
  const svdFields = { image, width: SIZE, height: SIZE, fps: FPS, num_inference_steps: STEPS, seed: 1 };
  const parts = async () => {
    const svd = await post(`${svdUrl}/image-to-video`, runnerAuth, svdFields);
    const frames = svd.body.frames[0];
    const film = await post(`${filmUrl}/frame-interpolation`, runnerAuth, {
      video: matroska(frames),
      output_fps: OUTPUT_FPS,
    });
    return { svd: svd.ms, film: film.ms, frames: frames.length };
  };
  const chain = async () =>
    (
      await post(
        `${orchUrl}/image-to-video`,
        { authorization: `Bearer ${SECRET}` },
        { ...svdFields, model_id: SVD, output_fps: OUTPUT_FPS },
      )
    ).ms;

  await parts();
  await chain();
  const rows = { svd: [], film: [], parts: [], chain: [] };
  let frames = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ["parts", "chain"] : ["chain", "parts"];
    for (const which of order) {
      if (which === "chain") rows.chain.push(await chain());
      else {
        const p = await parts();
        frames = p.frames;
        rows.svd.push(p.svd);
        rows.film.push(p.film);
        rows.parts.push(p.svd + p.film);
      }
    }
  }
  const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)]));
  const handover = m.chain - m.parts;
  const result = {
    rounds: ROUNDS,
    size: SIZE,
    steps: STEPS,
    svd_frames: frames,
    output_frames: Math.round((frames * OUTPUT_FPS) / FPS),
    median_ms: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v * 10) / 10])),
    chain_over_parts: Math.round((m.chain / m.parts) * 1000) / 1000,
    handover_ms_per_job: Math.round(handover * 10) / 10,
    handover_ms_per_frame: Math.round((handover / frames) * 100) / 100,
    loadavg_1m: Math.round(loadavg()[0] * 100) / 100,
  };
  if (args.json) console.log(JSON.stringify(result));
  else {
    console.log(
      `image-to-video → FILM chain, ${SIZE}×${SIZE}, ${STEPS} steps, ${frames} frames at ${FPS} fps → ${result.output_frames} at ${OUTPUT_FPS} fps; ${ROUNDS} rounds, medians`,
    );
    console.log(`  SVD direct            ${m.svd.toFixed(1)} ms`);
    console.log(`  FILM direct           ${m.film.toFixed(1)} ms`);
    console.log(`  parts (floor)         ${m.parts.toFixed(1)} ms`);
    console.log(`  chain (orchestrator)  ${m.chain.toFixed(1)} ms   ratio to floor ${result.chain_over_parts}×`);
    console.log(
      `  hand-over + hop       ${handover.toFixed(1)} ms per job, ${result.handover_ms_per_frame} ms per SVD frame`,
    );
    console.log(`  load average (1 min)  ${result.loadavg_1m}`);
  }
} finally {
  for (const c of children) c.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 500));
  rmSync(root, { recursive: true, force: true });
}

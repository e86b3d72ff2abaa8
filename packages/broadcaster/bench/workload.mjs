/**
 * @module The broadcaster benchmark's load and its readings: the PNG inputs, upscale jobs sent at a given
 * concurrency, latency summaries, and a process's CPU time and memory from /proc.
 */
import { readFileSync } from "node:fs";
import { encodePng, pngChunk } from "@ai-video-subnet/server-kit";

/** An RGB PNG; `padding` bytes go in a private ancillary chunk (after IHDR) that decoders skip. */
export function png(width, height, padding = 0) {
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

/** Waits until `url` answers 200 with nothing loading or cold. */
export async function waitReady(url) {
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(url)
      .then(async (r) => r.ok && (await r.text()))
      .catch(() => false);
    if (ok && !ok.includes('"warm":false') && !ok.includes("LOADING")) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never became ready`);
}

/** One upscale job (multipart, as the SDK sends it). */
export function job(url, headers, image, model) {
  const form = new FormData();
  form.append("model_id", model);
  form.append("prompt", "");
  form.append("image", new Blob([image], { type: "image/png" }), "in.png");
  return fetch(`${url}/upscale`, { method: "POST", body: form, headers });
}

/**
 * `n` upscale jobs of `model` on `image` against `url`, `concurrency` at a time: each latency, the wall seconds,
 * the failures.
 */
export async function load(url, headers, image, n, concurrency, model) {
  const latencies = [];
  let next = 0;
  let failures = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next += 1;
        const t = performance.now();
        try {
          const res = await job(url, headers, image, model);
          const text = await res.text();
          if (res.status !== 200) {
            failures += 1;
            if (process.env.BENCH_VERBOSE) console.error(`HTTP ${res.status} from ${url}: ${text.slice(0, 300)}`);
          }
        } catch (err) {
          // A connection a hop closed under a request (e.g. "other side closed") is a failed request of that target,
          // in its `failed` column, not the end of the run; said on stderr, as it should not happen.
          failures += 1;
          console.error(
            `request to ${url} failed: ${err.message} (${err.cause?.message ?? err.cause?.code ?? "no cause"})`,
          );
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { latencies, seconds, failures };
}

/** Latency quantiles, throughput and failures of the runs of one target, pooled. */
export function summary(runs) {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  const seconds = runs.reduce((a, r) => a + r.seconds, 0);
  const failures = runs.reduce((a, r) => a + r.failures, 0);
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), rps: latencies.length / seconds, failures };
}

/** CPU time (user + system) a process has used, in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
export function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident and peak resident memory of a process, in bytes, from /proc/<pid>/status. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)[1]);
  return { rss: kb("VmRSS") * 1024, hwm: kb("VmHWM") * 1024 };
}

/**
 * @module What the orchestrator bench measures with, apart from its flow: the input PNG, a process's CPU time and
 * resident memory from Linux's /proc, latency percentiles, and a server's full garbage collections.
 */
import { readFileSync } from "node:fs";
import { encodePng, padPng } from "@ai-video-subnet/server-kit";

/**
 * An RGB PNG with a busy pattern (so decoding and upscaling cost what a picture would); `padding` bytes go in a
 * private ancillary chunk after IHDR, which decoders skip (an upload of that size that still upscales 64×64).
 */
export function png(width, height, padding = 0) {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7) & 255;
  return padPng(encodePng(width, height, rgb), padding);
}

/**
 * The `avs-orchestrator` arguments both benches start it with: the model list `config`, a models dir, any free port,
 * the runner-facing `secret`, warnings only in its log, then `extra` flags.
 */
export function orchestratorArgs(bin, { config, models, secret }, extra = []) {
  return [
    bin,
    "--config",
    config,
    "--models-dir",
    models,
    "--port",
    "0",
    "--secret",
    secret,
    "--log-level",
    "warn",
    ...extra,
  ];
}

/** Resident and peak resident bytes of a process (Linux /proc; undefined elsewhere). */
export function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return undefined;
  }
}

/** CPU ms a process used so far (Linux /proc; undefined elsewhere). */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
export const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: pct(s, 50),
    p90: pct(s, 90),
    p99: pct(s, 99),
    mean: s.reduce((a, b) => a + b, 0) / s.length,
  };
};

/**
 * Full (mark-compact) collections the process behind `url` has run, from prom-client's GC histogram on its
 * `/metrics`; undefined for a server without it (the required-work floor, the pass-through proxy).
 * @example const before = await fullGcs(orchUrl);
 */
export async function fullGcs(url) {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const m = /^\S*nodejs_gc_duration_seconds_count\{kind="major"\} (\d+)/m.exec(text);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @module The image-to-video benchmark's CPU line: each request, then the same request's recorded `session.run` calls
 * replayed, each measured as CPU time of this process (`process.cpuUsage()`: user + system of every thread, in µs),
 * read before and after. Their paired difference is the work around ONNX Runtime (noise, Euler steps, conditioning
 * arrays, garbage collection, promise hops), which unlike the wall times does not grow while a thread waits for a core
 * on a loaded machine. ONNX Runtime's pool threads count on both sides alike. (Linux's per-thread
 * `/proc/thread-self/schedstat` was used first; on this machine's kernel it advances in scheduler ticks of ~4 ms, so a
 * few-ms replay often read 0.)
 */
import type { RunObserver } from "../pipelines/stable-diffusion/vae.js";
import { type RecordedCall, recorder } from "./pipeline-bench.js";
import { percentile } from "./stats.js";

/**
 * CPU time this process has used, in ms (µs resolution).
 *
 * @example
 * const c0 = processCpuMs(); work(); const spent = processCpuMs() - c0;
 */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The CPU comparison's figures (ms of this process's CPU per request, p50s). */
export interface CpuPairs {
  runs: number;
  request_cpu_ms: number;
  replay_cpu_ms: number;
  /** p50 of each request's CPU minus its replay's. */
  outside_cpu_ms: number;
  ratio: number;
}

async function replayOnce(calls: RecordedCall[]): Promise<void> {
  for (const [session, feeds, fetches] of calls) await (fetches ? session.run(feeds, fetches) : session.run(feeds));
}

/**
 * Runs `runs` requests (`request(i)`), each followed by `calls` (one request's recorded `session.run` calls, the same
 * shapes) replayed, and returns the p50s of their CPU in this process; undefined for no runs.
 *
 * @example
 * const cpu = await cpuPairs(100, calls, (i) => generateVideo(c, { ...base, seed: i }, {}, drop));
 */
export async function cpuPairs(
  runs: number,
  calls: RecordedCall[],
  request: (i: number) => Promise<unknown>,
): Promise<CpuPairs | undefined> {
  if (runs < 1) return undefined;
  const requests: number[] = [];
  const replays: number[] = [];
  const outside: number[] = [];
  for (let i = 0; i < runs; i++) {
    let c0 = processCpuMs();
    await request(5000 + i);
    const spent = processCpuMs() - c0;
    c0 = processCpuMs();
    await replayOnce(calls);
    const replayed = processCpuMs() - c0;
    requests.push(spent);
    replays.push(replayed);
    outside.push(spent - replayed);
  }
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const request50 = percentile(requests, 50);
  const replay50 = percentile(replays, 50);
  return {
    runs,
    request_cpu_ms: round(request50),
    replay_cpu_ms: round(replay50),
    outside_cpu_ms: round(percentile(outside, 50)),
    ratio: round(request50 / replay50),
  };
}

/**
 * The CPU line: `warmup` requests, one more recorded, then {@link cpuPairs} of `runs` requests against its replay,
 * printed and returned. `request(seed, observe?)` runs one request.
 *
 * @example
 * report.cpu = await cpuPhase(200, 10, (seed, observe) => generateVideo(c, { ...base, seed }, {}, drop, { onRun: observe }));
 */
export async function cpuPhase(
  runs: number,
  warmup: number,
  request: (seed: number, observe?: RunObserver) => Promise<unknown>,
): Promise<CpuPairs | undefined> {
  for (let i = 0; i < warmup; i++) await request(i);
  const { calls, observe } = recorder();
  await request(999, observe);
  const cpu = await cpuPairs(runs, calls, (i) => request(i));
  if (cpu) {
    console.log(
      `CPU of this process, each request then one request's calls replayed (${cpu.runs} pairs, p50s): request ${cpu.request_cpu_ms} ms, replayed session.run ${cpu.replay_cpu_ms} ms = ${cpu.ratio}; outside ONNX Runtime ${cpu.outside_cpu_ms} ms per request (waiting for a core not counted)`,
    );
  }
  return cpu;
}

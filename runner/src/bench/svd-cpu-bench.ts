/**
 * @module The image-to-video benchmark's CPU line: each request, then the same request's recorded `session.run` calls
 * replayed, each measured as CPU time of this (the JavaScript) thread from Linux's `/proc/thread-self/schedstat`, read
 * before and after so the reads stay out of what they measure. Their paired difference is the JavaScript work around
 * ONNX Runtime (noise, Euler steps, conditioning arrays, garbage collection pauses, promise hops), which unlike the wall
 * times does not grow while the thread waits for a core on a loaded machine. ONNX Runtime's pool threads are not
 * counted on either side; the share its calls take on this thread is the same in a request and in its replay.
 */
import { readFileSync } from "node:fs";
import type { RunObserver } from "../pipelines/stable-diffusion/vae.js";
import { type RecordedCall, recorder } from "./pipeline-bench.js";
import { percentile } from "./stats.js";

/**
 * CPU time this thread has used, in ms, or undefined off Linux.
 *
 * @example
 * const c0 = threadCpuMs(); work(); const spent = (threadCpuMs() ?? 0) - (c0 ?? 0);
 */
export function threadCpuMs(): number | undefined {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
  } catch {
    return undefined;
  }
}

/** The CPU comparison's figures (ms of this thread's CPU per request, p50s). */
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
 * shapes) replayed, and returns the p50s of their CPU on this thread; undefined where the thread's CPU cannot be read.
 *
 * @example
 * const cpu = await cpuPairs(100, calls, (i) => generateVideo(c, { ...base, seed: i }, {}, drop));
 */
export async function cpuPairs(
  runs: number,
  calls: RecordedCall[],
  request: (i: number) => Promise<unknown>,
): Promise<CpuPairs | undefined> {
  if (threadCpuMs() === undefined || runs < 1) return undefined;
  const requests: number[] = [];
  const replays: number[] = [];
  const outside: number[] = [];
  for (let i = 0; i < runs; i++) {
    let c0 = threadCpuMs() as number;
    await request(5000 + i);
    const spent = (threadCpuMs() as number) - c0;
    c0 = threadCpuMs() as number;
    await replayOnce(calls);
    const replayed = (threadCpuMs() as number) - c0;
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
 * printed and returned (undefined off Linux). `request(seed, observe?)` runs one request.
 *
 * @example
 * report.cpu = await cpuPhase(200, 10, (seed, observe) => generateVideo(c, { ...base, seed }, {}, drop, observe));
 */
export async function cpuPhase(
  runs: number,
  warmup: number,
  request: (seed: number, observe?: RunObserver) => Promise<unknown>,
): Promise<CpuPairs | undefined> {
  if (threadCpuMs() === undefined) return undefined;
  for (let i = 0; i < warmup; i++) await request(i);
  const { calls, observe } = recorder();
  await request(999, observe);
  const cpu = await cpuPairs(runs, calls, (i) => request(i));
  if (cpu) {
    console.log(
      `CPU of this thread, each request then one request's calls replayed (${cpu.runs} pairs, p50s): request ${cpu.request_cpu_ms} ms, replayed session.run ${cpu.replay_cpu_ms} ms = ${cpu.ratio}; outside ONNX Runtime ${cpu.outside_cpu_ms} ms per request (waiting for a core not counted)`,
    );
  }
  return cpu;
}

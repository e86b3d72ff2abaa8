/**
 * @module Diagnostics of `avs-runner bench --pipeline image-to-video` through a runner process: the median timeline of
 * a request (`--timeline`: the runner's `AVS_TIMELINE` milestones beside the client's) and an A/B of two builds'
 * runners given the same requests in alternating order (`--baseline`), frames compared byte for byte.
 */
import { closeSync, openSync, readFileSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TIMELINE_ENV } from "../internal/timeline.js";
import { percentile } from "./stats.js";
import { r3, startVideoRunner, type VideoRunner } from "./svd-request-bench.js";

/** The runner and the request both tools drive. */
export type VideoRequestSetup = {
  modelDir: string;
  modelId: string;
  threads: number;
  width: number;
  height: number;
  steps: number;
};

/**
 * The median timeline of `runs` requests (after `warmup`) through a runner process that writes one
 * (`AVS_TIMELINE`, see internal/timeline.ts): each milestone's median time from the client's send, in order, with
 * the runner's `session.run` calls summarised (first start, last end, their summed time and count).
 */
export async function requestTimeline(
  o: VideoRequestSetup,
  warmup: number,
  runs: number,
): Promise<{ milestones: { name: string; ms: number }[]; session_ms: number; session_runs: number }> {
  const dir = await mkdtemp(join(tmpdir(), "avs-timeline-"));
  const file = join(dir, "timeline.log");
  writeFileSync(file, "");
  const runner = await startVideoRunner({ ...o, env: { [TIMELINE_ENV]: file } });
  const at = new Map<string, number[]>();
  const sessions: number[] = [];
  let calls = 0;
  let last = 0;
  try {
    const fd = openSync(file, "a");
    const mark = (name: string) => writeSync(fd, `client ${name} ${process.hrtime.bigint()}\n`);
    for (let i = 0; i < warmup + runs; i++) {
      truncateSync(file);
      await runner.request({ ...o, seed: i }, mark);
      // The worker's last marks may land just after the answer's last byte.
      await new Promise((r) => setTimeout(r, 20));
      if (i < warmup) continue;
      const lines = readFileSync(file, "utf8").trim().split("\n");
      const events = lines
        .map((l) => l.split(" "))
        .map(([who, name, ns]) => ({ name: `${who} ${name}`, ns: BigInt(ns!) }));
      events.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
      const t0 = events.find((e) => e.name === "client client-send")!.ns;
      const ms = (ns: bigint) => Number(ns - t0) / 1e6;
      const seen = new Map<string, number>();
      let inside = 0n;
      let started = 0n;
      calls = 0;
      for (const e of events) {
        if (e.name === "worker session.run-start") {
          if (calls++ === 0)
            at.set("worker first session.run", [...(at.get("worker first session.run") ?? []), ms(e.ns)]);
          started = e.ns;
          continue;
        }
        if (e.name === "worker session.run-end") {
          inside += e.ns - started;
          last = ms(e.ns);
          continue;
        }
        const n = (seen.get(e.name) ?? 0) + 1;
        seen.set(e.name, n);
        const key = n === 1 ? e.name : `${e.name} #${n}`;
        at.set(key, [...(at.get(key) ?? []), ms(e.ns)]);
      }
      at.set("worker last session.run end", [...(at.get("worker last session.run end") ?? []), last]);
      sessions.push(Number(inside) / 1e6);
    }
    closeSync(fd);
  } finally {
    await runner.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const milestones = [...at].map(([name, v]) => ({ name, ms: r3(percentile(v, 50)) })).sort((a, b) => a.ms - b.ms);
  return { milestones, session_ms: r3(percentile(sessions, 50)), session_runs: calls };
}

/**
 * This build's runner against a baseline build's (`--baseline`), both serving at once and driven by the same client:
 * `runs` pairs of the same request (same seed) after `warmup`, the order inside a pair alternating; p50s, the median
 * of the paired differences (this − baseline) and whether every pair's frames are the same bytes.
 * @example const ab = await requestAb({ modelDir, modelId: "tiny/svd", threads: 0, width: 64, height: 64, steps: 25 }, "/work/main/runner/dist/cli.js", 10, 100);
 */
export async function requestAb(
  o: VideoRequestSetup,
  baselineCli: string,
  warmup: number,
  runs: number,
): Promise<{ p50_ms: number; baseline_p50_ms: number; paired_median_ms: number; pairs: number; same_frames: boolean }> {
  const ours = await startVideoRunner(o);
  let base: VideoRunner | undefined;
  try {
    base = await startVideoRunner({ ...o, cli: baselineCli });
    const mine: number[] = [];
    const theirs: number[] = [];
    const diff: number[] = [];
    let same = true;
    for (let i = 0; i < warmup + runs; i++) {
      const p = { ...o, seed: i };
      const [first, second] = i % 2 === 0 ? [ours, base] : [base, ours];
      const a = await first.request(p);
      const b = await second.request(p);
      const [m, t] = first === ours ? [a, b] : [b, a];
      same &&= m.pngs.length === t.pngs.length && m.pngs.every((png, k) => png.equals(t.pngs[k]!));
      if (i < warmup) continue;
      mine.push(m.ms);
      theirs.push(t.ms);
      diff.push(m.ms - t.ms);
    }
    return {
      p50_ms: r3(percentile(mine, 50)),
      baseline_p50_ms: r3(percentile(theirs, 50)),
      paired_median_ms: r3(percentile(diff, 50)),
      pairs: runs,
      same_frames: same,
    };
  } finally {
    await ours.stop();
    await base?.stop();
  }
}

/**
 * Prints (and returns) the median timeline of requests through a runner process (`--timeline`).
 * @example await printTimeline({ modelDir, modelId: "tiny/svd", threads: 0, width: 64, height: 64, steps: 25 }, 10, 50);
 */
export async function printTimeline(
  o: VideoRequestSetup,
  warmup: number,
  runs: number,
): Promise<Awaited<ReturnType<typeof requestTimeline>>> {
  const tl = await requestTimeline(o, warmup, runs);
  console.log(
    `timeline of a request through the runner (POST /image-to-video, ${o.modelId} ${o.width}×${o.height}, ${o.steps} steps; median ms from the client's send over ${runs} requests after ${warmup}; each milestone is a synchronous write, so a traced request is slower than an untraced one)`,
  );
  for (const m of tl.milestones) console.log(`  ${m.ms.toFixed(3).padStart(8)}  ${m.name}`);
  console.log(`  session.run: ${tl.session_ms} ms in ${tl.session_runs} calls (summed)`);
  return tl;
}

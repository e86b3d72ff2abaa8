/**
 * @module What `overhead.mjs` prints from the workloads it measured: the latency table of the three paths, each
 * process's CPU per request, and one line per figure a hop controls (CPU per job against the pass-through proxy, full
 * garbage collections per 1000 jobs, and with `--baseline` CPU per job against the other build).
 */
import { stats } from "./measure.mjs";

/**
 * Prints the report of one run; returns the summaries its `--json` line carries.
 * @example const { d, p, o, small, big } = printReport({ small64, upload, baseline: true, settings });
 */
export function printReport({ small64, upload, baseline, settings }) {
  const { SIZE, MODEL, DELIVERY, CONCURRENCY, ROUNDS, REQUESTS, UPLOAD_MB, UPLOAD_REQUESTS, PIN } = settings;
  const { all, cpu, failures } = small64;
  const d = stats(all.direct);
  const o = stats(all.orchestrator);
  const p = stats(all.floor);
  const rows = [
    ["runner direct", d],
    ["via pass-through proxy", p],
    ["via orchestrator", o],
    [
      "added by pass-through",
      { n: "", p50: p.p50 - d.p50, p90: p.p90 - d.p90, p99: p.p99 - d.p99, mean: p.mean - d.mean },
    ],
    [
      "added by orchestrator",
      { n: "", p50: o.p50 - d.p50, p90: o.p90 - d.p90, p99: o.p99 - d.p99, mean: o.mean - d.mean },
    ],
    [
      "ratio via / direct",
      { n: "", p50: o.p50 / d.p50, p90: o.p90 / d.p90, p99: o.p99 / d.p99, mean: o.mean / d.mean },
    ],
  ];
  const f = (x, unit = " ms") => (typeof x === "number" ? `${x.toFixed(2)}${unit}` : String(x));
  console.log(
    `\nupscale ${SIZE}×${SIZE} → ${SIZE * 4}×${SIZE * 4} (${MODEL})${DELIVERY ? `, X-Media-Delivery: ${DELIVERY}` : ""}, concurrency ${CONCURRENCY}, ${ROUNDS} rounds × ${REQUESTS} requests per path, failures ${failures}` +
      (upload
        ? `; upload ${UPLOAD_MB} MB: ${UPLOAD_REQUESTS} requests per path per round, failures ${upload.failures}`
        : "") +
      (PIN
        ? "\nCPUs: runner alone on CPU 1 (1 ONNX Runtime thread); orchestrator and client on CPU 0\n"
        : "\nCPUs: shared by every process\n"),
  );
  console.log(
    `${"".padEnd(24)}${"n".padStart(7)}${"p50".padStart(12)}${"p90".padStart(12)}${"p99".padStart(12)}${"mean".padStart(12)}`,
  );
  for (const [name, s] of rows) {
    const unit = name.startsWith("ratio") ? "×" : " ms";
    console.log(
      `${name.padEnd(24)}${String(s.n).padStart(7)}${f(s.p50, unit).padStart(12)}${f(s.p90, unit).padStart(12)}${f(s.p99, unit).padStart(12)}${f(s.mean, unit).padStart(12)}`,
    );
  }
  const per = (ms, n) => (n ? `${(ms / n).toFixed(2)} ms` : "n/a");
  console.log(
    `\nCPU per request (user+sys, /proc): runner ${per(cpu.runner.direct, d.n)} direct, ${per(cpu.runner.orchestrator, o.n)} via orchestrator; orchestrator ${per(cpu.orchestrator, o.n)}; pass-through proxy ${per(cpu.floor, p.n)}`,
  );
  const pass = o.p50 - d.p50 <= 1 && o.p99 - d.p99 <= 5;
  console.log(`\ntarget: added p50 ≤ 1 ms and p99 ≤ 5 ms → ${pass ? "met" : "NOT met"}`);
  // The figure the orchestrator controls on a shared machine: its CPU per job against the proxy's.
  const ratio = (w) => {
    const mine = w.cpu.orchestrator / w.all.orchestrator.length;
    const floorCpu = w.cpu.floor / w.all.floor.length;
    return { mine, floor: floorCpu, ratio: mine / floorCpu };
  };
  const cpuLine = (name, r) =>
    `${name} — CPU per job: ${r.ratio.toFixed(2)} × the pass-through proxy (orchestrator ${r.mine.toFixed(2)} ms, proxy ${r.floor.toFixed(2)} ms; target ≤ 1.5× → ${r.ratio <= 1.5 ? "met" : "NOT met"})`;
  const small = ratio({ all, cpu });
  console.log("");
  console.log(cpuLine(`upscale ${SIZE}×${SIZE}`, small));
  const big = upload ? ratio(upload) : undefined;
  if (big) console.log(cpuLine(`upload ${UPLOAD_MB} MB`, big));
  // Full collections per 1000 jobs: a job's garbage that outlives the young generation (an upload held from the old
  // one) shows here long before it shows in the CPU ratio.
  const gcLine = (name, w) => {
    const [mine, theirs] = w.fullGc;
    if (mine === undefined) return undefined;
    const rate = (n, jobs) => ((1000 * n) / jobs).toFixed(1);
    const base = theirs === undefined ? "" : `, baseline ${rate(theirs, w.baselineJobs)}`;
    return `${name} — full GCs per 1000 jobs: orchestrator ${rate(mine, w.all.orchestrator.length)}${base}`;
  };
  for (const line of [gcLine(`upscale ${SIZE}×${SIZE}`, small64), upload && gcLine(`upload ${UPLOAD_MB} MB`, upload)]) {
    if (line) console.log(line);
  }
  if (baseline) {
    const vsBase = (name, w) => {
      const mine = w.cpu.orchestrator / w.all.orchestrator.length;
      const theirs = w.cpu.baseline / w.baselineJobs;
      return `${name} — CPU per job: ${(mine / theirs).toFixed(3)} × the baseline (this ${mine.toFixed(2)} ms, baseline ${theirs.toFixed(2)} ms, loaded together)`;
    };
    console.log(vsBase(`upscale ${SIZE}×${SIZE}`, small64));
    if (upload) console.log(vsBase(`upload ${UPLOAD_MB} MB`, upload));
  }
  return { d, p, o, small, big };
}

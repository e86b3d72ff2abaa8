/** @module The benchmark's table for the terminal. */
import { type BenchReport, describeErrors, type LevelResult } from "../bench.js";

const mb = (b: number | undefined) => (b === undefined ? "n/a" : `${Math.round(b / 1024 / 1024)} MB`);
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 1 : 0) : "-");
const si = (v: number) =>
  v >= 1e9
    ? `${(v / 1e9).toFixed(2)}G`
    : v >= 1e6
      ? `${(v / 1e6).toFixed(2)}M`
      : v >= 1e3
        ? `${(v / 1e3).toFixed(1)}k`
        : v.toFixed(1);

/**
 * The report as a heading, one table row per concurrency level, and the derived capacity and price.
 * @example console.log(formatReport(report));
 */
export function formatReport(r: BenchReport): string {
  const header = [
    "concurrency",
    "ok/runs",
    "errors",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "jobs/s",
    "units/s",
    "peak RSS",
    "GPU mem",
  ];
  const rows = r.levels.map((l) => [
    String(l.concurrency),
    `${l.ok}/${l.runs}`,
    describeErrors(l.errors),
    ms(l.latencyMs.p50),
    ms(l.latencyMs.p95),
    ms(l.latencyMs.p99),
    l.jobsPerSecond.toFixed(2),
    si(l.unitsPerSecond),
    mb(l.peak.targetRssBytes),
    mb(l.peak.gpuUsedBytes),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const what = r.pipeline === "upscale" || r.pipeline === "image-to-image" ? "input" : "output";
  const out = [
    `avs-bench: ${r.pipeline} / ${r.modelId} on ${r.target} ${r.url}`,
    `  ${r.size}×${r.size} ${what}, ${r.steps} step(s) → ${si(r.unitsPerJob)} units (pixels × frames × steps) per job`,
    `  load time: ${r.loadMs === undefined ? "n/a" : `${(r.loadMs / 1000).toFixed(2)} s`}; machine: ${r.machine.cpus}× ${r.machine.cpuModel}`,
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    ...errorNotes(r.levels),
    ...new Set(
      r.levels.flatMap((l) => (l.peak.targetRssUnavailable ? [`peak RSS n/a: ${l.peak.targetRssUnavailable}`] : [])),
    ),
    ...(r.target === "orchestrator" ? ["peak RSS: the orchestrator process's own, without its runners"] : []),
    "",
  ];
  if (r.batch) {
    const b = r.batch;
    const perImage = b.batched.p50 / b.images;
    out.push(
      `batching (concurrency 1, ${b.runs} jobs each): ${b.images} single-image jobs p50 ${ms(b.single.p50)} ms each, ` +
        `${b.singleImagesPerSecond.toFixed(2)} images/s; one job of ${b.images} images p50 ${ms(b.batched.p50)} ms ` +
        `(${ms(perImage)} ms per image), ${b.batchedImagesPerSecond.toFixed(2)} images/s — ` +
        `${(b.batchedImagesPerSecond / Math.max(b.singleImagesPerSecond, 1e-9)).toFixed(2)}× the images/s` +
        (describeErrors(b.errors) === "none" ? "" : `; errors ${describeErrors(b.errors, b.errorMessages)}`),
    );
  }
  if (r.suggestedCapacity !== undefined) {
    out.push(
      `capacity: ${r.suggestedCapacity} in flight gave the most jobs/s (measured levels: ${r.levels.map((l) => l.concurrency).join(", ")})`,
    );
  }
  if (r.breakEvenPricePerUnit !== undefined) {
    out.push(
      `break-even price_per_unit: ${r.breakEvenPricePerUnit.toPrecision(3)} per ${r.pixelsPerUnit} pixel×step unit(s) (pixels_per_unit ${r.pixelsPerUnit}) at full load`,
    );
  }
  return out.join("\n");
}

/** Under the table, what each failure reason said (the server's message for a status), once per reason and message. */
function errorNotes(levels: LevelResult[]): string[] {
  const notes = new Set<string>();
  for (const l of levels)
    for (const [reason, message] of Object.entries(l.errorMessages)) notes.add(`${reason}: ${message}`);
  return [...notes];
}

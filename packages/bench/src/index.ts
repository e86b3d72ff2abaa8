/**
 * @module Public entry of @ai-video-subnet/bench: `runBench` (what `avs-bench` runs), target detection, the
 * report formatter and the settings parser, for operators who script their benchmarks.
 */
export { type BenchReport, describeErrors, type LevelResult, runBench } from "./bench.js";
export type { MemoryPeaks } from "./measure/memory-sampler.js";
export { type Latency, percentile, summarise } from "./measure/percentiles.js";
export { type BenchOptions, parseBenchArgs, SETTINGS } from "./options.js";
export { formatReport } from "./report/format-report.js";
export { type DetectedTarget, detectTarget, type TargetKind } from "./targets/detect-target.js";
export { type InProcessRunner, startInProcessRunner } from "./targets/in-process.js";
export { type JobRequest, jobRequest, PIPELINES, type Pipeline, type Workload } from "./workload/job-request.js";
export { testImage } from "./workload/test-image.js";

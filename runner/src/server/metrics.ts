/** @module Prometheus metrics of one runner: requests by route and status, inference time, queue depth, model load time. */
import { metricsRegistry, requestCounter } from "@ai-video-subnet/server-kit";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** The runner's metrics, on their own registry (several runners can live in one process, e.g. in tests). */
export interface RunnerMetrics {
  registry: Registry;
  requests: Counter<"route" | "method" | "status">;
  inferenceSeconds: Histogram<"pipeline">;
  queueDepth: Gauge;
  modelLoadSeconds: Gauge<"model_id">;
  droppedJobs: Counter;
}

/**
 * Creates the metrics registry.
 * @example const m = createMetrics(); m.requests.inc({ route: "/upscale", method: "POST", status: "200" })
 */
export function createMetrics(): RunnerMetrics {
  // Process metrics, including nodejs_eventloop_lag_p99_seconds (1 ms resolution, reset at each scrape): the
  // benchmark reads it to show the HTTP thread stays responsive while the worker runs inference.
  const registry = metricsRegistry({ eventLoopMonitoringPrecision: 1 });
  new Gauge({
    name: "avs_runner_peak_rss_bytes",
    help: "Peak resident set size of the runner process",
    registers: [registry],
    collect() {
      this.set(process.resourceUsage().maxRSS * 1024);
    },
  });
  return {
    registry,
    requests: requestCounter(registry, "avs_runner_requests_total", "HTTP requests by route, method and status"),
    inferenceSeconds: new Histogram({
      name: "avs_runner_inference_seconds",
      help: "Time the worker spent on one job",
      labelNames: ["pipeline"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "avs_runner_queue_depth",
      help: "Jobs waiting or running",
      registers: [registry],
    }),
    modelLoadSeconds: new Gauge({
      name: "avs_runner_model_load_seconds",
      help: "Time it took to load the model",
      labelNames: ["model_id"],
      registers: [registry],
    }),
    droppedJobs: new Counter({
      name: "avs_runner_dropped_jobs_total",
      help: "Jobs dropped because the client disconnected before they started",
      registers: [registry],
    }),
  };
}

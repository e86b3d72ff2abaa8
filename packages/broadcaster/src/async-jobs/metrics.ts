/** @module Prometheus metrics of asynchronous jobs and webhooks, on the broadcaster's registry. */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** The metrics of asynchronous jobs. */
export interface AsyncJobMetrics {
  /** Jobs that ended here, by pipeline and final status. */
  ended: Counter<"pipeline" | "status">;
  /** Jobs running here now. */
  running: Gauge;
  /** From submission to this run's start, by pipeline. */
  queueSeconds: Histogram<"pipeline">;
  /** From submission to the end, by pipeline and final status. */
  jobSeconds: Histogram<"pipeline" | "status">;
  /**
   * Jobs started here after their holder stopped renewing their lease (killed, crashed, cut off from the store). A
   * job handed back on stop and started again is not one: see `handbacks`.
   */
  takeovers: Counter;
  /** Running jobs this broadcaster handed back to the queue as it stopped (their shutdown grace ran out). */
  handbacks: Counter;
  /** Webhook attempts by outcome: `delivered`, `retry` or `failed`. */
  deliveries: Counter<"outcome">;
}

const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];

/**
 * Registers the async-job metrics on `registry`.
 * @example const m = createAsyncJobMetrics(metrics.registry); m.takeovers.inc();
 */
export function createAsyncJobMetrics(registry: Registry): AsyncJobMetrics {
  const registers = [registry];
  return {
    ended: new Counter({
      name: "avs_broadcaster_async_jobs_total",
      help: "Asynchronous jobs that ended on this broadcaster, by pipeline and status (succeeded, failed, cancelled).",
      labelNames: ["pipeline", "status"],
      registers,
    }),
    running: new Gauge({
      name: "avs_broadcaster_async_jobs_running",
      help: "Asynchronous jobs running on this broadcaster now.",
      registers,
    }),
    queueSeconds: new Histogram({
      name: "avs_broadcaster_async_job_queue_seconds",
      help: "Time from an asynchronous job's submission to the start of its run here, by pipeline.",
      labelNames: ["pipeline"],
      buckets: SECONDS,
      registers,
    }),
    jobSeconds: new Histogram({
      name: "avs_broadcaster_async_job_duration_seconds",
      help: "Time from an asynchronous job's submission to its end, by pipeline and status.",
      labelNames: ["pipeline", "status"],
      buckets: SECONDS,
      registers,
    }),
    takeovers: new Counter({
      name: "avs_broadcaster_async_job_takeovers_total",
      help:
        "Asynchronous jobs this broadcaster took over after their holder stopped renewing the lease (killed, crashed, " +
        "cut off from the job store); jobs handed back on stop are not counted here.",
      registers,
    }),
    handbacks: new Counter({
      name: "avs_broadcaster_async_job_handbacks_total",
      help:
        "Running asynchronous jobs this broadcaster handed back to the queue as it stopped, because they were still " +
        "running when the shutdown grace ran out; another broadcaster runs them again from the start.",
      registers,
    }),
    deliveries: new Counter({
      name: "avs_broadcaster_webhook_attempts_total",
      help: "Webhook delivery attempts by outcome (delivered, retry, failed).",
      labelNames: ["outcome"],
      registers,
    }),
  };
}

/** @module Prometheus metrics of one broadcaster (its own registry, so several can live in one process). */
import { metricsRegistry, requestCounter } from "@ai-video-subnet/server-kit";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** The metrics a broadcaster records. */
export interface BroadcasterMetrics {
  registry: Registry;
  /** Every HTTP request, by route and status. */
  requests: Counter<"route" | "method" | "status">;
  /** Job latency as the client saw it, by pipeline and status. */
  jobSeconds: Histogram<"pipeline" | "status">;
  /** One attempt on one orchestrator, by pipeline, orchestrator and outcome (`ok`, `client_error`, `failed`, `busy`). */
  attempts: Counter<"pipeline" | "orchestrator" | "outcome">;
  /** Latency of successful attempts, by pipeline and orchestrator. */
  attemptSeconds: Histogram<"pipeline" | "orchestrator">;
  /** Attempts after the first one of a job. */
  retries: Counter<"pipeline">;
  /** Selection outcomes: `selected` or `none` (no orchestrator left). */
  selections: Counter<"pipeline" | "outcome">;
  /** Known orchestrators, by state (`ready`, `unreachable`, `backoff`). */
  orchestrators: Gauge<"state">;
  /** Orchestrators holding back one pipeline and model of theirs (a 5xx, a malformed answer, a busy 503). */
  capabilityHolds: Gauge<"pipeline" | "model_id">;
  /** Jobs waiting for orchestrator capacity (every orchestrator they could use busy, full or held back). */
  waiting: Gauge;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * Creates the metrics on a fresh registry, with Node's default process metrics.
 * @example const m = createMetrics(); m.retries.inc({ pipeline: "upscale" }); await m.registry.metrics()
 */
export function createMetrics(): BroadcasterMetrics {
  // The event-loop lag histogram samples the loop every 50 ms, as the orchestrator's does: prom-client's 10 ms default
  // woke an idle process 100 times a second (most of its idle CPU). Its values are the interval plus the delay.
  const registry = metricsRegistry({ prefix: "avs_broadcaster_", eventLoopMonitoringPrecision: 50 });
  const registers = [registry];
  return {
    registry,
    requests: requestCounter(registry, "avs_broadcaster_http_requests_total"),
    jobSeconds: new Histogram({
      name: "avs_broadcaster_job_duration_seconds",
      help: "Job latency as the client saw it, by pipeline and status.",
      labelNames: ["pipeline", "status"],
      buckets: SECONDS,
      registers,
    }),
    attempts: new Counter({
      name: "avs_broadcaster_orchestrator_attempts_total",
      help: "Attempts on orchestrators by pipeline, orchestrator and outcome (ok, client_error, failed, busy).",
      labelNames: ["pipeline", "orchestrator", "outcome"],
      registers,
    }),
    attemptSeconds: new Histogram({
      name: "avs_broadcaster_orchestrator_latency_seconds",
      help: "Latency of successful attempts by pipeline and orchestrator, outputs stored.",
      labelNames: ["pipeline", "orchestrator"],
      buckets: SECONDS,
      registers,
    }),
    retries: new Counter({
      name: "avs_broadcaster_retries_total",
      help: "Attempts after the first one of a job, by pipeline.",
      labelNames: ["pipeline"],
      registers,
    }),
    selections: new Counter({
      name: "avs_broadcaster_selections_total",
      help: "Selection outcomes by pipeline: selected, none when no orchestrator was left, unknown_model when none offers the model.",
      labelNames: ["pipeline", "outcome"],
      registers,
    }),
    orchestrators: new Gauge({
      name: "avs_broadcaster_orchestrators",
      help: "Known orchestrators by state (ready, unreachable, backoff).",
      labelNames: ["state"],
      registers,
    }),
    capabilityHolds: new Gauge({
      name: "avs_broadcaster_capability_holds",
      help: 'Orchestrators holding back one pipeline and model after a 5xx, a malformed answer or a busy 503 there, by pipeline and model (0 once the hold ends); an orchestrator held back whole counts in avs_broadcaster_orchestrators{state="backoff"}.',
      labelNames: ["pipeline", "model_id"],
      registers,
    }),
    waiting: new Gauge({
      name: "avs_broadcaster_jobs_waiting",
      help: "Jobs waiting for orchestrator capacity (every orchestrator they could use busy, full or held back), synchronous and asynchronous.",
      registers,
    }),
  };
}

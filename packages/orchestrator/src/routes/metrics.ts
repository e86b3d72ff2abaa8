/**
 * @module Prometheus metrics of the orchestrator: jobs by outcome, job latency, slots in use and capacity, and the
 * process's own (memory, CPU, event-loop lag; `avs_orchestrator_process_resident_memory_bytes`, …).
 */
import { metricsRegistry } from "@ai-video-subnet/server-kit";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { CapabilityView } from "../runners/runner-pool.js";

/**
 * The `model_id` label of a job whose model is not served here: a label value taken from what a client sent would
 * add a series (a counter and a histogram's buckets) for every model id anyone makes up.
 */
export const UNKNOWN_MODEL = "unknown";

/**
 * The `status` of a job whose client hung up before it was answered (nginx's "client closed request"): no answer
 * was sent, and it is not a server error.
 */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * The `status` of a job the orchestrator cut itself on stop (its `shutdown-grace` ran out): the service became
 * unavailable, which is not the client's doing (not {@link CLIENT_CLOSED_REQUEST}).
 */
export const STOPPED_MID_JOB = 503;

/** The orchestrator's metrics, on their own registry (several orchestrators may share a process in tests). */
export interface OrchestratorMetrics {
  registry: Registry;
  jobs: Counter<"pipeline" | "model_id" | "status">;
  /** Requests turned away before a handler ran (bearer token, body size or type, validation), by route and status. */
  refused: Counter<"route" | "status">;
  jobSeconds: Histogram<"pipeline" | "model_id">;
  /** Runner calls cut by the stall watchdog (`runner-stall-timeout`), by pipeline and model. */
  stalls: Counter<"pipeline" | "model_id">;
}

/**
 * @example const m = createMetrics(() => pool.capabilities()); m.jobs.inc({ pipeline, model_id, status: "200" })
 */
export function createMetrics(capabilities: () => CapabilityView[]): OrchestratorMetrics {
  // The event-loop-lag histogram samples the loop every 50 ms instead of prom-client's default 10 ms: each sample is
  // a wake-up of its own whenever the loop waits on I/O, as a hop mostly does (idle, 10 ms cost 7.8 ms of CPU a
  // second here and 50 ms 2.5 ms). A stall of the loop still shows in the lag once it spans a sample.
  const registry = metricsRegistry({ prefix: "avs_orchestrator_", eventLoopMonitoringPrecision: 50 });
  const jobs = new Counter({
    name: "avs_orchestrator_jobs_total",
    help: `Jobs answered, by pipeline, model (${UNKNOWN_MODEL} for one not served here) and HTTP status (${CLIENT_CLOSED_REQUEST} when the client hung up first, ${STOPPED_MID_JOB} when a stop cut it).`,
    labelNames: ["pipeline", "model_id", "status"] as const,
    registers: [registry],
  });
  const refused = new Counter({
    name: "avs_orchestrator_requests_refused_total",
    help: "Requests answered with a 4xx before their handler ran (bearer token, body size or type, validation), by route pattern and status. A job refused this way is not in avs_orchestrator_jobs_total.",
    labelNames: ["route", "status"] as const,
    registers: [registry],
  });
  const jobSeconds = new Histogram({
    name: "avs_orchestrator_job_seconds",
    help: `Time from accepting a job to answering it (or to the client hanging up), by pipeline and model (${UNKNOWN_MODEL} for one not served here).`,
    labelNames: ["pipeline", "model_id"] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const stalls = new Counter({
    name: "avs_orchestrator_runner_stalls_total",
    help: "Runner calls cut because the runner, after reporting progress, reported none for runner-stall-timeout (the job answered 500, the runner restarted), by pipeline and model.",
    labelNames: ["pipeline", "model_id"] as const,
    registers: [registry],
  });
  const gauge = (name: string, help: string, pick: (c: CapabilityView) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["pipeline", "model_id"] as const,
      registers: [registry],
      collect() {
        for (const c of capabilities()) this.set({ pipeline: c.pipeline, model_id: c.model_id }, pick(c));
      },
    });
  gauge("avs_orchestrator_slots_in_use", "Jobs running now.", (c) => c.in_use);
  gauge("avs_orchestrator_capacity", "Jobs that may run at once.", (c) => c.capacity);
  gauge("avs_orchestrator_warm", "1 when a runner of the model is ready.", (c) => (c.warm ? 1 : 0));
  return { registry, jobs, refused, jobSeconds, stalls };
}

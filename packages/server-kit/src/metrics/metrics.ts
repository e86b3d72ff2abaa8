/**
 * @module Prometheus metrics of one server: its own registry (several servers can share a process, as in tests),
 * Node's process metrics, the HTTP request counter every layer keeps, and the `/metrics` answer.
 */
import type { Context, MiddlewareHandler } from "hono";
import { Counter, collectDefaultMetrics, Registry } from "prom-client";

/** Options of {@link metricsRegistry}. */
export interface MetricsRegistryOptions {
  /** Prefix of the process metrics, e.g. `avs_orchestrator_` (default none: `process_cpu_seconds_total`, …). */
  prefix?: string;
  /** Resolution of the event-loop lag histogram in ms (prom-client's default is 10). */
  eventLoopMonitoringPrecision?: number;
}

/**
 * A fresh registry holding Node's process metrics (memory, CPU, event-loop lag).
 * @example const registry = metricsRegistry({ prefix: "avs_broadcaster_" });
 */
export function metricsRegistry(options: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  collectDefaultMetrics({
    register: registry,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    ...(options.eventLoopMonitoringPrecision
      ? { eventLoopMonitoringPrecision: options.eventLoopMonitoringPrecision }
      : {}),
  });
  return registry;
}

/** The labels of the request counter. */
export type RequestLabels = "route" | "method" | "status";

/**
 * The counter of HTTP requests by route, method and status, registered on `registry`.
 * @example const requests = requestCounter(registry, "avs_broadcaster_http_requests_total");
 */
export function requestCounter(
  registry: Registry,
  name: string,
  help = "HTTP requests by route, method and status.",
): Counter<RequestLabels> {
  return new Counter({ name, help, labelNames: ["route", "method", "status"], registers: [registry] });
}

/**
 * Middleware that counts every request once it is answered, under the route pattern that matched (`/outputs/:name`,
 * not each name, so the label set stays small).
 * @example app.use(countRequests(requests))
 */
export function countRequests(counter: Counter<RequestLabels>): MiddlewareHandler {
  return async (c, next) => {
    await next();
    counter.inc({ route: c.req.routePath, method: c.req.method, status: String(c.res.status) });
  };
}

/**
 * The `/metrics` answer: the registry in the Prometheus text format.
 * @example route("metrics", (_body, c) => metricsResponse(c, registry))
 */
export async function metricsResponse(c: Context, registry: Registry): Promise<Response> {
  return c.body(await registry.metrics(), 200, { "Content-Type": registry.contentType });
}

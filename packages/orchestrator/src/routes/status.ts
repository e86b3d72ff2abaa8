/**
 * @module The status routes: `/info` (capabilities, prices, hardware), `/health` (liveness), `/ready` (readiness),
 * `/metrics` and `/outputs/{name}`.
 */
import {
  HttpError,
  metricsGuard,
  metricsResponse,
  outputCacheControl,
  parseByteRange,
  type RequestValidator,
  rangedAnswer,
  typedRoutes,
} from "@ai-video-subnet/server-kit";
import type { Hono } from "hono";
import type { components, operations } from "../generated/orchestrator.js";
import type { OutputStore, StoredResult } from "../outputs/output-store.js";
import type { RunnerPool } from "../runners/runner-pool.js";
import type { OrchestratorMetrics } from "./metrics.js";

/** Whether the orchestrator is ready for jobs, and why not (`starting: …`, `stopping: …`). */
export type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * Mounts the status routes of the spec.
 * @example mountStatusRoutes(app, validator, { pool, store, metrics, version: "0.1.0", readiness: () => ({ ready: true }) })
 */
export function mountStatusRoutes(
  app: Hono,
  validator: RequestValidator,
  ctx: {
    pool: RunnerPool;
    store: OutputStore;
    metrics: OrchestratorMetrics;
    version: string;
    metricsToken?: string;
    readiness(): Readiness;
  },
): void {
  const route = typedRoutes<operations>(app, validator);
  route("getInfo", () => ({
    version: ctx.version,
    capabilities: ctx.pool.capabilities() as components["schemas"]["Capability"][],
    hardware: ctx.pool.runners
      .filter((r) => r.state === "ready" && r.hardware)
      .map((r) => r.hardware as components["schemas"]["HardwareInformation"]),
  }));
  // Liveness stays OK from the moment the port is open: callers that poll /health and then send a job keep working
  // (the job waits for its runner). /ready is the truthful one, 503 while warm runners start and once a stop began.
  route("health", () => ({ status: "OK" as const }));
  route("ready", () => {
    const r = ctx.readiness();
    if (!r.ready) throw new HttpError(503, r.reason);
    return { status: "OK" as const };
  });
  route("metrics", (_body, c) => metricsResponse(c, ctx.metrics.registry), metricsGuard(ctx.metricsToken));
  route("getOutput", async (_body, c) => {
    const name = c.req.param("name")!;
    // HEAD (answered by this GET route) reads no bytes; a Range is served on GET only (RFC 9110 §14.2).
    const file =
      c.req.method === "HEAD"
        ? await ctx.store.stat(name)
        : await ctx.store.get(name, parseByteRange(c.req.header("range")));
    if (!file) throw new HttpError(404, `no output ${name}: it never existed or its retention time ended`);
    const { bytes, part } = file as Partial<StoredResult>;
    return rangedAnswer(
      { body: bytes, contentType: file.type, size: file.size, part },
      { "cache-control": outputCacheControl(ctx.store.retentionMs) },
    );
  });
}

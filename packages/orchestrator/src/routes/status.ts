/** @module The status routes: `/info` (capabilities, prices, hardware), `/health`, `/metrics` and `/outputs/{name}`. */
import {
  HttpError,
  metricsGuard,
  metricsResponse,
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

/**
 * Mounts the status routes of the spec.
 * @example mountStatusRoutes(app, validator, { pool, store, metrics, version: "0.1.0" })
 */
export function mountStatusRoutes(
  app: Hono,
  validator: RequestValidator,
  ctx: { pool: RunnerPool; store: OutputStore; metrics: OrchestratorMetrics; version: string; metricsToken?: string },
): void {
  const route = typedRoutes<operations>(app, validator);
  route("getInfo", () => ({
    version: ctx.version,
    capabilities: ctx.pool.capabilities() as components["schemas"]["Capability"][],
    hardware: ctx.pool.runners
      .filter((r) => r.state === "ready" && r.hardware)
      .map((r) => r.hardware as components["schemas"]["HardwareInformation"]),
  }));
  route("health", () => ({ status: "OK" as const }));
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
      { "cache-control": "private, max-age=3600, immutable" },
    );
  });
}

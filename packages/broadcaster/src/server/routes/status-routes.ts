/** @module The status routes: health, readiness, the API document and its reference page, metrics, and stored outputs. */
import {
  HttpError,
  metricsGuard,
  metricsResponse,
  outputCacheControl,
  parseByteRange,
  rangedAnswer,
} from "@ai-video-subnet/server-kit";
import { StoreUnavailableError, unavailableReason } from "../../async-jobs/availability.js";
import { gatewayDocument } from "../../generated/gateway-document.js";
import { renderDocsPage } from "../docs-page.js";
import type { RouteKit } from "./route-kit.js";

/**
 * Mounts the status routes of the gateway spec.
 * @example statusRoutes({ app, route, guards, ctx })
 */
export function statusRoutes({ route, ctx }: RouteKit): void {
  // Rendered at the first GET /openapi.yaml, not at start: loading the yaml package and rendering the document
  // took ≈ 0.2 s of every start-up.
  let yaml: string | undefined;
  const html = renderDocsPage(gatewayDocument);
  route("health", () => ({ status: "OK" as const }));
  route("ready", () => {
    // Stopping, or without a reachable job store, this broadcaster cannot take jobs whatever its orchestrators do.
    if (ctx.stopping?.()) throw new HttpError(503, "stopping: this broadcaster takes no new requests");
    const jobs = ctx.jobs?.readiness();
    if (jobs && !jobs.ready) throw new HttpError(503, jobs.reason);
    const state = ctx.registry.readiness();
    if (!state.ready) throw new HttpError(503, `no orchestrator capacity is reachable: ${state.reason}`);
    const { ready: _, ...counts } = state;
    return { status: "OK" as const, ...counts };
  });
  const json = JSON.stringify(gatewayDocument);
  route("getOpenApi", async (_b, c) => {
    yaml ??= (await import("yaml")).stringify(gatewayDocument, { lineWidth: 0 });
    return c.body(yaml, 200, { "content-type": "application/yaml; charset=utf-8" });
  });
  route("getOpenApiJson", (_b, c) => c.body(json, 200, { "content-type": "application/json; charset=utf-8" }));
  route("getDocs", (_b, c) => c.html(html));
  route("metrics", (_b, c) => metricsResponse(c, ctx.metrics.registry), metricsGuard(ctx.options.metricsToken));
  route("getOutput", async (_b, c) => {
    const name = c.req.param("name") ?? "";
    // HEAD (answered by this GET route) reads no bytes; a Range is served on GET only (RFC 9110 §14.2).
    const out = await (c.req.method === "HEAD"
      ? ctx.store.stat(name)
      : ctx.store.get(name, parseByteRange(c.req.header("range")))
    ).catch((err: unknown) => {
      // A database that cannot be reached (PostgreSQL outputs): the app's 503, as for the job store.
      const reason = unavailableReason(err);
      throw reason === undefined ? err : new StoreUnavailableError("output store", reason, { cause: err });
    });
    if (!out) throw new HttpError(404, `no output ${name}: never stored, or past its retention time`);
    return rangedAnswer(out, { "cache-control": outputCacheControl(ctx.options.outputRetentionMs) });
  });
}

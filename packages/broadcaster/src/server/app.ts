/**
 * @module The broadcaster's HTTP app: every route of the gateway spec mounted with `typedRoutes` and the spec's
 * validator; job routes behind API keys, rate limits and per-route body limits.
 */
import {
  errorHandler,
  HttpError,
  loadSpec,
  notFoundHandler,
  RequestValidator,
  typedRoutes,
} from "@ai-video-subnet/specs";
import { Hono, type MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { stringify } from "yaml";
import type { operations } from "../generated/gateway.js";
import { type DispatchContext, dispatch } from "../jobs/dispatch.js";
import { type Job, type JobOperation, PIPELINES } from "../jobs/job.js";
import { workUnits } from "../jobs/work-units.js";
import type { ResolvedOptions } from "../options.js";
import { type ApiKeys, type RateLimiter, rateLimit, requireApiKey } from "./api-keys.js";
import { renderDocsPage } from "./docs-page.js";
import { getRequestId, requestId } from "./request-id.js";
import { cleanupUploads, spoolingMultipartReader } from "./upload-spool.js";

/** What the app is built from. */
export interface AppContext extends DispatchContext {
  options: ResolvedOptions;
  keys: ApiKeys;
  limiter: RateLimiter | undefined;
  /** Where multipart file parts are spooled while their job runs. */
  uploadDir: string;
}

/**
 * Builds the app (async: the spec is loaded and compiled once).
 * @example const app = await buildApp(ctx); const res = await app.request("/health");
 */
export async function buildApp(ctx: AppContext): Promise<Hono> {
  const { options, metrics, logger } = ctx;
  const doc = await loadSpec("gateway");
  // Every job route gets its own limit (named in its 413): the configured one, else the JSON or upload default.
  const bodyLimits: Record<string, number> = {};
  const multipartPipelines = new Set<string>();
  for (const pipeline of Object.values(PIPELINES)) {
    const path = `/${pipeline}`;
    const multipart = doc.paths[path]?.post?.requestBody?.content["multipart/form-data"] !== undefined;
    if (multipart) multipartPipelines.add(pipeline);
    bodyLimits[path] = options.bodyLimits[path] ?? (multipart ? options.maxUploadBytes : options.maxJsonBytes);
  }
  const validator = await RequestValidator.create(doc, {
    maxJsonBytes: options.maxJsonBytes,
    maxMultipartBytes: options.maxUploadBytes,
    bodyLimits,
    readMultipart: spoolingMultipartReader(ctx.uploadDir),
  });
  const yaml = stringify(doc, { lineWidth: 0 });
  const html = renderDocsPage(doc);

  const app = new Hono();
  app.onError(
    errorHandler((err, c) => {
      const e = err instanceof Error ? err : new Error(String(err));
      logger.log("error", "unhandled error", {
        request_id: getRequestId(c),
        path: c.req.path,
        error: e.message,
        stack: e.stack,
      });
    }),
  );
  app.notFound(notFoundHandler);
  if (options.corsOrigins.length > 0) {
    // Browsers send a preflight for bearer-authenticated JSON and multipart calls; answer it before any route or
    // guard, and let pages read the request id and Retry-After of every answer, errors included.
    app.use(
      cors({
        origin: options.corsOrigins.includes("*") ? "*" : options.corsOrigins,
        allowMethods: ["GET", "HEAD", "POST"],
        // Idempotency-Key: the SDK sends it when a caller sets one (it then retries unseeded jobs).
        allowHeaders: ["Authorization", "Content-Type", "X-Request-Id", "Idempotency-Key"],
        exposeHeaders: ["X-Request-Id", "Retry-After"],
        maxAge: 600,
      }),
    );
  }
  app.use(requestId());
  app.use(async (c, next) => {
    await next();
    metrics.requests.inc({ route: c.req.routePath, method: c.req.method, status: String(c.res.status) });
  });

  const route = typedRoutes<operations>(app, validator);
  const guards: MiddlewareHandler[] = [requireApiKey(ctx.keys)];
  if (ctx.limiter) guards.push(rateLimit(ctx.limiter));

  for (const [operationId, pipeline] of Object.entries(PIPELINES) as Array<[JobOperation, string]>) {
    const multipart = multipartPipelines.has(pipeline);
    route(
      operationId,
      async (body, c) => {
        const started = performance.now();
        const fields = body as unknown as Record<string, unknown>;
        const job: Job = {
          pipeline,
          modelId: String(fields.model_id),
          body: fields,
          multipart,
          requestId: getRequestId(c),
          units: await workUnits(pipeline, fields),
        };
        let result: Awaited<ReturnType<typeof dispatch>>;
        try {
          result = await dispatch(ctx, job, `/${pipeline}`, c.req.raw.signal);
        } catch (err) {
          if (c.req.raw.signal.aborted) return new Response(null, { status: 499 });
          throw err;
        }
        const status = result.kind === "ok" ? 200 : result.kind === "client_error" ? result.status : 503;
        metrics.jobSeconds.observe({ pipeline, status: String(status) }, (performance.now() - started) / 1000);
        logger.log(status === 200 ? "info" : "warn", "job done", {
          request_id: job.requestId,
          pipeline,
          model_id: job.modelId,
          status,
          ms: Math.round(performance.now() - started),
          ...(result.kind === "unavailable" ? { reason: result.msg } : { orchestrator: result.orchestrator }),
        });
        if (result.kind === "client_error") return c.json(result.body as object, status as 400);
        if (result.kind === "unavailable") {
          throw new HttpError(503, result.msg, { headers: { "Retry-After": String(result.retryAfterSeconds) } });
        }
        const base = options.publicUrl?.replace(/\/+$/, "") ?? new URL(c.req.url).origin;
        return {
          images: result.media.map((m) => ({ url: `${base}/outputs/${m.name}`, seed: m.seed, nsfw: m.nsfw })),
        };
      },
      ...guards,
      ...(multipart ? [cleanupUploads()] : []),
    );
  }

  route("health", () => ({ status: "OK" as const }));
  route("ready", () => {
    const state = ctx.registry.readiness();
    if (!state.ready) throw new HttpError(503, `no orchestrator capacity is reachable: ${state.reason}`);
    const { ready: _, ...counts } = state;
    return { status: "OK" as const, ...counts };
  });
  route("getOpenApi", (_b, c) => c.body(yaml, 200, { "content-type": "application/yaml; charset=utf-8" }));
  route("getDocs", (_b, c) => c.html(html));
  route("metrics", async (_b, c) =>
    c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType }),
  );
  route("getOutput", async (_b, c) => {
    const name = c.req.param("name") ?? "";
    const out = await ctx.store.get(name);
    if (!out) throw new HttpError(404, `no output ${name}: never stored, or past its retention time`);
    return new Response(out.body, {
      headers: {
        "content-type": out.contentType,
        ...(out.size ? { "content-length": String(out.size) } : {}),
        "cache-control": "private, max-age=3600, immutable",
      },
    });
  });
  return app;
}

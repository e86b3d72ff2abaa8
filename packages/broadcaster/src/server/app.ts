/**
 * @module The broadcaster's HTTP app: the gateway spec's validator, the error shapes, CORS, request ids and the
 * request counter, then its routes, mounted module by module (job routes behind API keys, rate limits and per-route
 * body limits; status routes). A feature adds its routes as one more {@link RouteModule}.
 */
import {
  countRequests,
  errorHandler,
  getRequestId,
  HttpError,
  notFoundHandler,
  RequestValidator,
  requestId,
  typedRoutes,
} from "@ai-video-subnet/server-kit";
import { Hono, type MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { STORE_RETRY_AFTER_S, StoreUnavailableError } from "../async-jobs/availability.js";
import type { AsyncJobs } from "../async-jobs/index.js";
import type { operations } from "../generated/gateway.js";
import { gatewayDocument } from "../generated/gateway-document.js";
import { PIPELINES } from "../generated/gateway-pipelines.js";
import type { DispatchContext } from "../jobs/dispatch.js";
import type { ResolvedOptions } from "../options.js";
import { type ApiKeys, type RateLimiter, rateLimit, requireApiKey } from "./api-keys.js";
import { asyncJobRoutes } from "./routes/async-job-routes.js";
import { jobRoutes } from "./routes/job-routes.js";
import type { RouteModule } from "./routes/route-kit.js";
import { statusRoutes } from "./routes/status-routes.js";

/** What the app is built from. */
export interface AppContext extends DispatchContext {
  options: ResolvedOptions;
  keys: ApiKeys;
  limiter: RateLimiter | undefined;
  /** Where multipart bodies over {@link UPLOAD_MEMORY_BYTES} (and such file parts) are spooled while their job runs. */
  uploadDir: string;
  /** Asynchronous jobs (`Prefer: respond-async` and the `jobs` routes); without it those routes are not mounted. */
  jobs?: AsyncJobs;
  /** True once the broadcaster is stopping: `/ready` and the generate routes answer 503 from then on. */
  stopping?: () => boolean;
}

/**
 * Multipart bodies up to this size, and file parts up to it, are held in memory (the socket's chunks, not copied);
 * larger ones are spooled to `uploadDir` as they arrive, so a large upload never sits in memory.
 */
export const UPLOAD_MEMORY_BYTES = 4 * 1024 * 1024;

/** The route modules of every broadcaster, in mounting order. */
export const ROUTE_MODULES: readonly RouteModule[] = [jobRoutes, asyncJobRoutes, statusRoutes];

/**
 * Builds the app (async like the servers' other start-up steps; the spec's schemas are compiled once).
 * @example const app = await buildApp(ctx); const res = await app.request("/health");
 */
export async function buildApp(ctx: AppContext, modules: readonly RouteModule[] = ROUTE_MODULES): Promise<Hono> {
  const { options, metrics, logger } = ctx;
  // Every job route gets its own limit (named in its 413): the configured one, else the JSON or upload default.
  const bodyLimits: Record<string, number> = {};
  for (const { path, body } of Object.values(PIPELINES)) {
    bodyLimits[path] =
      options.bodyLimits[path] ?? (body === "multipart" ? options.maxUploadBytes : options.maxJsonBytes);
  }
  const validator = await RequestValidator.create(gatewayDocument, {
    maxJsonBytes: options.maxJsonBytes,
    maxMultipartBytes: options.maxUploadBytes,
    bodyLimits,
    // Job bodies are forwarded to orchestrators as the client sent them (see `forwardable`): the validator keeps
    // their original bytes while it parses them, and removes any spool file once the handler is done.
    keepMultipart: { dir: ctx.uploadDir, memoryBytes: UPLOAD_MEMORY_BYTES },
  });

  const app = new Hono();
  const answerError = errorHandler(logger);
  // A store that cannot be reached (the job store, outputs in PostgreSQL) is a 503 the client may retry, and a
  // warning, not an unhandled error.
  app.onError((err, c) => {
    if (!(err instanceof StoreUnavailableError)) return answerError(err, c);
    logger.warn(`${err.store} unavailable`, { request_id: getRequestId(c), path: c.req.path, error: err.reason });
    const retryAfter = { "Retry-After": String(STORE_RETRY_AFTER_S) };
    return answerError(new HttpError(503, `${err.message}; retry later`, { headers: retryAfter }), c);
  });
  app.notFound(notFoundHandler(app));
  if (options.corsOrigins.length > 0) {
    // Browsers send a preflight for bearer-authenticated JSON and multipart calls; answer it before any route or
    // guard, and let pages read the request id and Retry-After of every answer, errors included.
    app.use(
      cors({
        origin: options.corsOrigins.includes("*") ? "*" : options.corsOrigins,
        allowMethods: ["GET", "HEAD", "POST"],
        // Idempotency-Key: the SDK sends it when a caller sets one (it then retries unseeded jobs).
        // Prefer, Webhook-*, Last-Event-ID and the Location/Preference-Applied answers: asynchronous jobs.
        allowHeaders: [
          "Authorization",
          "Content-Type",
          "X-Request-Id",
          "Idempotency-Key",
          "Prefer",
          "Webhook-Url",
          "Webhook-Secret",
          "Last-Event-ID",
          // A page that fetches a part of an output (a suffix range is not CORS-safelisted) and reads which it got.
          "Range",
        ],
        exposeHeaders: [
          "X-Request-Id",
          "Retry-After",
          "Location",
          "Preference-Applied",
          "Idempotent-Replayed",
          "Content-Range",
          "Accept-Ranges",
        ],
        maxAge: 600,
      }),
    );
  }
  app.use(requestId());
  app.use(countRequests(metrics.requests));

  const guards: MiddlewareHandler[] = [requireApiKey(ctx.keys)];
  if (ctx.limiter) guards.push(rateLimit(ctx.limiter));
  const kit = { app, route: typedRoutes<operations>(app, validator), guards, ctx };
  for (const mount of modules) mount(kit);
  return app;
}

/**
 * @module The job routes: every pipeline of the gateway spec's generated `PIPELINES` table, mounted the same way
 * (a new pipeline in the spec needs no code here). A job is dispatched to orchestrators, its outputs stored, and
 * it is logged once with its request id. With `Prefer: respond-async` the job is queued instead and the answer is
 * a 202 (see `async-jobs/`).
 */
import { getRequestId, HttpError, jsonAnswer, publicOrigin, rawMultipart } from "@ai-video-subnet/server-kit";
import type { Context } from "hono";
import { wantsAsync } from "../../async-jobs/index.js";
import { PIPELINES } from "../../generated/gateway-pipelines.js";
import { type DispatchResult, dispatch, unofferedModel } from "../../jobs/dispatch.js";
import { forwardable, jobOf } from "../../jobs/job.js";
import type { RouteKit } from "./route-kit.js";

/**
 * Mounts a route for every pipeline.
 * @example jobRoutes({ app, route, guards, ctx })
 */
export function jobRoutes({ route, guards, ctx }: RouteKit): void {
  const { options, metrics, logger } = ctx;
  for (const pipeline of Object.values(PIPELINES)) {
    const multipart = pipeline.body === "multipart";
    const handler = async (body: Record<string, unknown>, c: Context) => {
      // Reaches a stopping broadcaster only on a connection opened before (the port is closed by then).
      if (ctx.stopping?.()) {
        throw new HttpError(503, "the gateway is stopping; send the request again", {
          headers: { "Retry-After": "1" },
        });
      }
      const started = performance.now();
      const job = await jobOf(pipeline, body, getRequestId(c), options.defaultModels);
      if (ctx.jobs && wantsAsync(c)) return ctx.jobs.submit(c, job, unofferedModel(ctx, job));
      if (multipart) Object.assign(job, forwardable(rawMultipart(c), job));
      let result: Awaited<ReturnType<typeof dispatch>>;
      try {
        result = await dispatch(ctx, job, pipeline.path, c.req.raw.signal);
      } catch (err) {
        if (c.req.raw.signal.aborted) return new Response(null, { status: 499 });
        throw err;
      }
      const status = statusOf(result);
      metrics.jobSeconds.observe(
        { pipeline: job.pipeline, status: String(status) },
        (performance.now() - started) / 1000,
      );
      logger[status === 200 ? "info" : "warn"]("job done", {
        request_id: job.requestId,
        pipeline: job.pipeline,
        model_id: job.modelId,
        ...(job.modelDefaulted ? { model_defaulted: true } : {}),
        status,
        ms: Math.round(performance.now() - started),
        ...("detail" in result ? { reason: result.detail } : { orchestrator: result.orchestrator }),
      });
      if (result.kind === "client_error") return c.json(result.body as object, status as 400);
      if (result.kind === "unavailable") {
        throw new HttpError(result.badAnswers ? 502 : 503, result.msg, {
          headers: { "Retry-After": String(result.retryAfterSeconds) },
        });
      }
      if (result.kind === "failed") throw new HttpError(500, result.msg);
      const base = publicOrigin(c, options);
      // One writeHead and one write (server-kit's jsonAnswer), not c.json and a Headers object per answer.
      const images = result.media.map((m) => ({ url: `${base}/outputs/${m.name}`, seed: m.seed, nsfw: m.nsfw }));
      return jsonAnswer(c, JSON.stringify({ images }));
    };
    route(pipeline.operationId, handler as never, ...guards);
  }
}

/** The HTTP status a dispatch's result is answered with. */
function statusOf(result: DispatchResult): number {
  switch (result.kind) {
    case "ok":
      return 200;
    case "client_error":
      return result.status;
    case "failed":
      return 500;
    case "unavailable":
      return result.badAnswers ? 502 : 503;
  }
}

/**
 * @module The `jobs` routes of the gateway spec: `GET /jobs/{id}`, `GET /jobs/{id}/events`, `POST /jobs/{id}/cancel`,
 * and Livepeer's older `POST /image-to-video/result`. A job belongs to the API key that made it: for any other key it
 * does not exist (404, or that route's 400).
 */
import { HttpError, type TypedRouteMounter } from "@ai-video-subnet/server-kit";
import type { Context, MiddlewareHandler } from "hono";
import type { operations } from "../generated/gateway.js";
import { type EventStreamContext, jobEventStream } from "./event-stream.js";
import { FINAL_STATUSES, type JobRecord, toApiJob } from "./model.js";
import { callerHas, ownerOf } from "./submit.js";

/** The job `id` of the route, when it belongs to the caller; else 404. */
async function ownJob(ctx: EventStreamContext, c: Context): Promise<JobRecord> {
  const id = c.req.param("id") ?? "";
  const job = await ctx.store.get(id);
  if (!job || job.owner !== ownerOf(c)) throw new HttpError(404, `no job ${id}`);
  return job;
}

async function render(ctx: EventStreamContext, job: JobRecord) {
  return toApiJob(job, job.webhookUrl ? await ctx.store.deliveries(job.id) : undefined);
}

/** The image-to-video job Livepeer's `request_id` names: the newest of the caller's with that request id, or its id. */
async function imageToVideoJob(ctx: EventStreamContext, c: Context, requestId: string): Promise<JobRecord> {
  const owner = ownerOf(c);
  const byId = requestId.startsWith("job_") ? await ctx.store.get(requestId) : undefined;
  const job =
    byId?.owner === owner && byId.pipeline === "image-to-video"
      ? byId
      : await ctx.store.byRequestId(owner, requestId, "image-to-video");
  if (!job) throw new HttpError(400, `invalid request ID ${requestId}: no image-to-video job of yours has it`);
  return job;
}

/** A failed or cancelled job's error as Livepeer's result carries it: `{message}` (and the status, our extension). */
function resultError(job: JobRecord): { message: string; status: number } {
  if (job.status === "cancelled" || !job.error) return { message: `job ${job.id} was cancelled`, status: 499 };
  const { detail, status } = job.error;
  const message = Array.isArray(detail) ? detail.map((i) => `${i.loc.join(".")}: ${i.msg}`).join("; ") : detail.msg;
  return { message, status };
}

/** The 429 of a stream request past `jobs-max-streams-per-key`. */
function tooManyStreams(c: Context, open: number, max: number): HttpError {
  const streams = `${open} event stream${open === 1 ? "" : "s"} open on this broadcaster`;
  return new HttpError(
    429,
    `${callerHas(c, streams)}, the most it allows (jobs-max-streams-per-key ${max}); close one, or read GET /jobs/{id} instead`,
    { headers: { "Retry-After": "5" } },
  );
}

/**
 * Mounts the four routes with `guards` (the API-key check) in front.
 * @example mountJobRoutes(route, { store, hub, logger }, requireApiKey(keys));
 */
export function mountJobRoutes(
  route: TypedRouteMounter<operations>,
  ctx: EventStreamContext,
  ...guards: MiddlewareHandler[]
): void {
  route("getJob", async (_body, c) => render(ctx, await ownJob(ctx, c)), ...guards);

  route(
    "getJobEvents",
    async (_body, c) => {
      const job = await ownJob(ctx, c);
      const end = ctx.streams?.open(job.owner);
      if (typeof end === "number") throw tooManyStreams(c, end, ctx.streams!.max);
      return jobEventStream(c, ctx, job.id, Number(c.req.header("last-event-id") ?? 0), end);
    },
    ...guards,
  );

  route(
    "cancelJob",
    async (_body, c) => {
      const job = await ownJob(ctx, c);
      if (job.status === "succeeded" || job.status === "failed") {
        throw new HttpError(409, `job ${job.id} already ${job.status}; only queued or running jobs can be cancelled`);
      }
      const now = (await ctx.store.requestCancel(job.id)) ?? job;
      if (now.status === "succeeded" || now.status === "failed") {
        throw new HttpError(409, `job ${job.id} ${now.status} before the cancel arrived`);
      }
      return c.json(await render(ctx, now), now.status === "cancelled" ? 200 : 202);
    },
    ...guards,
  );

  route(
    "getImageToVideoResult",
    async (body, c) => {
      const job = await imageToVideoJob(ctx, c, body.request_id);
      if (!FINAL_STATUSES.has(job.status)) return c.json({ status: "processing" as const }, 202);
      const api = toApiJob(job);
      const result = api.result ?? { error: resultError(job) };
      return c.json({ status: "complete" as const, result }, 200);
    },
    ...guards,
  );
}

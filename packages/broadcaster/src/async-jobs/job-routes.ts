/**
 * @module The `jobs` routes of the gateway spec: `GET /jobs/{id}`, `GET /jobs/{id}/events` and
 * `POST /jobs/{id}/cancel`. A job belongs to the API key that made it: for any other key it does not exist (404).
 */
import { HttpError, type TypedRouteMounter } from "@ai-video-subnet/server-kit";
import type { Context, MiddlewareHandler } from "hono";
import type { operations } from "../generated/gateway.js";
import { type EventStreamContext, jobEventStream } from "./event-stream.js";
import { type JobRecord, toApiJob } from "./model.js";
import { ownerOf } from "./submit.js";

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

/**
 * Mounts the three routes with `guards` (the API-key check) in front.
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
      return jobEventStream(c, ctx, job.id, Number(c.req.header("last-event-id") ?? 0));
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
}

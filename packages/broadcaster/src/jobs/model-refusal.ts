/**
 * @module The 400 of a job whose model no orchestrator offers: told at once, listing what is offered, rather than
 * spending retries on a typo (see `dispatch.ts`).
 */
import { errorBody } from "@ai-video-subnet/server-kit";
import { select } from "../orchestrators/selection.js";
import type { DispatchContext, DispatchResult } from "./dispatch.js";
import type { Job } from "./job.js";

/** A client error of {@link dispatch}. */
type ClientError = Extract<DispatchResult, { kind: "client_error" }>;

/**
 * The 400 of a job whose model no orchestrator that ever answered `/info` offers for its pipeline (or that none of
 * those offering it also offers what the job needs besides), else undefined. An asynchronous job is checked with it
 * before it is queued, so a mistyped `model_id` is refused at once rather than accepted and failed.
 * @example const refused = unofferedModel(ctx, job); if (refused) return c.json(refused.body, 400);
 */
export function unofferedModel(ctx: Pick<DispatchContext, "registry" | "metrics">, job: Job): ClientError | undefined {
  const pick = select(ctx.registry.list(), {
    pipeline: job.pipeline,
    modelId: job.modelId,
    ...(job.alsoNeeds ? { alsoNeeds: job.alsoNeeds } : {}),
    now: Date.now(),
  });
  return modelRefusal(ctx, job, pick);
}

/**
 * {@link unofferedModel} of a selection already made.
 * @example const refused = modelRefusal(ctx, job, select(orchestrators, request));
 */
export function modelRefusal(
  ctx: Pick<DispatchContext, "metrics">,
  job: Job,
  pick: ReturnType<typeof select>,
): ClientError | undefined {
  if (pick.orchestrator || (!pick.missing && !pick.offered)) return undefined;
  ctx.metrics.selections.inc({ pipeline: job.pipeline, outcome: "unknown_model" });
  const body = pick.missing ? errorBody(pick.missing) : unknownModel(job, pick.offered!);
  return { kind: "client_error", status: 400, body, orchestrator: undefined };
}

/** The 400 for a model no orchestrator offers, naming what is offered (a typo costs one round trip, not retries). */
function unknownModel(job: Job, offered: string[]) {
  const list = offered.length > 0 ? `offered: ${offered.join(", ")}` : "no model is offered for it";
  const whose = job.modelDefaulted ? ` (this gateway's default for ${job.pipeline}: the request named no model)` : "";
  return errorBody(
    `model_id ${JSON.stringify(job.modelId)}${whose} is not offered for ${job.pipeline} by any orchestrator; ${list}`,
  );
}

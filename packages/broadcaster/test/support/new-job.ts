/** @module A job to create in a job store directly (the store tests), with `over` replacing any of its fields. */
import { newJobId } from "../../src/async-jobs/model.js";
import type { NewJob } from "../../src/async-jobs/store.js";

/**
 * A queued upscale job of owner `owner-1` without files.
 * @example const { job } = await store.create(newJob({ idempotencyKey: "k1" }));
 */
export function newJob(over: Partial<NewJob> = {}): NewJob {
  return {
    id: newJobId(),
    owner: "owner-1",
    pipeline: "upscale",
    modelId: "m",
    requestId: "req",
    baseUrl: "http://gw",
    multipart: true,
    units: 1,
    inputs: { fields: { prompt: "" }, files: {} },
    files: {},
    ...over,
  };
}

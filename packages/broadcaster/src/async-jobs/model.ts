/**
 * @module An asynchronous job as the job stores keep it (`JobRecord`), its events and outcomes, and its rendering as
 * the gateway spec's `Job`.
 */
import { randomBytes } from "node:crypto";
import type { components } from "../generated/gateway.js";

/** The spec's Job, as `GET /jobs/{id}` answers it. */
export type ApiJob = components["schemas"]["Job"];
/** `queued`, `running`, `succeeded`, `failed` or `cancelled`. */
export type JobStatus = components["schemas"]["JobStatus"];
/** `{fraction, stage?, step?, total?}`. */
export type JobProgress = components["schemas"]["JobProgress"];
/** `{status, detail}`: what the synchronous route would have failed with. */
export type JobError = components["schemas"]["JobError"];
/** One webhook event and how its delivery went. */
export type WebhookDelivery = components["schemas"]["WebhookDelivery"];
/** `job.running`, `job.succeeded`, `job.failed` or `job.cancelled`. */
export type WebhookEvent = WebhookDelivery["event"];

/** The states a job ends in. */
export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(["succeeded", "failed", "cancelled"]);

/** An output of a succeeded job: its name in the output store (URLs are made from it when the job is read). */
export interface StoredMedia {
  name: string;
  seed: number;
  nsfw: boolean;
}

/** A file field of a job's request, kept in the job store until the job ends. */
export interface StoredFile {
  /** File name from the upload (sent on to the orchestrator). */
  name: string;
  type: string;
  size: number;
}

/** A job's validated request: its text fields, and the file fields whose bytes the store holds. */
export interface StoredInputs {
  fields: Record<string, unknown>;
  files: Record<string, StoredFile>;
}

/** A job as a store keeps it. Times are epoch milliseconds. */
export interface JobRecord {
  id: string;
  /** SHA-256 of the API key that created the job ("" when the gateway has no keys). */
  owner: string;
  pipeline: string;
  modelId: string;
  requestId: string;
  /** Base of the output URLs (the public URL, or the origin the job was submitted to). */
  baseUrl: string;
  multipart: boolean;
  /** Pixels × steps, for orchestrator selection. */
  units: number;
  inputs: StoredInputs;
  idempotencyKey?: string;
  bodyHash?: string;
  status: JobStatus;
  cancelRequested: boolean;
  progress: JobProgress;
  result?: StoredMedia[];
  error?: JobError;
  webhookUrl?: string;
  webhookSecret?: string;
  /** The broadcaster holding the job's lease while it runs. */
  holder?: string;
  /** How often a broadcaster started it (more than 1 after a takeover); the fencing token of the current run. */
  runs: number;
  /**
   * How many of its runs started because the run before stopped without ending it: its broadcaster stopped renewing
   * the lease (killed, crashed, cut off from the store). A hand-back on stop is not one. See `jobs-max-takeovers`.
   */
  takeovers: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  /**
   * Its retention, ms: the `job-retention-ms` of the broadcaster that accepted it (undefined for a job of an older
   * release). Its outputs are kept at least as long, whichever broadcaster runs it.
   */
  keepMs?: number;
}

/** One event of a job's stream: `status` and `result` carry the Job, `progress` its JobProgress. */
export interface JobEvent {
  seq: number;
  type: "status" | "progress" | "result";
  data: unknown;
}

/** How a run ended. */
export type JobOutcome =
  | { status: "succeeded"; media: StoredMedia[] }
  | { status: "failed"; error: JobError }
  | { status: "cancelled" };

/** The webhook event of a status change (none for `queued`). */
export function webhookEventOf(status: JobStatus): WebhookEvent | undefined {
  return status === "queued" ? undefined : (`job.${status}` as WebhookEvent);
}

/**
 * A new job id: `job_` and 128 random bits in base64url.
 * @example newJobId() // "job_4fZ0q2mB9yXcV1sLkT8wQe"
 */
export function newJobId(): string {
  return `job_${randomBytes(16).toString("base64url")}`;
}

/**
 * A new webhook message id (`webhook-id`): `msg_` and 128 random bits.
 * @example newMessageId() // "msg_2KWPBgLlAfxdpx2AI54pPJ"
 */
export function newMessageId(): string {
  return `msg_${randomBytes(16).toString("base64url")}`;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/**
 * The spec's Job of a record: output names become URLs under the job's base URL, and the webhook (when
 * `deliveries` are given) shows its URL and deliveries but never its secret.
 * @example toApiJob(record, []).status // "queued"
 */
export function toApiJob(r: JobRecord, deliveries?: WebhookDelivery[]): ApiJob {
  const job: ApiJob = {
    id: r.id,
    status: r.status,
    pipeline: r.pipeline as ApiJob["pipeline"],
    model_id: r.modelId,
    request_id: r.requestId,
    created_at: new Date(r.createdAt).toISOString(),
    progress: r.progress,
    cancel_requested: r.cancelRequested,
  };
  if (r.startedAt !== undefined) job.started_at = iso(r.startedAt);
  if (r.finishedAt !== undefined) job.finished_at = iso(r.finishedAt);
  if (r.status === "succeeded" && r.result) {
    job.result = {
      images: r.result.map((m) => ({ url: `${r.baseUrl}/outputs/${m.name}`, seed: m.seed, nsfw: m.nsfw })),
    };
  }
  if (r.status === "failed" && r.error) job.error = r.error;
  if (r.webhookUrl && deliveries) job.webhook = { url: r.webhookUrl, deliveries };
  return job;
}

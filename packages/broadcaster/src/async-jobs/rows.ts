/**
 * @module Rows of the job stores' tables → job records and webhook deliveries. One mapping serves both stores:
 * SQLite gives 0/1, epoch ms and JSON text; PostgreSQL gives booleans, Dates and parsed JSON.
 */
import type { JobRecord, WebhookDelivery } from "./model.js";
import type { DueDelivery } from "./store.js";

type Time = number | string | Date | null;
type Json = string | object | null;

/** A row of `jobs`. */
export interface JobRow {
  id: string;
  owner: string;
  pipeline: string;
  model_id: string;
  request_id: string;
  base_url: string;
  multipart: number | boolean;
  units: number;
  inputs: Json;
  idempotency_key: string | null;
  body_hash: string | null;
  status: JobRecord["status"];
  cancel_requested: number | boolean;
  progress: Json;
  result: Json;
  error: Json;
  webhook_url: string | null;
  webhook_secret: string | null;
  holder: string | null;
  runs: number;
  takeovers: number;
  created_at: Time;
  started_at: Time;
  finished_at: Time;
  /** Null for a job of an older release; a string from PostgreSQL's bigint. */
  keep_ms: number | string | null;
}

/** A row of `webhook_deliveries`. */
export interface DeliveryRow {
  id: string;
  event: WebhookDelivery["event"];
  status: WebhookDelivery["status"];
  attempts: number;
  next_attempt_at: Time;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Time;
}

/**
 * The columns of a {@link JobRow}, named rather than `*`: a column a later release adds (see schema-versions.ts)
 * then changes neither what a statement returns nor the result type of a statement a connection has prepared,
 * which PostgreSQL refuses to run once it changed ("cached plan must not change result type").
 */
export const JOB_COLUMNS = columns<JobRow>()([
  "id",
  "owner",
  "pipeline",
  "model_id",
  "request_id",
  "base_url",
  "multipart",
  "units",
  "inputs",
  "idempotency_key",
  "body_hash",
  "status",
  "cancel_requested",
  "progress",
  "result",
  "error",
  "webhook_url",
  "webhook_secret",
  "holder",
  "runs",
  "takeovers",
  "created_at",
  "started_at",
  "finished_at",
  "keep_ms",
]);

/** The columns of a {@link DeliveryRow}, named (see {@link JOB_COLUMNS}). */
export const DELIVERY_COLUMNS = columns<DeliveryRow>()([
  "id",
  "event",
  "status",
  "attempts",
  "next_attempt_at",
  "last_status_code",
  "last_error",
  "delivered_at",
]);

/** A column list for SQL, which must name every key of `Row` (checked when it is compiled). */
function columns<Row>() {
  return <const K extends readonly (keyof Row & string)[]>(
    names: K & ([Exclude<keyof Row, K[number]>] extends [never] ? unknown : "a column of the row is missing"),
  ): string => names.join(", ");
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
const json = (v: Json) => (v === null ? undefined : typeof v === "string" ? JSON.parse(v) : v);
const ms = (v: Time) => (v === null ? undefined : v instanceof Date ? v.getTime() : Number(v));
const flag = (v: number | boolean) => v === true || v === 1;

/**
 * The record of a `jobs` row.
 * @example recordOf(db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`).get(id))
 */
export function recordOf(r: JobRow): JobRecord {
  return {
    id: r.id,
    owner: r.owner,
    pipeline: r.pipeline,
    modelId: r.model_id,
    requestId: r.request_id,
    baseUrl: r.base_url,
    multipart: flag(r.multipart),
    units: Number(r.units),
    inputs: json(r.inputs),
    idempotencyKey: opt(r.idempotency_key),
    bodyHash: opt(r.body_hash),
    status: r.status,
    cancelRequested: flag(r.cancel_requested),
    progress: json(r.progress),
    result: json(r.result),
    error: json(r.error),
    webhookUrl: opt(r.webhook_url),
    webhookSecret: opt(r.webhook_secret),
    holder: opt(r.holder),
    runs: Number(r.runs),
    takeovers: Number(r.takeovers),
    createdAt: ms(r.created_at) ?? 0,
    startedAt: ms(r.started_at),
    finishedAt: ms(r.finished_at),
    ...(r.keep_ms === null || r.keep_ms === undefined ? {} : { keepMs: Number(r.keep_ms) }),
  };
}

const iso = (v: Time) => {
  const t = ms(v);
  return t === undefined ? undefined : new Date(t).toISOString();
};

/**
 * The spec's WebhookDelivery of a `webhook_deliveries` row.
 * @example deliveryOf(row).status // "pending"
 */
export function deliveryOf(r: DeliveryRow): WebhookDelivery {
  const d: WebhookDelivery = { id: r.id, event: r.event, status: r.status, attempts: Number(r.attempts) };
  if (r.last_status_code !== null) d.last_status_code = r.last_status_code;
  if (r.last_error !== null) d.last_error = r.last_error;
  if (r.status === "pending" && r.next_attempt_at !== null) d.next_attempt_at = iso(r.next_attempt_at);
  if (r.delivered_at !== null) d.delivered_at = iso(r.delivered_at);
  return d;
}

/** A due delivery joined with its job's webhook. */
export interface DueDeliveryRow {
  id: string;
  job_id: string;
  event: DueDelivery["event"];
  payload: string;
  attempts: number;
  webhook_url: string;
  webhook_secret: string;
  sender: string;
}

/**
 * The delivery to send, from a `webhook_deliveries` row joined with its job.
 * @example dueDeliveryOf(row).url // "https://app.example.com/hooks/avs"
 */
export function dueDeliveryOf(d: DueDeliveryRow): DueDelivery {
  return {
    id: d.id,
    jobId: d.job_id,
    event: d.event,
    url: d.webhook_url,
    secret: d.webhook_secret,
    payload: d.payload,
    attempts: Number(d.attempts),
    sender: d.sender,
  };
}

/**
 * @module The asynchronous form of a generate route: with `Prefer: respond-async` (RFC 7240) the validated request
 * becomes a queued job and the answer is 202 with the Job, `Location` and `Preference-Applied`. Handles
 * `Idempotency-Key` (the same key and body answer the first job, another body is a 422, as the IETF draft
 * "The Idempotency-Key HTTP Header Field" says) and the `Webhook-Url` / `Webhook-Secret` headers.
 */
import { createHash } from "node:crypto";
import { HttpError, headerText, publicOrigin, RequestValidationError } from "@ai-video-subnet/server-kit";
import type { Context } from "hono";
import type { Job } from "../jobs/job.js";
import type { AddressPolicy } from "../network/address-policy.js";
import { apiKeyOf } from "../server/api-keys.js";
import { requestHash, splitInputs } from "./inputs.js";
import { type ApiJob, newJobId, type StoredInputs, toApiJob } from "./model.js";
import { unstorableText } from "./storable-text.js";
import { type Claim, type JobStore, type StartHere, TooManyActiveJobsError } from "./store.js";
import { newWebhookSecret, PUBLIC_WEBHOOK_ADDRESSES, refusedWebhookMessage, secretProblem } from "./webhooks.js";

/**
 * Whether a `Prefer` header asks for `respond-async` (among any other preferences and their parameters).
 * @example prefersAsync("respond-async, wait=10") // true
 */
export function prefersAsync(prefer: string | undefined): boolean {
  if (!prefer) return false;
  return prefer.split(",").some((p) => p.split(";")[0]!.split("=")[0]!.trim().toLowerCase() === "respond-async");
}

/**
 * The owner of the jobs a request makes or reads: the SHA-256 of its API key ("" on a gateway without keys), so
 * the store never holds keys.
 * @example ownerOf(c) // "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg"
 */
export function ownerOf(c: Context): string {
  const key = apiKeyOf(c);
  return key === undefined ? "" : createHash("sha256").update(key).digest("base64url");
}

/** A 422 about one request header. */
function headerIssue(name: string, msg: string, type: string): RequestValidationError {
  return new RequestValidationError([{ loc: ["header", name], msg, type }]);
}

/** The webhook a request names, checked (its host against `addresses` as far as it can be without resolving it). */
function webhookOf(c: Context, addresses: AddressPolicy): { url?: string; secret?: string; generated: boolean } {
  const url = c.req.header("webhook-url");
  const secret = c.req.header("webhook-secret");
  if (url === undefined) {
    if (secret !== undefined) throw headerIssue("Webhook-Secret", "Webhook-Secret needs a Webhook-Url", "missing");
    return { generated: false };
  }
  // A URL holds no spaces; Node joins a header sent twice with ", ", which `URL` would take as one path.
  if (/\s/.test(url.trim())) {
    throw headerIssue(
      "Webhook-Url",
      `Webhook-Url must be one absolute http(s) URL, got ${JSON.stringify(headerText(url))}: a URL has no spaces (was the header sent twice?)`,
      "url_parsing",
    );
  }
  // Header bytes are read as Latin-1: a UTF-8 "ö" became "Ã¶", percent-encoded as such, and deliveries went to that
  // other path. A URL on the wire is ASCII (RFC 3986); the caller encodes the rest.
  const byte = url.search(/[^\x20-\x7e]/);
  if (byte !== -1) {
    const hex = url.charCodeAt(byte).toString(16).toUpperCase().padStart(2, "0");
    throw headerIssue(
      "Webhook-Url",
      `Webhook-Url must be ASCII, got the byte 0x${hex} at index ${byte}: percent-encode the rest as UTF-8 (ö as %C3%B6)`,
      "url_parsing",
    );
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {}
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:") || !parsed.hostname) {
    throw headerIssue(
      "Webhook-Url",
      `Webhook-Url must be an absolute http(s) URL, got ${JSON.stringify(url)}`,
      "url_parsing",
    );
  }
  // Nothing listens on port 0: every delivery would fail. (`URL` drops a scheme's default port, and keeps 1–65535.)
  if (parsed.port === "0") {
    throw headerIssue(
      "Webhook-Url",
      `Webhook-Url's port must be 1 to 65535, got 0 in ${JSON.stringify(url)}`,
      "value_error",
    );
  }
  const problem = secret === undefined ? undefined : secretProblem(secret);
  if (problem) throw headerIssue("Webhook-Secret", problem, "value_error");
  const refused = addresses.hostRefusal(parsed.hostname);
  if (refused) throw headerIssue("Webhook-Url", refusedWebhookMessage(refused), "value_error");
  if (secret === undefined) return { url: parsed.href, secret: newWebhookSecret(), generated: true };
  return { url: parsed.href, secret, generated: false };
}

/**
 * Who a per-key limit counts for, and what it counted: the caller's API key, or every caller of a gateway without keys.
 * @example callerHas(c, "3 open event streams") // "this API key already has 3 open event streams"
 */
export function callerHas(c: Context, what: string): string {
  return apiKeyOf(c) === undefined
    ? `callers of this gateway (it has no API keys) already have ${what}`
    : `this API key already has ${what}`;
}

/**
 * The 422 of a request whose text a job store could not keep (U+0000, an unpaired surrogate: see storable-text.ts),
 * at the first field holding some; undefined when it can keep it all. Checked on both stores, so that a request
 * means the same to a gateway whatever store its operator chose.
 */
function unstorableIssue(inputs: StoredInputs): RequestValidationError | undefined {
  const found = (field: string, where: string | undefined, what = field) =>
    where &&
    new RequestValidationError([
      {
        loc: ["body", field],
        msg: `${what} has ${where}, which an asynchronous job does not accept; remove it (or send the request without Prefer: respond-async)`,
        type: "value_error",
      },
    ]);
  for (const [field, value] of Object.entries(inputs.fields)) {
    const issue = found(field, unstorableText(value));
    if (issue) return issue;
  }
  for (const [field, file] of Object.entries(inputs.files)) {
    const issue = found(field, unstorableText([file.name, file.type]), `${field}'s file name or type`);
    if (issue) return issue;
  }
  return undefined;
}

/** The 429 of a submission past `jobs-max-active-per-key`. */
function tooManyActive(err: TooManyActiveJobsError, c: Context): HttpError {
  const jobs = `${err.active} asynchronous job${err.active === 1 ? "" : "s"}`;
  return new HttpError(
    429,
    `${callerHas(c, jobs)} queued or running, the most the gateway allows (jobs-max-active-per-key ${err.maxActive}); submit again once one has ended, or cancel one`,
    { headers: { "Retry-After": "5" } },
  );
}

/** What submitting needs. */
export interface SubmitContext {
  store: JobStore;
  /** Base URL clients reach the gateway at (default: see `publicOrigin`). */
  publicUrl: string | undefined;
  /** Proxies whose `X-Forwarded-Host`/`-Proto` are believed when `publicUrl` is unset. */
  trustProxy?: string[];
  /** The addresses webhooks may go to (default: public ones only). */
  webhookAddresses?: AddressPolicy;
  /** The most jobs one API key (or all callers, without keys) may have queued or running (default: no limit). */
  maxActive?: number;
  /** How long a job made here is kept once it ends, ms (this broadcaster's `job-retention-ms`). */
  keepMs?: number;
  /**
   * `jobs-start here`: `wanted()` reserves a slot of this broadcaster for the job about to be created and says who
   * holds it and for how long (the job is then created claimed, without a queue entry), and `start` runs that claim;
   * `cancelled()` gives the slot back when no job was made.
   */
  here?: { wanted(): StartHere | undefined; start(claim: Claim): void; cancelled(): void };
}

/** A client error found before the job is queued (a model no orchestrator offers): its status and body. */
export interface Refusal {
  status: number;
  body: unknown;
}

/**
 * Queues `job` (already validated, its files spooled) and answers 202 with the Job. With `refusal`, answers it
 * instead and queues nothing, unless the request's `Idempotency-Key` already names a job: then the key's rules apply
 * as always (the first job again, or a 422 for another body), so sending a request again stays safe after the
 * condition behind the refusal (a model withdrawn) came about.
 * @example if (prefersAsync(c.req.header("prefer"))) return submitJob(ctx, c, job);
 */
export async function submitJob(ctx: SubmitContext, c: Context, job: Job, refusal?: Refusal): Promise<Response> {
  const webhook = webhookOf(c, ctx.webhookAddresses ?? PUBLIC_WEBHOOK_ADDRESSES);
  const idempotencyKey = c.req.header("idempotency-key");
  if (refusal && (idempotencyKey === undefined || !(await ctx.store.byIdempotencyKey(ownerOf(c), idempotencyKey)))) {
    return c.json(refusal.body as object, refusal.status as 400);
  }
  const { inputs, files } = splitInputs(job.body);
  const unstorable = unstorableIssue(inputs);
  if (unstorable) throw unstorable;
  const base = publicOrigin(c, ctx);
  const here = ctx.here?.wanted();
  let created: Awaited<ReturnType<typeof ctx.store.create>>;
  try {
    created = await ctx.store.create(
      {
        id: newJobId(),
        owner: ownerOf(c),
        pipeline: job.pipeline,
        modelId: job.modelId,
        requestId: job.requestId,
        baseUrl: base,
        multipart: job.multipart,
        units: job.units,
        inputs,
        files,
        idempotencyKey,
        bodyHash: idempotencyKey === undefined ? undefined : await requestHash(job.pipeline, inputs, files),
        webhookUrl: webhook.url,
        webhookSecret: webhook.secret,
      },
      {
        ...(here ? { here } : {}),
        ...(ctx.maxActive !== undefined ? { maxActive: ctx.maxActive } : {}),
        ...(ctx.keepMs !== undefined ? { keepMs: ctx.keepMs } : {}),
      },
    );
  } catch (err) {
    if (here) ctx.here?.cancelled();
    if (err instanceof TooManyActiveJobsError) throw tooManyActive(err, c);
    throw err;
  }
  if (here) {
    if (created.claim) {
      ctx.here?.start(created.claim);
      // The job's call to the orchestrator goes out first; the 202 is built and written after it.
      await new Promise((r) => setImmediate(r));
    } else ctx.here?.cancelled();
  }
  if (created.kind === "conflict") {
    throw headerIssue(
      "Idempotency-Key",
      `Idempotency-Key ${JSON.stringify(idempotencyKey)} was already used for another request (job ${created.job.id}, ` +
        `${created.job.pipeline}); send the same request again to get that job, or use a new key`,
      "idempotency_key_reused",
    );
  }
  // A new job is shown as it was created (it may already be running); a replayed one as it is now.
  const deliveries =
    created.kind === "created" || !created.job.webhookUrl ? [] : await ctx.store.deliveries(created.job.id);
  const body: ApiJob = toApiJob(created.job, deliveries);
  if (body.webhook && webhook.generated && created.kind === "created") body.webhook.secret = webhook.secret;
  return c.json(body, 202, {
    Location: `${base}/jobs/${created.job.id}`,
    "Preference-Applied": "respond-async",
    ...(created.kind === "existing" ? { "Idempotent-Replayed": "true" } : {}),
  });
}

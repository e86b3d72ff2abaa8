/**
 * @module Job webhooks as the Standard Webhooks specification (v1.0.0, standardwebhooks.com) describes them: a JSON
 * body `{type, timestamp, data}`, headers `webhook-id` (the same on every retry), `webhook-timestamp` (unix seconds
 * of the attempt) and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the bytes of a
 * `whsec_` secret. A delivery succeeds on a 2xx; anything else is retried with exponential backoff and jitter
 * (a `Retry-After` is honoured), except 410 Gone, which ends it.
 */
import { createHmac, randomBytes } from "node:crypto";
import { readText, upstream } from "../jobs/upstream.js";
import { AddressPolicy, AddressRefused, type Resolve } from "../network/address-policy.js";
import { type ApiJob, type JobRecord, newMessageId, toApiJob, type WebhookEvent, webhookEventOf } from "./model.js";
import { storable } from "./storable-text.js";
import type { DeliveryAttempt, DueDelivery } from "./store.js";

/** The most of a receiver's answer read; the receiver is the caller's, and its answer could be endless. */
const RECEIVER_ANSWER_BYTES = 64 * 1024;

/** Secret sizes the specification allows, in bytes. */
const SECRET_BYTES = { min: 24, max: 64 } as const;

/**
 * A new signing secret: `whsec_` and the base64 of 32 random bytes.
 * @example newWebhookSecret() // "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwIKzSzq2bC1Y="
 */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/**
 * Checks a caller's secret: the message to answer with when it is not `whsec_` and the base64 of 24 to 64 bytes.
 * @example secretProblem("whsec_abc") // "Webhook-Secret must be whsec_ and the base64 of 24 to 64 bytes, got 2 bytes"
 */
export function secretProblem(secret: string): string | undefined {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  const bytes = m ? Buffer.from(m[1]!, "base64").length : 0;
  if (m && bytes >= SECRET_BYTES.min && bytes <= SECRET_BYTES.max) return undefined;
  return `Webhook-Secret must be whsec_ and the base64 of ${SECRET_BYTES.min} to ${SECRET_BYTES.max} random bytes${m ? `, got ${bytes} bytes` : ""}`;
}

/**
 * The `webhook-signature` value of one attempt.
 * @example signWebhook("whsec_…", "msg_2KWP…", 1674087231, '{"type":"job.succeeded",…}') // "v1,K5oZ…="
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/**
 * The body of a job event: `{"type":"job.succeeded","timestamp":"…","data":<the Job>}`.
 * @example webhookPayload("job.succeeded", toApiJob(record), Date.now())
 */
export function webhookPayload(event: WebhookEvent, job: ApiJob, at: number): string {
  return JSON.stringify({ type: event, timestamp: new Date(at).toISOString(), data: job });
}

/** What a store writes when a job changes status: the event's data, and the webhook delivery it owes, if any. */
export interface Announcement {
  /** The Job as it is now (the data of the `status` or `result` event). */
  job: ApiJob;
  delivery?: { id: string; event: WebhookEvent; payload: string };
}

/**
 * The event data and webhook delivery of a status change. `webhook: false` skips the delivery (a job started again
 * after a takeover has already announced that it runs).
 * @example const { job, delivery } = announce(record, Date.now());
 */
export function announce(record: JobRecord, at: number, webhook = true): Announcement {
  const job = toApiJob(record);
  const event = webhookEventOf(record.status);
  if (!webhook || !record.webhookUrl || !event) return { job };
  return { job, delivery: { id: newMessageId(), event, payload: webhookPayload(event, job, at) } };
}

/** How deliveries are retried. */
export interface WebhookPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the second attempt, ms; it doubles per attempt. */
  retryBaseMs: number;
  /** Longest wait between attempts, ms. */
  retryMaxMs: number;
  /** Longest one attempt may take, ms. */
  timeoutMs: number;
  /** The addresses deliveries may reach (default: public ones only). */
  addresses?: AddressPolicy;
}

/**
 * The address rules of webhook deliveries: public addresses, and the networks of `webhook-allow-networks`.
 * @example webhookAddresses(["10.20.0.0/16"]).refusal("10.20.0.7") // undefined
 */
export function webhookAddresses(allow: readonly string[] = [], resolve?: Resolve): AddressPolicy {
  return new AddressPolicy("webhook-allow-networks", allow, resolve);
}

/**
 * The message of a refused webhook address, with what the operator can do about it.
 * @example refusedWebhookMessage("127.0.0.1 is a loopback address")
 */
export function refusedWebhookMessage(why: string): string {
  return `${why}; webhooks are delivered to public addresses only, unless the gateway's operator allows a network with webhook-allow-networks`;
}

/** The rules without `webhook-allow-networks`: public addresses only. */
export const PUBLIC_WEBHOOK_ADDRESSES = webhookAddresses();

/**
 * Milliseconds before attempt `attempt + 1` after `attempt` failed ones: `retryBaseMs × 2^(attempt−1)` up to
 * `retryMaxMs`, ±20 % jitter so receivers that failed together are not hit together again.
 * @example retryDelay(1, { retryBaseMs: 5000, retryMaxMs: 3600_000 }, () => 0.5) // 5000
 */
export function retryDelay(
  attempt: number,
  policy: Pick<WebhookPolicy, "retryBaseMs" | "retryMaxMs">,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step * (0.8 + 0.4 * random()));
}

/**
 * POSTs one delivery, signed for this attempt, and says how it went and when to try again. A URL whose host is (or
 * resolves only to) an address the policy refuses is not sent, and not tried again. `stop` cuts the attempt short
 * (the broadcaster is stopping): it is due again at once.
 * @example const r = await deliverWebhook(due, { attempts: 15, retryBaseMs: 5000, retryMaxMs: 3600_000, timeoutMs: 15_000 });
 */
export async function deliverWebhook(
  d: DueDelivery,
  policy: WebhookPolicy,
  now: () => number = Date.now,
  stop?: AbortSignal,
): Promise<DeliveryAttempt> {
  const timestamp = Math.floor(now() / 1000);
  let status: number | undefined;
  let error: string;
  let retryAfterMs: number | undefined;
  const addresses = policy.addresses ?? PUBLIC_WEBHOOK_ADDRESSES;
  const url = new URL(d.url);
  const refused = addresses.hostRefusal(url.hostname);
  if (refused) return { ok: false, error: refusedWebhookMessage(refused) };
  try {
    const res = await upstream(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "avs-broadcaster-webhooks",
        "webhook-id": d.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signWebhook(d.secret, d.id, timestamp, d.payload),
      },
      body: d.payload,
      signal: stop
        ? AbortSignal.any([AbortSignal.timeout(policy.timeoutMs), stop])
        : AbortSignal.timeout(policy.timeoutMs),
      agents: addresses.agents(),
    });
    status = res.status;
    // What a receiver answers is only quoted (200 characters) in the delivery's state: a longer answer is not read.
    const text = await readText(res.body, RECEIVER_ANSWER_BYTES).catch(() => "");
    if (status >= 200 && status < 300) return { ok: true, statusCode: status };
    // A redirect is not followed (its target is not checked against the address rules): say where it points. The
    // receiver's text is kept in the delivery's state: see storable-text.ts.
    const location = status >= 300 && status < 400 ? res.headers.location : undefined;
    error = storable(
      location
        ? `HTTP ${status}, a redirect to ${location.slice(0, 200)}: redirects are not followed, so make Webhook-Url that address`
        : `HTTP ${status}${text.trim() ? `: ${text.trim().slice(0, 200)}` : ""}`,
    );
    const seconds = Number(res.headers["retry-after"]);
    if (Number.isFinite(seconds) && seconds >= 0) retryAfterMs = seconds * 1000;
  } catch (err) {
    if (err instanceof AddressRefused) return { ok: false, error: refusedWebhookMessage(err.message) };
    // A stopping broadcaster does not wait out the receiver: the delivery is due again at once, for whichever
    // broadcaster takes it (an attempt the receiver may have seen: deliveries are at least once).
    if (stop?.aborted) {
      return { ok: false, error: "the broadcaster stopped before the receiver answered", retryAt: now() };
    }
    // The time limit's abort reaches here as the `TimeoutError` itself or as the cause of an `AbortError` (Node's
    // request), whose DOMException has a numeric legacy `code` (23): only a string code is a socket's.
    const e = err as Error & { cause?: { name?: string; code?: unknown } };
    const code = typeof e.cause?.code === "string" ? e.cause.code : undefined;
    const timedOut = e.name === "TimeoutError" || e.cause?.name === "TimeoutError";
    error = timedOut ? `no answer within ${policy.timeoutMs} ms` : (code ?? e.message);
  }
  const made = d.attempts + 1;
  const gone = status === 410;
  if (gone || made >= policy.attempts) {
    return { ok: false, statusCode: status, error: gone ? `${error} (the receiver is gone; no more attempts)` : error };
  }
  const wait = Math.min(policy.retryMaxMs, Math.max(retryAfterMs ?? 0, retryDelay(made, policy)));
  return { ok: false, statusCode: status, error, retryAt: now() + wait };
}

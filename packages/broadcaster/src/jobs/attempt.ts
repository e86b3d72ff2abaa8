/**
 * @module One attempt of a job on one orchestrator: send the request (a multipart body as the client sent it, from
 * memory or its spool file; else encoded from the validated body), classify the answer, and on success copy each
 * output once into the output store. Every attempt of a job that sends no video asks for the outputs inline
 * (`X-Media-Delivery: data`): their bytes come in the answer, taken apart at the byte level and decoded straight into
 * the store, instead of one more round trip per output. An orchestrator that does not know the header answers URLs,
 * which are fetched. An asynchronous job tries a step that failed on this gateway's own account (the request could not
 * be sent for want of a local resource; the store failed to take an output) again for its `localRetryMs`.
 */
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { DataUrl, encodeMultipart, parseRunnerAnswer, type RunnerMedia } from "@ai-video-subnet/runner-client/node";
import { BodyTooLarge, localResourceCode } from "@ai-video-subnet/server-kit";
import { PIPELINES } from "../generated/gateway-pipelines.js";
import type { Orchestrator } from "../orchestrators/orchestrator.js";
import type { OutputStore } from "../outputs/store.js";
import type { Job, StoredMedia } from "./job.js";
import { type AnswerLimits, answerFault, BadAnswer, copyOutput, outputType, StoreFailed } from "./outputs.js";
import { isLocalFailure, retryOwnFailures } from "./own-failures.js";
import {
  AnswerStalled,
  declaredLength,
  declaredType,
  readBytes,
  type UpstreamBody,
  type UpstreamResponse,
  upstream,
} from "./upstream.js";

/** How an attempt ended. */
export type AttemptResult =
  /** Outputs stored under these names. */
  | { kind: "ok"; media: StoredMedia[] }
  /**
   * The orchestrator rejected the request itself (a 4xx but those of {@link ORCHESTRATOR_FAULT} and a model it does
   * not serve): the client gets this status and body, at once or, for one of `SECOND_OPINION` (dispatch.ts), once
   * another orchestrator agrees or none is free to ask.
   */
  | { kind: "client_error"; status: number; body: unknown }
  /**
   * At capacity (503/429): try another; hold this one back for `retryAfterMs`. `capability`: a 503, the answer of an
   * orchestrator whose slots for this pipeline and model are taken (its capacity is per model), so only they are
   * held back; a 429 (too many requests) holds back the whole orchestrator.
   */
  | { kind: "busy"; retryAfterMs: number; reason: string; capability: boolean }
  /**
   * Connection error, timeout, 5xx, bad answer, output not fetchable: try another, back off. `capability`: the
   * orchestrator answered, and the failure was this pipeline and model's (a 5xx, a malformed or refused answer —
   * see {@link BadAnswer}), so only that capability is held back there; otherwise the whole orchestrator is.
   * `stale`: its answer says its last `/info` is out of date (a model it no longer serves): read it again now.
   * `stalled`: it sent its answer's headers and then nothing for `answer-idle-timeout-ms` (see `Backoff.stalled`).
   * `bad`: its 200 was refused for what it holds (malformed, too large, not what the request asked for).
   */
  | { kind: "failed"; reason: string; capability?: true; stale?: true; stalled?: true; bad?: true }
  /**
   * This gateway's own failure: it ran out of a local resource (descriptors, disk, memory) sending the request or
   * storing an output (`store` unset), or its output store failed (`store`: its database, bucket or disk refused or
   * broke off). Not the orchestrator's fault, so it is neither retried elsewhere nor counted against it.
   */
  | { kind: "local_error"; reason: string; store?: true };

/**
 * Pipelines whose outputs are asked for inline: those of the spec's table that take no video. A job that sends a
 * video (video-upscale, frame-interpolation) gets an output as long as its input, which is streamed from a URL into
 * the store rather than held whole in memory as a base64 answer.
 */
const INLINE_OUTPUTS = new Set<string>(
  Object.values(PIPELINES)
    .filter((p) => !Object.values(p.files).includes("video"))
    .map((p) => p.pipeline),
);

/** 4xx statuses that say the orchestrator (or our configuration of it) is at fault, not the job. */
const ORCHESTRATOR_FAULT = new Set([401, 403, 404, 405, 408, 429]);
/** The media types of a JSON answer: `application/json` and `application/*+json`, any parameters. */
const JSON_TYPE = /^\s*application\/([\w.-]+\+)?json\s*(;|$)/i;
/** An orchestrator's 400 for a model it does not serve (any more): its `/info` said otherwise, so it is stale. */
const NOT_SERVED = /\bis not served\b/;

/** The body to send and its content type; a new stream of the same bytes for every attempt. */
async function requestBody(job: Job): Promise<{ body: UpstreamBody; contentType: string; length?: number }> {
  const { raw, rawHead: head } = job;
  if (raw) {
    const length = raw.size + (head?.length ?? 0);
    if (raw.chunks) return { body: head ? [head, ...raw.chunks] : raw.chunks, contentType: raw.contentType, length };
    const file = createReadStream(raw.file as string);
    return { body: head ? Readable.from(prefixed(head, file)) : file, contentType: raw.contentType, length };
  }
  if (!job.multipart) return { body: JSON.stringify(job.body), contentType: "application/json" };
  return encodeMultipart(job.body);
}

/** `head`, then the bytes of `rest`. */
async function* prefixed(head: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  yield* rest;
}

/** Where an attempt's outputs go, and what it accepts of the answer. */
export interface AttemptOutputs {
  store: OutputStore;
  answers: AnswerLimits;
}

/**
 * Runs one attempt; never throws for orchestrator problems (they are results), only when `signal` is aborted.
 * @example const r = await attempt(o, job, "/upscale", { store, answers }, AbortSignal.timeout(300_000));
 */
export async function attempt(
  o: Orchestrator,
  job: Job,
  path: string,
  { store, answers }: AttemptOutputs,
  signal: AbortSignal,
): Promise<AttemptResult> {
  let res: UpstreamResponse;
  let answer: Buffer;
  try {
    // A synchronous job's path stays as it was: no closure on the hot path (issue 17's CPU per job).
    res = job.localRetryMs
      ? await retryOwnFailures(() => send(o, job, path, signal), job.localRetryMs, signal, isLocalFailure)
      : await send(o, job, path, signal);
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    const local = localResourceCode(err);
    if (local) return { kind: "local_error", reason: `sending the request: ${local}: ${(err as Error).message}` };
    return { kind: "failed", reason: `connection failed: ${causeOf(err)}` };
  }
  // The answer is held whole in memory: read up to the cap, no further (the socket is destroyed past it).
  const declared = declaredLength(res);
  if (declared !== undefined && declared > answers.maxAnswerBytes) {
    res.body.destroy();
    return badAnswer(
      `answer too large: ${declared} bytes declared, more than max-answer-bytes (${answers.maxAnswerBytes})`,
    );
  }
  try {
    answer = await readBytes(res.body, answers.maxAnswerBytes, answers.idleTimeoutMs);
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (err instanceof AnswerStalled) return { kind: "failed", reason: err.message, stalled: true };
    if (err instanceof BodyTooLarge) {
      return badAnswer(`answer too large: more than max-answer-bytes (${answers.maxAnswerBytes}) sent`);
    }
    return { kind: "failed", reason: "connection lost while reading the answer" };
  }
  if (res.status === 503 || res.status === 429) {
    const seconds = Number(res.headers["retry-after"]);
    return {
      kind: "busy",
      retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000,
      reason: `HTTP ${res.status}: ${messageOf(answer.toString("utf8"))}`,
      capability: res.status === 503,
    };
  }
  if (res.status >= 400 && res.status < 500 && !ORCHESTRATOR_FAULT.has(res.status)) {
    const text = answer.toString("utf8");
    const stale = res.status === 400 && NOT_SERVED.test(messageOf(text));
    if (stale) return { kind: "failed", reason: `HTTP ${res.status}: ${messageOf(text)}`, capability: true, stale };
    return { kind: "client_error", status: res.status, body: errorShape(text, res.status) };
  }
  if (res.status !== 200) {
    const reason = `HTTP ${res.status}: ${messageOf(answer.toString("utf8"))}`;
    return res.status >= 500 ? { kind: "failed", reason, capability: true } : { kind: "failed", reason };
  }
  // An answer typed as something else (an HTML error page of a proxy in front of it) is not the JSON it may hold.
  const type = declaredType(res);
  if (type !== undefined && !JSON_TYPE.test(type))
    return badAnswer(`malformed answer: typed ${type.slice(0, 60)}, not JSON`);
  let images: RunnerMedia[];
  try {
    images = parseRunnerAnswer(answer).images as RunnerMedia[];
    if (!Array.isArray(images) || images.some((m) => typeof m?.url !== "string" && !(m?.url instanceof DataUrl))) {
      throw new Error("no images array");
    }
  } catch (err) {
    return badAnswer(`malformed answer: ${(err as Error).message}`);
  }
  const fault = answerFault(images, job);
  if (fault) return badAnswer(fault);
  const kind = outputType(job.pipeline);
  const stored: StoredMedia[] = [];
  try {
    for (const m of images) {
      const copy = () => copyOutput(m.url, o, store, answers, signal, job.outputKeepMs, kind);
      const name = job.localRetryMs ? await retryOwnFailures(copy, job.localRetryMs, signal, isOwn) : await copy();
      stored.push({ name, seed: m.seed, nsfw: m.nsfw });
    }
  } catch (err) {
    await Promise.all(stored.map((m) => store.delete(m.name).catch(() => {})));
    if (signal.aborted) throw signal.reason;
    const local = localResourceCode(err);
    if (local) return { kind: "local_error", reason: `storing an output: ${local}: ${(err as Error).message}` };
    if (err instanceof StoreFailed) return { kind: "local_error", reason: `output store: ${err.message}`, store: true };
    if (err instanceof BadAnswer) return badAnswer(err.message);
    return { kind: "failed", reason: `output not stored: ${causeOf(err)}` };
  }
  return { kind: "ok", media: stored };
}

/** Sends the job's request to `o`; resolves with the answer's head. */
async function send(o: Orchestrator, job: Job, path: string, signal: AbortSignal): Promise<UpstreamResponse> {
  const { body, contentType, length } = await requestBody(job);
  const headers: Record<string, string> = {
    "x-request-id": job.upstreamRequestId ?? job.requestId,
    accept: "application/json",
    "content-type": contentType,
  };
  if (INLINE_OUTPUTS.has(job.pipeline)) headers["x-media-delivery"] = "data";
  if (length !== undefined) headers["content-length"] = String(length);
  if (o.secret) headers.authorization = `Bearer ${o.secret}`;
  return upstream(new URL(`${o.url}${path}`), { method: "POST", headers, body, signal });
}

/** A failure storing an output that is this gateway's: the store's, or a local resource's. */
const isOwn = (err: unknown) => err instanceof StoreFailed || isLocalFailure(err);

/** An answer refused for what it holds: failed as the pipeline and model's fault there (see {@link BadAnswer}). */
function badAnswer(reason: string): AttemptResult {
  return { kind: "failed", reason, capability: true, bad: true };
}

/** An orchestrator's 4xx body in the error shapes: kept when it is one, wrapped when it is not. */
function errorShape(text: string, status: number): unknown {
  try {
    const v = JSON.parse(text) as { detail?: unknown };
    if (v && typeof v === "object" && v.detail !== undefined) return v;
  } catch {}
  return { detail: { msg: text.trim() || `orchestrator answered HTTP ${status}` } };
}

function messageOf(text: string): string {
  try {
    const d = (JSON.parse(text) as { detail?: { msg?: string } }).detail;
    if (d && typeof d.msg === "string") return d.msg;
  } catch {}
  return text.slice(0, 200);
}

function causeOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? err.message;
}

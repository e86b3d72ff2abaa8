/**
 * @module One attempt of a job on one orchestrator: send the request (media streamed from the parsed upload),
 * classify the answer, and on success copy each output once into the output store.
 */
import type { Orchestrator } from "../orchestrators/orchestrator.js";
import { extensionOf, MEDIA_TYPES, type OutputStore, outputName } from "../outputs/store.js";
import type { Job, Media } from "./job.js";

/** How an attempt ended. */
export type AttemptResult =
  /** Outputs stored under these names. */
  | { kind: "ok"; media: Array<Media & { name: string }> }
  /** The orchestrator rejected the request itself (4xx): the client gets this status and body. */
  | { kind: "client_error"; status: number; body: unknown }
  /** At capacity (503/429): try another; hold this one back for `retryAfterMs`. */
  | { kind: "busy"; retryAfterMs: number; reason: string }
  /** Connection error, timeout, 5xx, bad answer, output not fetchable: try another, back off. */
  | { kind: "failed"; reason: string };

/** 4xx statuses that say the orchestrator (or our configuration of it) is at fault, not the job. */
const ORCHESTRATOR_FAULT = new Set([401, 403, 404, 405, 408, 429]);

function requestBody(job: Job): BodyInit {
  if (!job.multipart) return JSON.stringify(job.body);
  const form = new FormData();
  for (const [k, v] of Object.entries(job.body)) {
    if (v === undefined || v === null) continue;
    form.append(k, v instanceof Blob ? v : String(v));
  }
  return form;
}

/**
 * Runs one attempt; never throws for orchestrator problems (they are results), only when `signal` is aborted.
 * @example const r = await attempt(o, job, store, AbortSignal.timeout(300_000));
 */
export async function attempt(
  o: Orchestrator,
  job: Job,
  path: string,
  store: OutputStore,
  signal: AbortSignal,
): Promise<AttemptResult> {
  let res: Response;
  try {
    const headers: Record<string, string> = { "x-request-id": job.requestId, accept: "application/json" };
    if (!job.multipart) headers["content-type"] = "application/json";
    if (o.secret) headers.authorization = `Bearer ${o.secret}`;
    res = await fetch(`${o.url}${path}`, { method: "POST", headers, body: requestBody(job), signal });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    return { kind: "failed", reason: `connection failed: ${causeOf(err)}` };
  }
  const text = await readText(res, signal);
  if (text === undefined) return { kind: "failed", reason: "connection lost while reading the answer" };
  if (res.status === 503 || res.status === 429) {
    const seconds = Number(res.headers.get("retry-after"));
    return {
      kind: "busy",
      retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000,
      reason: `HTTP ${res.status}: ${messageOf(text)}`,
    };
  }
  if (res.status >= 400 && res.status < 500 && !ORCHESTRATOR_FAULT.has(res.status)) {
    return { kind: "client_error", status: res.status, body: errorShape(text, res.status) };
  }
  if (res.status !== 200) return { kind: "failed", reason: `HTTP ${res.status}: ${messageOf(text)}` };
  let images: Media[];
  try {
    images = (JSON.parse(text) as { images: Media[] }).images;
    if (!Array.isArray(images) || images.some((m) => typeof m?.url !== "string")) throw new Error("no images array");
  } catch (err) {
    return { kind: "failed", reason: `malformed answer: ${(err as Error).message}` };
  }
  const stored: Array<Media & { name: string }> = [];
  try {
    for (const m of images) {
      const name = await copyOutput(new URL(m.url, `${o.url}/`), store, signal);
      stored.push({ url: m.url, seed: m.seed, nsfw: m.nsfw, name });
    }
  } catch (err) {
    await Promise.all(stored.map((m) => store.delete(m.name).catch(() => {})));
    if (signal.aborted) throw signal.reason;
    return { kind: "failed", reason: `output not stored: ${causeOf(err)}` };
  }
  return { kind: "ok", media: stored };
}

/** Streams one output (a fetchable URL or a `data:` URL) into the store; returns its new name. */
async function copyOutput(url: URL, store: OutputStore, signal: AbortSignal): Promise<string> {
  const res = await fetch(url, { signal });
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new Error(`GET ${url.protocol === "data:" ? "data URL" : url.href}: HTTP ${res.status}`);
  }
  const ext = extensionOf(res.headers.get("content-type"), url.href.slice(0, 64));
  const name = outputName(ext);
  const size = res.headers.get("content-length");
  await store.put(name, res.body, MEDIA_TYPES[ext], size === null ? undefined : Number(size));
  return name;
}

async function readText(res: Response, signal: AbortSignal): Promise<string | undefined> {
  try {
    return await res.text();
  } catch {
    if (signal.aborted) throw signal.reason;
    return undefined;
  }
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

/**
 * @module Sending the benchmark's jobs: `runs` jobs with at most `concurrency` in flight, each timed from sending
 * the request to having read the whole answer. Errors are counted by reason, not thrown, so a run under overload
 * still reports what it measured: by the HTTP status of the server's answer whenever one arrived (`400`, `503`, … —
 * a refused upload included, see send-job.ts), else `timeout` or `connection`; the first message of each reason is
 * kept (the server's own for a status), so the report can say why.
 */
import type { JobRequest } from "../workload/job-request.js";
import { jobAgents, sendJob } from "./send-job.js";

/** The outcome of a load run. */
export interface LoadResult {
  /** Latencies of the successful jobs, ms. */
  latenciesMs: number[];
  /** Failed jobs by reason (HTTP status, `timeout`, `connection` or `wrong image count`). */
  errors: Record<string, number>;
  /** The first message of each reason in `errors` that had one: the server's answer for a status, the error's otherwise. */
  messages: Record<string, string>;
  /** Wall time from the first request to the last answer, ms. */
  wallMs: number;
  ok: number;
}

/**
 * Runs the jobs.
 * @example const r = await runLoad(url, req, { runs: 20, concurrency: 2, timeoutMs: 60_000 });
 */
export async function runLoad(
  baseUrl: string,
  req: JobRequest,
  o: { runs: number; concurrency: number; timeoutMs: number; token?: string; onDone?: (done: number) => void },
): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const errors: Record<string, number> = {};
  const messages: Record<string, string> = {};
  const fail = (reason: string, message: string | undefined) => {
    errors[reason] = (errors[reason] ?? 0) + 1;
    if (message && !(reason in messages)) messages[reason] = message;
  };
  // Encoded once, before the clock starts: every job sends the same bytes.
  const { bytes, contentType } = await encodeBody(req);
  const headers: Record<string, string> = { "content-type": contentType };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  const url = new URL(`${baseUrl}${req.path}`);
  const agents = jobAgents();
  let next = 0;
  let done = 0;
  const started = performance.now();
  const one = async () => {
    const t0 = performance.now();
    try {
      const answer = await sendJob(url, bytes, headers, o.timeoutMs, agents);
      const ms = performance.now() - t0;
      if (answer.status < 200 || answer.status > 299) fail(String(answer.status), answerMessage(answer.body));
      else if (req.images > 1 && imageCount(answer.body) !== req.images) {
        // A batched job must come back with every image it asked for (checked outside the timed span).
        fail("wrong image count", `asked for ${req.images} images, got ${imageCount(answer.body)}`);
      } else latenciesMs.push(ms);
    } catch (err) {
      const e = err as Error & { code?: string };
      if (e.name === "TimeoutError") fail("timeout", e.message);
      else fail("connection", e.message || e.code);
    }
    o.onDone?.(++done);
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(o.runs, o.concurrency) }, async () => {
        while (next < o.runs) {
          next++;
          await one();
        }
      }),
    );
  } finally {
    agents.destroy();
  }
  return { latenciesMs, errors, messages, wallMs: performance.now() - started, ok: latenciesMs.length };
}

/** The request body as bytes with its content type (a FormData's carries its boundary). */
async function encodeBody(req: JobRequest): Promise<{ bytes: Buffer; contentType: string }> {
  const { body, contentType } = req.body();
  const request = new Request("http://avs-bench.invalid/", {
    method: "POST",
    body,
    ...(contentType ? { headers: { "content-type": contentType } } : {}),
  });
  return {
    bytes: Buffer.from(await request.arrayBuffer()),
    contentType: request.headers.get("content-type") ?? "application/octet-stream",
  };
}

/** The longest message kept from an answer. */
const MAX_MESSAGE = 200;

/**
 * What an error answer says: `detail.msg` (every server of the project), a 422's issues, `detail`, `error` or
 * `message` of another JSON body, else its text; at most {@link MAX_MESSAGE} characters.
 * @example answerMessage(Buffer.from('{"detail":{"msg":"image too large"}}')) // "image too large"
 */
export function answerMessage(body: Buffer): string | undefined {
  const text = body.toString("utf8", 0, Math.min(body.length, 64 * 1024));
  const clip = (s: string) => {
    const one = s.replace(/\s+/g, " ").trim();
    return one.length > MAX_MESSAGE ? `${one.slice(0, MAX_MESSAGE - 1)}…` : one || undefined;
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return clip(text);
  }
  const j = json as { detail?: unknown; error?: unknown; message?: unknown } | null;
  const detail = j?.detail as { msg?: unknown } | Array<{ loc?: unknown[]; msg?: unknown }> | string | undefined;
  if (Array.isArray(detail)) return clip(detail.map((i) => `${(i.loc ?? []).join(".")}: ${i.msg}`).join("; "));
  if (typeof detail === "string") return clip(detail);
  if (typeof detail?.msg === "string") return clip(detail.msg);
  const error = j?.error as { message?: unknown } | string | undefined;
  if (typeof error === "string") return clip(error);
  if (typeof error?.message === "string") return clip(error.message);
  if (typeof j?.message === "string") return clip(j.message);
  return clip(text);
}

/** How many images a JSON answer carries (`images.length`), or -1 when it has none. */
function imageCount(answer: Buffer): number {
  try {
    const images = (JSON.parse(answer.toString("utf8")) as { images?: unknown }).images;
    return Array.isArray(images) ? images.length : -1;
  } catch {
    return -1;
  }
}

/**
 * @module Sending the benchmark's jobs: `runs` jobs with at most `concurrency` in flight, each timed from sending
 * the request to having read the whole answer. Errors are counted by status (`503`, `timeout`, …), not thrown, so a
 * run under overload still reports what it measured.
 */
import type { JobRequest } from "../workload/job-request.js";

/** The outcome of a load run. */
export interface LoadResult {
  /** Latencies of the successful jobs, ms. */
  latenciesMs: number[];
  /** Failed jobs by reason (HTTP status or error name). */
  errors: Record<string, number>;
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
  let next = 0;
  let done = 0;
  const started = performance.now();
  const one = async () => {
    const { body, contentType } = req.body();
    const headers: Record<string, string> = {};
    if (contentType) headers["content-type"] = contentType;
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    const t0 = performance.now();
    try {
      const res = await fetch(`${baseUrl}${req.path}`, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(o.timeoutMs),
      });
      const answer = await res.arrayBuffer();
      const ms = performance.now() - t0;
      if (!res.ok) errors[String(res.status)] = (errors[String(res.status)] ?? 0) + 1;
      else if (req.images > 1 && imageCount(answer) !== req.images) {
        // A batched job must come back with every image it asked for (checked outside the timed span).
        errors["wrong image count"] = (errors["wrong image count"] ?? 0) + 1;
      } else latenciesMs.push(ms);
    } catch (err) {
      const name = (err as Error).name === "TimeoutError" ? "timeout" : "connection";
      errors[name] = (errors[name] ?? 0) + 1;
    }
    o.onDone?.(++done);
  };
  await Promise.all(
    Array.from({ length: Math.min(o.runs, o.concurrency) }, async () => {
      while (next < o.runs) {
        next++;
        await one();
      }
    }),
  );
  return { latenciesMs, errors, wallMs: performance.now() - started, ok: latenciesMs.length };
}

/** How many images a JSON answer carries (`images.length`), or -1 when it has none. */
function imageCount(answer: ArrayBuffer): number {
  try {
    const images = (JSON.parse(new TextDecoder().decode(answer)) as { images?: unknown }).images;
    return Array.isArray(images) ? images.length : -1;
  } catch {
    return -1;
  }
}

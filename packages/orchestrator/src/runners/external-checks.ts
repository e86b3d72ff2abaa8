/**
 * @module What a runner reached by URL must pass beyond `/health` before it takes jobs: it serves its entry's
 * pipeline and model (`/hardware/info`), and it accepts the entry's `token`. Each failure carries a short state for
 * `GET /ready` (`serves upscale "c/d"`), beside the whole message for the log and the jobs' 503.
 */
import type { ModelEntry } from "../config/ai-models.js";

/** A runner reached by URL that answers but cannot serve its entry; `state` is what `/ready` says of it. */
export class ExternalRunnerRefusal extends Error {
  readonly state: string;
  constructor(message: string, state: string) {
    super(message);
    this.name = "ExternalRunnerRefusal";
    this.state = state;
  }
}

/**
 * Throws when a runner reached by URL says (`/hardware/info`, as Livepeer's runners do) that it serves another
 * pipeline or model than its entry: every job would fail there (a 400 or a 404) while `/info` advertised it.
 * @example checkServes(entry, { pipeline: "upscale", model_id: "c/d" }, url) // throws: serves upscale "c/d", not …
 */
export function checkServes(
  entry: ModelEntry,
  hw: { pipeline?: string; model_id?: string } | undefined,
  url: string,
): void {
  if (!hw?.pipeline || !hw.model_id || (hw.pipeline === entry.pipeline && hw.model_id === entry.modelId)) return;
  throw new ExternalRunnerRefusal(
    `runner at ${url} serves ${hw.pipeline} ${JSON.stringify(hw.model_id)}, not ${entry.pipeline} ` +
      `${JSON.stringify(entry.modelId)} as its entry says; fix the entry's url or its pipeline and model_id`,
    `reachable, but serves ${hw.pipeline} ${JSON.stringify(hw.model_id)}`,
  );
}

/**
 * Throws when the runner refuses the entry's `token`, which would make every job a 500. The runner API has no
 * authenticated route without a side effect on Livepeer's runners (`/health` and `/hardware/*` are open; the
 * progress route is ours), so this sends the pipeline's route an empty JSON body, which no runner can take as a job:
 * a runner that checks the token first (ours, as Hono's bearer middleware does) answers 401 for a wrong one and a
 * 4xx about the body (415, 422) for the right one. A runner that reads the body before the token (FastAPI validates
 * a form before the route runs) answers 422 either way and is let through; so is any answer but a 401, and no
 * answer within `timeoutMs` (the health check already found it up).
 * @example await checkToken(entry, "http://10.0.0.5:8000", "s3cret") // throws: refused the orchestrator's token
 */
export async function checkToken(entry: ModelEntry, url: string, token: string, timeoutMs = 3000): Promise<void> {
  let status: number;
  try {
    const res = await fetch(new URL(`/${entry.pipeline}`, url), {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: "",
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.status;
    await res.body?.cancel();
  } catch {
    return;
  }
  if (status !== 401) return;
  throw new ExternalRunnerRefusal(
    `runner at ${url} refused the orchestrator's token (401 to an empty POST /${entry.pipeline}), so every job ` +
      `would fail; set the entry's token to the runner's AUTH_TOKEN${token ? "" : " (the entry has none)"}`,
    "reachable, but refuses the orchestrator's token",
  );
}

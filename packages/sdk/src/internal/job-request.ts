/**
 * @module One request of a job route (`GET /jobs/{id}`, `POST /jobs/{id}/cancel`, `POST /image-to-video/result`):
 * reading or cancelling is safe to repeat, so it is retried like a download; an error status is thrown as the
 * gateway's {@link ApiError}.
 */
import { apiError, type CallTarget, ConnectionError, MalformedResponseError, SdkError } from "../errors.js";
import type { JobTransport } from "../jobs.js";
import { type CallOptions, checkSettings } from "../options.js";
import { callHeaders, jsonAnswer, send } from "./transport.js";

/**
 * Sends `method path` (with `json` as its body, if given) with the client's headers and the call's settings and
 * returns the answer's JSON object. `check` says what is wrong with it, if anything: then the call fails with a
 * {@link MalformedResponseError} expecting what it says.
 *
 * @example
 * const job = (await jobRequest(t, "GET", `/jobs/${id}`, { signal })) as Job;
 */
export async function jobRequest(
  t: JobTransport,
  method: "GET" | "POST",
  path: string,
  options: CallOptions | undefined,
  json?: object,
  check?: (answer: never) => string | undefined,
): Promise<unknown> {
  const call = checkSettings(path, options);
  const target: CallTarget = { method, path };
  const headers = callHeaders(target, call, t.headers, json && { "Content-Type": "application/json" });
  const body = json && JSON.stringify(json);
  const stats = { attempts: 1 };
  const response = await send(
    t.fetch,
    new Request(`${t.baseUrl}${path}`, { method, headers, body, signal: call.signal ?? null }),
    {
      target,
      timeoutMs: call.timeoutMs ?? t.timeoutMs,
      retries: call.retries ?? t.retries,
      replaySafe: true,
      maxBytes: t.maxResponseBytes,
      stats,
    },
  );
  let text: string;
  try {
    text = await response.text();
  } catch (err) {
    throw err instanceof SdkError ? err : new ConnectionError(target, { cause: err, attempts: stats.attempts });
  }
  if (!response.ok) {
    throw apiError({
      ...target,
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      body: parseBody(text),
      attempts: stats.attempts,
    });
  }
  const answer = jsonAnswer(target, response, text, stats.attempts);
  const expected = check?.(answer as never);
  if (expected) throw new MalformedResponseError(target, expected, response, text, { attempts: stats.attempts });
  return answer;
}

/**
 * An error answer's body: its JSON, or the text when it is not JSON.
 *
 * @example
 * parseBody('{"detail":{"msg":"no job"}}'); // { detail: { msg: "no job" } }
 */
export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

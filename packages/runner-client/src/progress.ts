/**
 * @module Following a job's `GET /progress/{request_id}` Server-Sent Events (runner and orchestrator specs, our
 * extension) as a typed async iterator over `fetch`, so it works in Node and browsers alike.
 */
import { RunnerConnectionError, RunnerError, toDetail } from "./errors.js";

/** One step of a job's loop: `stage` names it (`denoise`, `decode`, `tiles`, `upscale`…), `fraction` = step / total. */
export interface ProgressStep {
  type: "progress";
  /** The event's sequence number within the job. */
  id: number;
  stage: string;
  step: number;
  total: number;
  fraction: number;
  /** The stage's pipeline, on the events of an orchestrator's chain job (SVD → FILM); absent for a plain job. */
  pipeline?: string;
}

/** The last event: the HTTP status the job's POST answered, and `msg` when it failed. */
export interface ProgressEnd {
  type: "end";
  id: number;
  status: number;
  msg?: string;
}

export type ProgressEvent = ProgressStep | ProgressEnd;

/** Options of {@link followProgress}. */
export interface FollowProgressOptions {
  /** Bearer token sent as `Authorization`. */
  token?: string;
  /** Stops following; the iterator then ends quietly. */
  signal?: AbortSignal;
  /**
   * The id of the last event already seen, sent as `Last-Event-ID`: the stream starts after it instead of at the
   * job's last state; 0 replays the job from its start (as far as the server kept it).
   */
  lastEventId?: number;
  fetch?: typeof globalThis.fetch;
}

/**
 * Follows `GET {baseUrl}/progress/{requestId}` until its `end` event (included) or `signal` aborts, from the job's
 * last state or, with `lastEventId`, from after that event. A 404 (no such
 * job, or a Livepeer server without the route) and other error answers throw {@link RunnerError}; a connection
 * that fails throws {@link RunnerConnectionError}.
 * @example for await (const e of followProgress("http://127.0.0.1:8000", "job-1")) console.log(e.type, e.id);
 */
export async function* followProgress(
  baseUrl: string,
  requestId: string,
  options: FollowProgressOptions = {},
): AsyncGenerator<ProgressEvent, void, undefined> {
  const path = `/progress/${encodeURIComponent(requestId)}`;
  const headers: Record<string, string> = { accept: "text/event-stream" };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.lastEventId !== undefined) headers["last-event-id"] = String(options.lastEventId);
  const { signal } = options;
  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(baseUrl.replace(/\/+$/, "") + path, {
      headers,
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (signal?.aborted) return;
    throw new RunnerConnectionError({ method: "GET", path, cause: err, timedOut: false });
  }
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => "");
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {}
    throw new RunnerError({
      method: "GET",
      path,
      status: response.status,
      detail: toDetail(data, response.statusText || "progress unavailable"),
      headers: response.headers,
    });
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<string>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (signal?.aborted) return;
        throw new RunnerConnectionError({ method: "GET", path, cause: err, timedOut: false });
      }
      if (chunk.done) {
        throw new RunnerConnectionError({
          method: "GET",
          path,
          cause: new Error("the progress stream closed before its end event"),
          timedOut: false,
        });
      }
      buffer += chunk.value.replace(/\r\n?/g, "\n");
      for (let cut = buffer.indexOf("\n\n"); cut >= 0; cut = buffer.indexOf("\n\n")) {
        const event = parseEvent(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        if (!event) continue;
        yield event;
        if (event.type === "end") return;
      }
      if (buffer.length > MAX_EVENT_CHARS) {
        throw new RunnerConnectionError({
          method: "GET",
          path,
          cause: new Error(`a progress event longer than ${MAX_EVENT_CHARS} characters`),
          timedOut: false,
        });
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * The longest event block read (a progress event is a few hundred characters): the stream is another server's, and
 * one that never ends its event would otherwise grow the buffer without bound.
 */
const MAX_EVENT_CHARS = 64 * 1024;

/** One SSE block as a typed event; comments, `retry:` lines and unknown events give undefined. */
function parseEvent(block: string): ProgressEvent | undefined {
  let name = "message";
  let id = 0;
  const data: string[] = [];
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    if (colon === 0) continue;
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") name = value;
    else if (field === "id") id = Number(value) || 0;
    else if (field === "data") data.push(value);
  }
  if (name !== "progress" && name !== "end") return undefined;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(data.join("\n")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (name === "end") {
    return {
      type: "end",
      id,
      status: Number(body.status),
      ...(typeof body.msg === "string" ? { msg: body.msg } : {}),
    };
  }
  return {
    type: "progress",
    id,
    stage: String(body.stage),
    step: Number(body.step),
    total: Number(body.total),
    fraction: Number(body.fraction),
    ...(typeof body.pipeline === "string" ? { pipeline: body.pipeline } : {}),
  };
}

/**
 * @module A Server-Sent Events parser over a `fetch` body (WHATWG HTML, "Server-sent events", §9.2.6 "Interpreting an
 * event stream"): lines end in CRLF, LF or CR; `data` lines join with LF; `id`, `event` and `retry` fields; lines
 * starting with `:` are comments. Used instead of `EventSource`, which cannot send an `Authorization` header.
 */

/** One dispatched event. `id` is the last event id seen so far (ids carry over, as the spec says). */
export interface ServerSentEvent {
  id: string | undefined;
  event: string;
  data: string;
  /** The reconnection time the stream asked for, ms, when it sent a `retry` field. */
  retry: number | undefined;
}

/**
 * The events of a `text/event-stream` body, as they arrive. Breaking out of the loop cancels the body. When `idleMs`
 * pass without a byte (neither an event nor a comment), the body is cancelled and the iterator throws: a stream a
 * server keeps alive with comments is stalled then, though its connection looks open. An event whose lines (field
 * names included, line ends not) add up to more than `limit.length` characters — one whose line never ends too —
 * cancels the body and throws `limit.error()`, whatever the chunking: one event cannot fill memory, while the stream
 * as a whole may go on for ever.
 *
 * @example
 * for await (const e of readServerSentEvents(response.body!, 45_000)) console.log(e.event, JSON.parse(e.data));
 */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
  idleMs?: number,
  limit?: { length: number; error: () => Error },
): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let lastId: string | undefined;
  let retry: number | undefined;
  let event = "";
  let data: string[] = [];
  let pending = 0;
  try {
    for (;;) {
      const { done, value } = await (idleMs ? within(reader.read(), idleMs) : reader.read());
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // A CR at the very end may be the first half of a CRLF: keep it until more arrives.
      for (let at = firstBreak(buffer, done); at >= 0; at = firstBreak(buffer, done)) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(buffer[at] === "\r" && buffer[at + 1] === "\n" ? at + 2 : at + 1);
        pending += line.length;
        if (limit && pending > limit.length) throw limit.error();
        if (line === "") {
          if (data.length > 0) yield { id: lastId, event: event || "message", data: data.join("\n"), retry };
          event = "";
          data = [];
          pending = 0;
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? "" : line.slice(colon + (line[colon + 1] === " " ? 2 : 1));
        if (field === "data") data.push(val);
        else if (field === "event") event = val;
        else if (field === "id" && !val.includes("\0")) lastId = val;
        else if (field === "retry" && /^\d+$/.test(val)) retry = Number(val);
      }
      if (limit && pending + buffer.length > limit.length) throw limit.error();
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function firstBreak(buffer: string, done: boolean): number {
  const lf = buffer.indexOf("\n");
  const cr = buffer.indexOf("\r");
  if (cr < 0) return lf;
  if (cr === buffer.length - 1 && !done) return lf >= 0 && lf < cr ? lf : -1;
  return lf < 0 ? cr : Math.min(cr, lf);
}

/**
 * Settles as `read` does, or rejects once `ms` pass first, saying the event stream was silent that long.
 *
 * @example
 * const response = await within(fetch(request), 45_000); // headers within 45 s, or a stalled attempt
 */
export function within<T>(read: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the event stream was silent for ${ms} ms`)), ms);
  });
  return Promise.race([read, silence]).finally(() => clearTimeout(timer));
}

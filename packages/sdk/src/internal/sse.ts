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
}

/**
 * The events of a `text/event-stream` body, as they arrive. Breaking out of the loop cancels the body. When `idleMs`
 * pass without a byte (neither an event nor a comment), the body is cancelled and the iterator throws: a stream a
 * server keeps alive with comments is stalled then, though its connection looks open. An event whose lines (field
 * names included, line ends not) add up to more than `limit.length` characters — one whose line never ends too —
 * cancels the body and throws `limit.error()`, whatever the chunking: one event cannot fill memory, while the stream
 * as a whole may go on for ever. A `retry` field is given to `onRetry` (ms) as soon as it is read: it sets the
 * stream's reconnection time whether an event follows or not (§9.2.6, "If the field name is retry").
 *
 * @example
 * for await (const e of readServerSentEvents(response.body!, 45_000)) console.log(e.event, JSON.parse(e.data));
 */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
  idleMs?: number,
  limit?: { length: number; error: () => Error },
  onRetry?: (ms: number) => void,
): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let lastId: string | undefined;
  let event = "";
  let data: string[] = [];
  let pending = 0;
  // The line not yet ended, as the pieces it came in (searched once each, so a long line costs linear time however
  // finely it is cut), and whether the last piece ended in CR (an LF that starts the next is that CRLF's end).
  let unfinished: string[] = [];
  let unfinishedLength = 0;
  let afterCr = false;
  try {
    for (;;) {
      const { done, value } = await (idleMs ? within(reader.read(), idleMs) : reader.read());
      const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      const lines: string[] = [];
      let from = afterCr && text[0] === "\n" ? 1 : 0;
      afterCr &&= !text;
      LINE_END.lastIndex = from;
      for (let end = LINE_END.exec(text); end; end = LINE_END.exec(text)) {
        lines.push(unfinished.join("") + text.slice(from, end.index));
        unfinished = [];
        unfinishedLength = 0;
        from = LINE_END.lastIndex;
        afterCr = end[0] === "\r" && from === text.length;
      }
      if (from < text.length) {
        unfinished.push(text.slice(from));
        unfinishedLength += text.length - from;
      }
      for (const line of lines) {
        pending += line.length;
        if (limit && pending > limit.length) throw limit.error();
        if (line === "") {
          if (data.length > 0) yield { id: lastId, event: event || "message", data: data.join("\n") };
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
        else if (field === "retry" && /^\d+$/.test(val)) onRetry?.(Number(val));
      }
      if (limit && pending + unfinishedLength > limit.length) throw limit.error();
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** A line end: CRLF, LF or CR (one piece's lines are all found before any is handled, so one regex serves all). */
const LINE_END = /\r\n|\r|\n/g;

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

/** @module The Server-Sent Events parser against the cases of the WHATWG spec, with the stream split at every byte. */
import { describe, expect, it } from "vitest";
import { readServerSentEvents, type ServerSentEvent } from "./sse.js";

/** A body that delivers `text` in pieces of `size` bytes. */
function body(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

async function all(text: string, size = 1 << 20, retries: number[] = []): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = [];
  for await (const e of readServerSentEvents(body(text, size), undefined, undefined, (ms) => retries.push(ms)))
    out.push(e);
  return out;
}

const STREAM =
  "retry: 1000\n\n" +
  ": keep-alive\n\n" +
  'id: 1\r\nevent: status\r\ndata: {"status":"queued"}\r\n\r\n' +
  'id: 2\revent: progress\rdata: {"step":1,\r\r' +
  "data: line one\ndata:line two\ndata\n\n" +
  "event: result\nid: 3\ndata: é✓\n\n" +
  "data: no blank line at the end, never dispatched";

const EXPECTED: ServerSentEvent[] = [
  { id: "1", event: "status", data: '{"status":"queued"}' },
  { id: "2", event: "progress", data: '{"step":1,' },
  { id: "2", event: "message", data: "line one\nline two\n" },
  { id: "3", event: "result", data: "é✓" },
];

describe("readServerSentEvents", () => {
  it("parses LF, CRLF and CR line ends, multi-line data, comments, ids that carry over, and retry", async () => {
    const retries: number[] = [];
    expect(await all(STREAM, undefined, retries)).toEqual(EXPECTED);
    expect(retries).toEqual([1000]);
  });

  it("gives a retry field as it is read, though no event follows (the stream's reconnection time is set)", async () => {
    for (const size of [1, 1 << 20]) {
      const retries: number[] = [];
      expect(await all("retry: 3000\n\nretry: 10x\n: bye\nretry:2500\ndata: never dispatched", size, retries)).toEqual(
        [],
      );
      expect(retries, `chunks of ${size}`).toEqual([3000, 2500]);
    }
  });

  it("gives the same events whatever the chunking (CRLF and UTF-8 split across chunks)", async () => {
    for (const size of [1, 2, 3, 5, 7, 13]) expect(await all(STREAM, size), `chunks of ${size}`).toEqual(EXPECTED);
  });

  it("ignores an id holding NUL and a non-numeric retry", async () => {
    const retries: number[] = [];
    expect(await all("id: 5\n\ndata: a\nid: x\0y\nretry: soon\n\n", undefined, retries)).toEqual([
      { id: "5", event: "message", data: "a" },
    ]);
    expect(retries).toEqual([]);
  });

  it("throws limit.error() for an event of more than limit.length characters, or a line never ended, whatever the chunking", async () => {
    const limit = { length: 20, error: () => new Error("too long") };
    const read = async (text: string, size: number) => {
      const out: string[] = [];
      for await (const e of readServerSentEvents(body(text, size), undefined, limit)) out.push(e.data);
      return out;
    };
    // Events of 16, 11 and 20 characters (line ends not counted); the stream as a whole is far longer.
    const fits = "data: 0123456789\n\n: a comment\n\ndata: 0123\ndata: 4567\n\n".repeat(5);
    for (const size of [1, 7, 1 << 20]) {
      expect(await read(fits, size)).toEqual(Array(5).fill(["0123456789", "0123\n4567"]).flat());
      await expect(read("data: 0\n\ndata: 0123\ndata: 45678\n\ndata: 1\n\n", size)).rejects.toThrow("too long");
      await expect(read(`data: ${"x".repeat(100)}`, size)).rejects.toThrow("too long");
    }
  });

  it("reads a long line in time linear in its length, however finely it is cut", async () => {
    // 16 MiB in 4 KiB pieces, then 2^18 short lines: searching the unfinished line again with every piece (as the parser once did) reads
    // ~32 GiB and takes minutes; one pass takes well under a second. 20 s leaves room for a busy machine.
    const text = `data: ${"x".repeat(16 << 20)}\n\n${"data: 0123\r\n".repeat(1 << 18)}\r\n`;
    const started = performance.now();
    const events = await all(text, 4096);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(events.map((e) => e.data.length)).toEqual([16 << 20, 5 * (1 << 18) - 1]);
  });

  it("cancels the body when the consumer stops early", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("data: 1\n\ndata: 2\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const e of readServerSentEvents(stream)) {
      expect(e.data).toBe("1");
      break;
    }
    expect(cancelled).toBe(true);
  });
});

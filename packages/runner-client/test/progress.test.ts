/**
 * @module `followProgress` against streams another server controls: events are parsed as they come, and a stream that
 * never ends its event block is given up with a connection error instead of being buffered without bound.
 */
import { describe, expect, it } from "vitest";
import { followProgress, RunnerConnectionError } from "../src/index.js";

/** A `fetch` that answers 200 with `chunks()` as an event stream, counting what the reader pulled. */
function streaming(chunks: () => Generator<string>) {
  let pulled = 0;
  const fetch = (async () => {
    const source = chunks();
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = source.next();
        if (next.done) return controller.close();
        pulled += next.value.length;
        controller.enqueue(new TextEncoder().encode(next.value));
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  }) as typeof globalThis.fetch;
  return { fetch, pulled: () => pulled };
}

describe("followProgress", () => {
  it("yields the events of a stream until its end event", async () => {
    const { fetch } = streaming(function* () {
      yield 'id: 1\nevent: progress\ndata: {"stage":"upscale","step":1,"total":2}\n\n';
      yield ": keep-alive\n\n";
      yield 'id: 2\nevent: end\ndata: {"status":200}\n\n';
    });
    const events = [];
    for await (const e of followProgress("http://orchestrator.test", "job-1", { fetch })) events.push(e.type);
    expect(events).toEqual(["progress", "end"]);
  });

  it("gives up on an event that never ends, having read little more than 64 KiB of it", async () => {
    const { fetch, pulled } = streaming(function* () {
      yield "event: progress\ndata: ";
      for (;;) yield "x".repeat(4096);
    });
    const err = await (async () => {
      for await (const _ of followProgress("http://orchestrator.test", "job-1", { fetch }));
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunnerConnectionError);
    expect(((err as Error).cause as Error).message).toBe("a progress event longer than 65536 characters");
    expect(pulled()).toBeLessThan(128 * 1024);
  });
});

/**
 * `download(media, { stream: true })` over real sockets (test/scripted-server.ts): the body as a web stream, byte for
 * byte and past the client's maxResponseBytes; the request checked, sent, retried and refused as `download`'s;
 * cancelling closes the connection; a broken connection, a stall and an abort fail the stream with the SDK's errors,
 * while a body that takes longer than timeoutMs in all, or a reader that pauses, does not.
 */
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { setTimeout as wait } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { collectGarbage } from "../test/collect-garbage.js";
import { after, flood, json, PNG, type Step, scriptedServers } from "../test/scripted-server.js";
import { createClient } from "./client.js";
import {
  AbortError,
  ConnectionError,
  InvalidInputError,
  MalformedResponseError,
  NotFoundError,
  TimeoutError,
} from "./errors.js";
import { ERROR_BODY_LIMIT } from "./internal/transport.js";

const serve = scriptedServers();
const LIMIT = 64 * 1024;
const TOTAL = 64 * 1024 * 1024;

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Everything `stream` holds, read with `for await` (cast: the TypeScript libs here do not declare it iterable). */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Answers 200 with `body` in `pieces` writes `gapMs` apart (a slow origin, or a stall once `gapMs` is long). */
function trickle(body: Buffer, pieces: number, gapMs: number, closed?: { at?: number }): Step {
  return async (_req, res) => {
    res.on("close", () => {
      if (closed) closed.at = Date.now();
    });
    res.writeHead(200, { "content-type": "video/mp4", "content-length": body.length });
    const size = Math.ceil(body.length / pieces);
    for (let i = 0; i < pieces && !res.destroyed; i++) {
      if (i > 0) await wait(gapMs);
      res.write(body.subarray(i * size, (i + 1) * size));
    }
    res.end();
  };
}

describe("download with { stream: true }", () => {
  it("streams a body past maxResponseBytes into a file byte for byte, as the README shows; download() refuses it", async () => {
    const video = randomBytes(4 * 1024 * 1024);
    const server = await serve(
      flood([], video, 200, "video/mp4"),
      flood([], video, 200, "video/mp4", true),
      flood([], video, 200, "video/mp4", true),
    );
    const client = createClient({ baseUrl: server.url, maxResponseBytes: LIMIT });
    const dir = await mkdtemp(join(tmpdir(), "sdk-download-"));
    try {
      for (const name of ["chunked.mp4", "declared.mp4"]) {
        const stream = await client.download(`/outputs/${name}`, { stream: true });
        // The cast is for TypeScript with the DOM lib only: Readable.fromWeb is typed with Node's own stream type.
        await pipeline(Readable.fromWeb(stream as NodeReadableStream), createWriteStream(join(dir, name)));
        expect(sha256(readFileSync(join(dir, name)))).toBe(sha256(video));
      }
    } finally {
      await rm(dir, { recursive: true });
    }
    const err = await client.download("/outputs/whole.mp4").catch((e) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.message).toBe(
      `[GET] ${server.url}/outputs/whole.mp4: malformed answer — expected at most ${LIMIT} bytes (raise the client's maxResponseBytes to read more), got 200 (video/mp4)`,
    );
  }, 20_000);

  it("sends what download sends: URLs against baseUrl, the API key to the gateway's origin only", async () => {
    const server = await serve((_req, res) => void res.writeHead(200, { "content-type": "image/png" }).end(PNG));
    const client = createClient({ baseUrl: `${server.url}/gw`, apiKey: "sk-1" });
    const elsewhere = server.url.replace("127.0.0.1", "localhost");
    for (const media of ["outputs/a.png", { url: "/outputs/b.png", seed: 1, nsfw: false }, `${elsewhere}/c.png`]) {
      expect(new Uint8Array(await readAll(await client.download(media, { stream: true })))).toEqual(PNG);
    }
    expect(server.received.map((r) => [r.url, r.headers.authorization])).toEqual([
      ["/gw/outputs/a.png", "Bearer sk-1"],
      ["/outputs/b.png", "Bearer sk-1"],
      ["/c.png", undefined],
    ]);
  });

  it("refuses what download refuses, the same way, before any request", async () => {
    const server = await serve(json(200, {}));
    const client = createClient({ baseUrl: server.url });
    for (const media of [null, { url: 7 }, "file:///etc/passwd", "localhost:8937/a.mp4"]) {
      const buffered = await client.download(media as string).catch((e) => e);
      const streamed = await client.download(media as string, { stream: true }).catch((e) => e);
      expect(streamed).toBeInstanceOf(InvalidInputError);
      expect([streamed.message, streamed.attempts]).toEqual([buffered.message, 0]);
    }
    const header = await client.download("/a.mp4", { stream: true, headers: { "x-note": "a\nb" } }).catch((e) => e);
    expect(header).toBeInstanceOf(InvalidInputError);
    // From plain JavaScript: a string would be truthy, and "false" would stream.
    for (const [stream, shown] of [
      ["false", '"false"'],
      [1, "1"],
      [null, "null"],
    ] as const) {
      const err = await client.download("/a.mp4", { stream: stream as unknown as boolean }).catch((e) => e);
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toBe(`download: stream must be true or false, got ${shown}`);
    }
    expect(server.received).toHaveLength(0);
  });

  it("streams a data: URL's decoded bytes, however many", async () => {
    const bytes = randomBytes(4 * LIMIT);
    const client = createClient({ baseUrl: "http://127.0.0.1:9", maxResponseBytes: LIMIT });
    const url = `data:video/mp4;base64,${bytes.toString("base64")}`;
    expect(sha256(await readAll(await client.download(url, { stream: true })))).toBe(sha256(bytes));
    const text = await client.download("data:,hello%20world", { stream: true });
    expect(new TextDecoder().decode(await readAll(text))).toBe("hello world");
  });

  it("retries until the headers arrive, then throws download's ApiError for an error status, its body read to 64 KiB", async () => {
    const sent: number[] = [];
    const server = await serve(
      json(503, { detail: { msg: "busy" } }, { "retry-after": "0" }),
      (_req, res) => void res.writeHead(200, { "content-type": "image/png" }).end(PNG),
      flood(sent, Buffer.alloc(TOTAL, "x"), 404, "text/plain"),
    );
    const client = createClient({ baseUrl: server.url });
    expect(new Uint8Array(await readAll(await client.download("/outputs/a.png", { stream: true })))).toEqual(PNG);
    expect(server.received).toHaveLength(2);
    const err = await client.download("/outputs/gone.mp4", { stream: true }).catch((e) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toBe(`[GET] ${server.url}/outputs/gone.mp4: 404 Not Found — ${"x".repeat(200)}…`);
    expect(err.body).toBe("x".repeat(ERROR_BODY_LIMIT));
    await expect.poll(() => sent.length).toBe(1);
    expect(sent[0]).toBeLessThan(TOTAL / 4);
  }, 20_000);

  for (const how of ["reader.cancel()", "break in for await"]) {
    it(`closes the connection when the stream is cancelled (${how}), long before the server wrote everything`, async () => {
      const sent: number[] = [];
      const body = randomBytes(TOTAL);
      const server = await serve(flood(sent, body, 200, "video/mp4", true));
      const stream = await createClient({ baseUrl: server.url }).download("/outputs/a.mp4", { stream: true });
      let first: Uint8Array | undefined;
      if (how === "reader.cancel()") {
        const reader = stream.getReader();
        first = (await reader.read()).value;
        await reader.cancel();
      } else {
        for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
          first = chunk;
          break;
        }
      }
      expect(Buffer.from(first!).equals(body.subarray(0, first!.length))).toBe(true);
      await expect.poll(() => sent.length).toBe(1);
      expect(sent[0]).toBeLessThan(TOTAL / 4);
    }, 20_000);
  }

  it("fails the stream with a ConnectionError, not a raw TypeError, when the connection breaks mid-body", async () => {
    const head = randomBytes(LIMIT);
    const server = await serve((req, res) => {
      res.writeHead(200, { "content-type": "video/mp4", "content-length": 4 * LIMIT }).write(head);
      setTimeout(() => req.socket.destroy(), 100);
    });
    const stream = await createClient({ baseUrl: server.url }).download("/outputs/a.mp4", { stream: true });
    const reader = stream.getReader();
    const got: Uint8Array[] = [];
    const err = await (async () => {
      for (let r = await reader.read(); !r.done; r = await reader.read()) got.push(r.value);
    })().catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toMatch(/^\[GET\] http:\/\/127\.0\.0\.1:\d+\/outputs\/a\.mp4: connection failed — terminated/);
    expect(err.cause).toBeInstanceOf(TypeError);
    expect(Buffer.concat(got).equals(head)).toBe(true);
  });
});

describe("download with { stream: true }: timeoutMs and signal", () => {
  it("does not fail a body that takes longer than timeoutMs in all, its chunks coming in time", async () => {
    const body = randomBytes(10 * 1024);
    const server = await serve(trickle(body, 10, 100));
    const client = createClient({ baseUrl: server.url, timeoutMs: 300 });
    const started = Date.now();
    expect(sha256(await readAll(await client.download("/outputs/a.mp4", { stream: true })))).toBe(sha256(body));
    expect(Date.now() - started).toBeGreaterThan(2 * 300);
  });

  it("does not time a reader that holds the stream: the clock runs only while a read waits", async () => {
    const body = randomBytes(LIMIT);
    const server = await serve((_req, res) => void res.writeHead(200, { "content-type": "video/mp4" }).end(body));
    const stream = await createClient({ baseUrl: server.url, timeoutMs: 200 }).download("/a.mp4", { stream: true });
    await wait(600);
    expect(sha256(await readAll(stream))).toBe(sha256(body));
  });

  it("fails a stream silent for timeoutMs with a TimeoutError, closing its connection (after a collection too)", async () => {
    const closed: { at?: number } = {};
    const server = await serve(trickle(randomBytes(1024), 2, 10_000, closed));
    const stream = await createClient({ baseUrl: server.url, timeoutMs: 300 }).download("/a.mp4", { stream: true });
    const reader = stream.getReader();
    expect((await reader.read()).value).toHaveLength(512);
    collectGarbage();
    const started = Date.now();
    const err = await reader.read().catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect([err.message, err.stalled]).toEqual([
      `[GET] ${server.url}/a.mp4: the stream stalled: no data for 300 ms`,
      true,
    ]);
    expect(Date.now() - started).toBeLessThan(2000);
    await expect.poll(() => closed.at).toBeDefined();
  });

  it("rejects with a TimeoutError when the headers take longer than timeoutMs", async () => {
    const server = await serve(after(10_000, json(200, {})));
    const client = createClient({ baseUrl: server.url, retries: 0 });
    const started = Date.now();
    const err = await client.download("/a.mp4", { stream: true, timeoutMs: 300 }).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect([err.message, err.stalled]).toEqual([`[GET] ${server.url}/a.mp4: timed out after 300 ms`, false]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("fails the stream with an AbortError when the signal fires after the headers, closing the connection", async () => {
    const sent: number[] = [];
    const server = await serve(flood(sent, randomBytes(TOTAL), 200, "video/mp4"));
    const controller = new AbortController();
    const client = createClient({ baseUrl: server.url });
    const stream = await client.download("/a.mp4", { stream: true, signal: controller.signal });
    const reader = stream.getReader();
    await reader.read();
    const reason = new Error("the user left");
    controller.abort(reason);
    const err = await (async () => {
      while (!(await reader.read()).done);
    })().catch((e) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect([err.message, err.cause]).toEqual([`[GET] ${server.url}/a.mp4: aborted`, reason]);
    await expect.poll(() => sent.length).toBe(1);
    expect(sent[0]).toBeLessThan(TOTAL / 4);
  }, 20_000);
});

/**
 * Success answers bounded by the client's `maxResponseBytes`, over real sockets (test/scripted-server.ts): a JSON
 * answer, a download or a job record past it is refused as a MalformedResponseError — at once when its Content-Length
 * says so, else as soon as that many bytes came — and the connection is closed with the rest unread; an answer of
 * exactly the limit is read. A job's event stream is bounded per event, not as a whole.
 */
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { flood, json, type Step, scriptedServers } from "../test/scripted-server.js";
import { createClient } from "./client.js";
import { MalformedResponseError } from "./errors.js";

const serve = scriptedServers();
const ID = "job_AAAAAAAAAAAAAAAAAAAAAA";
const LIMIT = 64 * 1024;
const TOTAL = 64 * 1024 * 1024;

/** A text-to-image answer of exactly `size` bytes: one image inline, as a base64 `data:` URL of "A"s. */
function inlineAnswer(size: number): Buffer {
  const head = '{"images":[{"url":"data:video/mp4;base64,';
  const tail = '","seed":1,"nsfw":false}]}';
  const body = Buffer.alloc(size, "A");
  body.write(head);
  body.write(tail, size - tail.length);
  return body;
}

/** The message of an answer refused for its size, on `err`'s call. */
const refused = (err: MalformedResponseError, type = "application/json") =>
  `[${err.method}] ${err.path}: malformed answer — expected at most ${LIMIT} bytes (raise the client's maxResponseBytes to read more), got 200 (${type})`;

describe("maxResponseBytes", () => {
  for (const declared of [false, true]) {
    it(`refuses a success answer past it ${declared ? "by its Content-Length" : "while it streams"}, on every path, reading no more`, async () => {
      const sent: number[] = [];
      const server = await serve(flood(sent, inlineAnswer(TOTAL), 200, "application/json", declared));
      const client = createClient({ baseUrl: server.url, maxResponseBytes: LIMIT, retries: 0 });
      const errors = [
        await client.textToImage({ prompt: "p" }).catch((e) => e),
        await client.download("/outputs/a.mp4").catch((e) => e),
        await client
          .job(ID)
          .refresh()
          .catch((e) => e),
      ];
      for (const err of errors) {
        expect(err).toBeInstanceOf(MalformedResponseError);
        expect(err.message).toBe(refused(err));
        expect([err.status, err.body, err.attempts]).toEqual([200, undefined, 1]);
      }
      expect(errors.map((e) => `${e.method} ${e.path}`)).toEqual([
        "POST /text-to-image",
        `GET ${server.url}/outputs/a.mp4`,
        `GET /jobs/${ID}`,
      ]);
      // Each connection was closed long before the 64 MiB were out (what is in flight fits the socket buffers).
      await expect.poll(() => sent.length).toBe(3);
      for (const n of sent) expect(n).toBeLessThan(TOTAL / 4);
    }, 20_000);
  }

  it("refuses a Content-Length past it as soon as the headers come, without waiting for the body", async () => {
    let closed = false;
    const server = await serve((_req, res) => {
      res.on("close", () => {
        closed = true;
      });
      res.writeHead(200, { "content-type": "application/json", "content-length": TOTAL }).flushHeaders();
    });
    const client = createClient({ baseUrl: server.url, maxResponseBytes: LIMIT, timeoutMs: 3000 });
    const started = Date.now();
    const err = await client.textToImage({ prompt: "p" }).catch((e) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.message).toBe(refused(err));
    expect(Date.now() - started).toBeLessThan(1000);
    await expect.poll(() => closed).toBe(true);
  });

  it("reads an answer of exactly the limit, with or without Content-Length, and refuses one byte more", async () => {
    const sent: number[] = [];
    const [exact, over] = [inlineAnswer(LIMIT), inlineAnswer(LIMIT + 1)];
    const server = await serve(
      flood(sent, exact, 200, "application/json"),
      flood(sent, exact, 200, "application/json", true),
      flood(sent, over, 200, "application/json"),
      flood(sent, over, 200, "application/json", true),
    );
    const client = createClient({ baseUrl: server.url, maxResponseBytes: LIMIT });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await client.textToImage({ prompt: "p" }).catch((e) => e));
    expect(answers.slice(0, 2)).toEqual([JSON.parse(exact.toString()), JSON.parse(exact.toString())]);
    for (const err of answers.slice(2)) expect(err.message).toBe(refused(err));
  });

  it("judges a compressed answer by the bytes it decodes to, not by its Content-Length", async () => {
    const random = randomBytes(LIMIT);
    const compressed = (bytes: Buffer): Step => {
      const body = gzipSync(bytes);
      return (_req, res) =>
        void res
          .writeHead(200, { "content-type": "video/mp4", "content-encoding": "gzip", "content-length": body.length })
          .end(body);
    };
    const server = await serve(compressed(random), compressed(Buffer.alloc(LIMIT + 1)));
    const client = createClient({ baseUrl: server.url, maxResponseBytes: LIMIT });
    // Random bytes grow when compressed: a Content-Length past the limit, LIMIT bytes decoded.
    expect(gzipSync(random).length).toBeGreaterThan(LIMIT);
    expect(await client.download("/outputs/a.mp4")).toEqual(new Uint8Array(random));
    const err = await client.download("/outputs/b.mp4").catch((e) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.message).toBe(refused(err, "video/mp4"));
  });

  it("reads an answer well past it whole under the default (256 MiB), as inline media need", async () => {
    const server = await serve(flood([], inlineAnswer(TOTAL), 200, "application/json"));
    const { images } = await createClient({ baseUrl: server.url }).textToImage({ prompt: "p" });
    expect(images[0]!.url).toHaveLength(TOTAL - 45);
  }, 20_000);

  it("bounds each event of a job's event stream, not the stream: an event past it ends wait() at once", async () => {
    const event = (id: number, type: string, data: unknown) =>
      `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    const progress = { fraction: 0.5, stage: "denoise", note: "x".repeat(1000) };
    const result = JSON.parse(inlineAnswer(1000).toString());
    const job = { id: ID, status: "succeeded", pipeline: "text-to-image", result };
    const many = Array.from({ length: 100 }, (_, i) => event(i + 1, "progress", progress)).join("");
    const sent: number[] = [];
    const server = await serve(
      (_req, res) =>
        void res.writeHead(200, { "content-type": "text/event-stream" }).end(`${many}${event(101, "result", job)}`),
      flood(sent, Buffer.from(`data: {"x":"${"x".repeat(TOTAL)}`), 200, "text/event-stream"),
    );
    const client = createClient({ baseUrl: server.url, maxResponseBytes: LIMIT });
    expect(many.length).toBeGreaterThan(LIMIT);
    expect(await client.job(ID).wait()).toEqual(result);
    const err = await client
      .job(ID)
      .wait()
      .catch((e) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.message).toBe(refused(err, "text/event-stream"));
    expect(err.path).toBe(`/jobs/${ID}/events`);
    expect(server.received).toHaveLength(2);
    await expect.poll(() => sent.length).toBe(1);
    expect(sent[0]).toBeLessThan(TOTAL / 4);
  }, 20_000);

  it("must be a whole number of bytes ≥ 1", async () => {
    for (const maxResponseBytes of [0, -1, 1.5, Number.NaN]) {
      expect(() => createClient({ baseUrl: "http://127.0.0.1:9", maxResponseBytes })).toThrow(
        new RangeError(`createClient: maxResponseBytes must be a whole number ≥ 1, got ${maxResponseBytes}`),
      );
    }
    const server = await serve(json(200, { images: [] }));
    expect(await createClient({ baseUrl: server.url, maxResponseBytes: 1 << 20 }).textToImage({ prompt: "" })).toEqual({
      images: [],
    });
  });
});

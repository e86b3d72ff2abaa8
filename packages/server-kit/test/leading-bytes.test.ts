/**
 * @module `keepMultipart.leadingBytes` on real servers: a file part whose first bytes its check refuses is answered at
 * once — with the check's error, `Connection: close`, and the connection closed after it — while the rest of the body
 * has not even been sent (a declared length never reached, a chunked body never ended), in every reading path: a
 * plain body in memory, one busboy reads in memory (from the start, or from a part that is not plain), a chunked body
 * and one over `memoryBytes` streamed through busboy. A part shorter than the look-ahead is checked at its end; a
 * check that passes changes nothing the handler sees; only the first part of a checked field, and only a file, is
 * checked (a text part or a repeat stays the validator's 422).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Context, Hono } from "hono";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  errorHandler,
  HttpError,
  type HttpServer,
  type LeadingBytesCheck,
  listen,
  RequestValidator,
  rawMultipart,
  silentLogger,
  typedRoutes,
} from "../src/index.js";
import { httpChunk, rawRequest } from "./raw-client.js";
import { uploadDocument } from "./upload-document.js";

const document = uploadDocument({ prompt: { type: "string", default: "" } });

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The heads the check was given, by length. */
let heads: number[] = [];
/** A PNG field: the signature, or a part too short to tell (a prefix of it, or empty), passes. */
const png: LeadingBytesCheck = {
  bytes: 8,
  check(head, field) {
    heads.push(head.length);
    if (Buffer.from(head).equals(SIGNATURE.subarray(0, head.length))) return undefined;
    return new HttpError(415, `${field} must be a PNG file; its bytes start with ${Buffer.from(head).toString("hex")}`);
  },
};

let dir: string;
let handled = 0;
const servers: Record<"memory" | "streamed" | "unchecked", HttpServer> = {} as never;

async function serve(memoryBytes: number, checked: boolean, maxMultipartBytes = 1024 * 1024 * 1024) {
  const validator = await RequestValidator.create(document, {
    maxMultipartBytes,
    keepMultipart: { dir, memoryBytes, ...(checked ? { leadingBytes: { image: png } } : {}) },
  });
  const app = new Hono();
  app.onError(errorHandler(silentLogger));
  typedRoutes<Record<string, unknown>>(app, validator)("up", (async (body: Record<string, unknown>, c: Context) => {
    handled++;
    const image = body.image as File;
    return {
      prompt: body.prompt,
      image: { name: image.name, type: image.type, hex: Buffer.from(await image.arrayBuffer()).toString("hex") },
      parts: rawMultipart(c)?.parts,
      size: rawMultipart(c)?.size,
    };
  }) as never);
  return listen(app.fetch, { host: "127.0.0.1", port: 0 });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "avs-leading-bytes-"));
  servers.memory = await serve(1024 * 1024 * 1024, true);
  servers.streamed = await serve(64 * 1024, true);
  servers.unchecked = await serve(1024 * 1024 * 1024, false);
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop(1000)));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  heads = [];
});

const BOUNDARY = "----formdata-test-0123";

/** A part's bytes; `plain: false` gives it a header busboy reads but the plain reader does not. */
function part(name: string, content: Buffer | string, file: boolean, plain = true): Buffer {
  const disposition = `Content-Disposition: form-data; name="${name}"${file ? '; filename="a.png"' : ""}`;
  const type = file ? "\r\nContent-Type: image/png" : plain ? "" : "\r\nContent-Type: text/plain; charset=utf-8";
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\n${disposition}${type}\r\n\r\n`),
    Buffer.from(content),
    Buffer.from("\r\n"),
  ]);
}
/** Ends a body: an undeclared part that takes it over the streamed server's `memoryBytes`, and the closing delimiter. */
const CLOSING = Buffer.concat([part("padding", "p".repeat(70 * 1024), false), Buffer.from(`--${BOUNDARY}--\r\n`)]);

/** The reading paths, each a server and how the body is framed. */
const PATHS = [
  { path: "a plain body in memory", server: "memory", quoted: false, plain: true, chunked: false },
  {
    path: "a body busboy reads in memory (quoted boundary)",
    server: "memory",
    quoted: true,
    plain: true,
    chunked: false,
  },
  {
    path: "a plain body with a part that is not plain before",
    server: "memory",
    quoted: false,
    plain: false,
    chunked: false,
  },
  { path: "a chunked body streamed through busboy", server: "memory", quoted: false, plain: true, chunked: true },
  {
    path: "a body over memoryBytes streamed through busboy",
    server: "streamed",
    quoted: false,
    plain: true,
    chunked: false,
  },
] as const;
type ReadingPath = (typeof PATHS)[number];

/** The request's head for `p`: chunked, or declaring `length` bytes. */
function head(p: ReadingPath, length: number): string {
  const type = `multipart/form-data; boundary=${p.quoted ? `"${BOUNDARY}"` : BOUNDARY}`;
  const framing = p.chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${length}`;
  return `POST /up HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\n${framing}`;
}

/** Sends `bytes` as the whole body (`complete`) or as the start of one that is never finished. */
async function send(p: ReadingPath, bytes: Buffer, complete: boolean, server = servers[p.server]) {
  const declared = complete ? bytes.length : 100 * 1024 * 1024;
  const framed = p.chunked ? [httpChunk(bytes), ...(complete ? [Buffer.from("0\r\n\r\n")] : [])] : [bytes];
  return rawRequest(server.port, head(p, declared), framed);
}

const prompt = (p: ReadingPath) => part("prompt", "a cat", false, p.plain);
const spoolFiles = () => (existsSync(dir) ? readdirSync(dir) : []);

describe.each(PATHS)("leadingBytes: $path", (p) => {
  it("refuses a wrong first bytes at once, from a body whose rest is never sent, and closes the connection", async () => {
    const before = handled;
    const start = Buffer.concat([prompt(p), part("image", Buffer.alloc(64 * 1024, 0x42), true).subarray(0, -2)]);
    const started = performance.now();
    const answer = await send(p, start, false);
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.body)).toEqual({
      detail: { msg: "image must be a PNG file; its bytes start with 4242424242424242" },
    });
    expect(answer.headers.connection).toBe("close");
    // The server closes the connection after the answer, though the body it declared never came.
    await answer.closed;
    expect(performance.now() - started).toBeLessThan(5000);
    expect(heads).toEqual([8]);
    expect(handled).toBe(before);
    expect(spoolFiles()).toEqual([]);
  });

  it("lets a good file through unchanged: the handler sees what a server without the check sees", async () => {
    const image = Buffer.concat([SIGNATURE, Buffer.alloc(100 * 1024, 7)]);
    const body = Buffer.concat([prompt(p), part("image", image, true), CLOSING]);
    const checked = await send(p, body, true);
    const unchecked = await send(p, body, true, servers.unchecked);
    checked.destroy();
    unchecked.destroy();
    expect(checked.status).toBe(200);
    expect(JSON.parse(checked.body)).toEqual(JSON.parse(unchecked.body));
    expect(JSON.parse(checked.body).image.hex).toBe(image.toString("hex"));
    expect(heads).toEqual([8]);
    expect(checked.headers.connection).not.toBe("close");
  });

  it("checks a part shorter than the look-ahead at its end, followed by more parts or closing the body", async () => {
    const short = await send(p, Buffer.concat([part("image", "GIF", true), prompt(p), CLOSING]), true);
    short.destroy();
    expect(short.status).toBe(415);
    expect(JSON.parse(short.body).detail.msg).toBe("image must be a PNG file; its bytes start with 474946");
    const prefix = await send(
      p,
      Buffer.concat([prompt(p), part("image", SIGNATURE.subarray(0, 3), true), CLOSING]),
      true,
    );
    const empty = await send(p, Buffer.concat([part("image", "", true), CLOSING]), true);
    prefix.destroy();
    empty.destroy();
    expect([prefix.status, JSON.parse(prefix.body).image.hex]).toEqual([200, "89504e"]);
    expect([empty.status, JSON.parse(empty.body).image.hex]).toEqual([200, ""]);
    expect(heads).toEqual([3, 3, 0]);
  });

  it("checks only the first part of the field, and only a file: a text part or a repeat is the validator's 422", async () => {
    const text = await send(p, Buffer.concat([part("image", "not a png", false), CLOSING]), true);
    const repeat = await send(
      p,
      Buffer.concat([part("image", SIGNATURE, true), part("image", "not a png", true), CLOSING]),
      true,
    );
    text.destroy();
    repeat.destroy();
    expect([text.status, JSON.parse(text.body).detail[0].type]).toEqual([422, "file_type"]);
    expect([repeat.status, JSON.parse(repeat.body).detail[0].type]).toEqual([422, "duplicate"]);
    expect(heads).toEqual([8]);
  });
});

describe("leadingBytes: a small body that arrives all at once", () => {
  const p = PATHS[0];
  const end = Buffer.from(`--${BOUNDARY}--\r\n`);

  it("is checked once parsed, as it would have been watched: the refusal, or the parts unchanged", async () => {
    const wrong = await send(p, Buffer.concat([prompt(p), part("image", "GIF89a, a small one", true), end]), true);
    const short = await send(p, Buffer.concat([part("image", "GI", true), end]), true);
    const text = await send(p, Buffer.concat([part("image", "text", false), part("image", "GIF", true), end]), true);
    const body = Buffer.concat([part("image", SIGNATURE, true), prompt(p), end]);
    const good = await send(p, body, true);
    const unchecked = await send(p, body, true, servers.unchecked);
    for (const answer of [wrong, short, text, good, unchecked]) answer.destroy();
    expect(JSON.parse(wrong.body).detail.msg).toBe("image must be a PNG file; its bytes start with 4749463839612c20");
    // Read to its end, the connection can carry the next request.
    expect([wrong.status, wrong.headers.connection]).toEqual([415, "keep-alive"]);
    expect([short.status, JSON.parse(short.body).detail.msg]).toEqual([
      415,
      "image must be a PNG file; its bytes start with 4749",
    ]);
    expect([text.status, JSON.parse(text.body).detail[0].type]).toEqual([422, "file_type"]);
    expect(good.status).toBe(200);
    expect(JSON.parse(good.body)).toEqual(JSON.parse(unchecked.body));
    expect(heads).toEqual([8, 2, 8]);
  });
});

describe("a chunked body on a route read by keepMultipart", () => {
  it("is counted as it streams: 413 once past the limit, the rest never read, the connection closed", async () => {
    const limited = await serve(64 * 1024, true, 256 * 1024);
    try {
      const p = PATHS[3];
      const bytes = Buffer.concat([part("image", Buffer.concat([SIGNATURE, Buffer.alloc(300 * 1024)]), true)]);
      const answer = await send(p, bytes, false, limited);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body).detail.msg).toBe("request body is larger than the limit of 262144 bytes");
      expect(answer.headers.connection).toBe("close");
      await answer.closed;
      expect(spoolFiles()).toEqual([]);
    } finally {
      await limited.stop(1000);
    }
  });
});

/**
 * @module The validator's `keepMultipart` mode on a real server: fields validated from the streaming parser as the
 * default reader validates them, the original bytes kept (in memory, or spooled past the limit), and no temporary
 * file left behind — after the handler, after a refused body, after a client that hung up mid-upload. The spool
 * directory, created on first use, is 0700 and its files 0600 (the umask's defaults would let other users read them).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Context, Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  errorHandler,
  type HttpServer,
  listen,
  type RawMultipart,
  RequestValidator,
  rawMultipart,
  silentLogger,
  typedRoutes,
  UploadedPart,
  uploadedPart,
} from "../src/index.js";
import { uploadDocument } from "./upload-document.js";

const document = uploadDocument({ seed: { type: "integer", default: 7 }, prompt: { type: "string" } });

let parent: string;
let dir: string;
/** The spool files now (none before the directory is first made). */
const list = () => (existsSync(dir) ? readdirSync(dir) : []);
let server: HttpServer;
let seen: {
  body: Record<string, unknown>;
  raw: RawMultipart | undefined;
  rawBytes: Buffer;
  imageBytes: Buffer;
  /** The image's first 20 bytes from its in-memory part, taken before the handler read the image (or null). */
  head: Buffer | null;
  files: string[];
  /** The spool files' modes and the directory's, while the handler runs. */
  modes: number[];
  dirMode: number | undefined;
};

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), "avs-raw-multipart-"));
  dir = join(parent, "spool");
  const validator = await RequestValidator.create(document, { keepMultipart: { dir, memoryBytes: 64 * 1024 } });
  const app = new Hono();
  app.onError(errorHandler(silentLogger));
  typedRoutes<Record<string, unknown>>(app, validator)("up", (async (body: Record<string, unknown>, c: Context) => {
    const raw = rawMultipart(c);
    const part = uploadedPart(body, "image");
    const head = part ? Buffer.from(part.head(20)) : null;
    const rawBytes = raw?.file ? readFileSync(raw.file) : Buffer.concat(raw?.chunks ?? []);
    const image = body.image as File;
    const imageBytes = Buffer.from(await image.arrayBuffer());
    const files = list();
    const modes = files.map((f) => statSync(join(dir, f)).mode & 0o777);
    const dirMode = existsSync(dir) ? statSync(dir).mode & 0o777 : undefined;
    seen = { body, raw, rawBytes, imageBytes, head, files, modes, dirMode };
    return { image: { name: image.name, type: image.type, size: image.size }, seed: body.seed };
  }) as never);
  server = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await server.stop(1000);
  rmSync(parent, { recursive: true, force: true });
});

/** A body and its Content-Type; with `quoted`, the boundary is quoted there, which sends the body to busboy. */
function multipart(parts: Array<[string, string] | [string, Buffer, string]>, boundary = "b0undary", quoted = false) {
  const chunks: Buffer[] = [];
  for (const [name, value, filename] of parts) {
    const head = filename
      ? `Content-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: image/png\r\n`
      : `Content-Disposition: form-data; name="${name}"\r\n`;
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n`), Buffer.from(value), Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  const shown = quoted ? `"${boundary}"` : boundary;
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${shown}` };
}

async function post(body: Buffer, contentType: string) {
  const res = await fetch(`${server.url}/up`, {
    method: "POST",
    headers: { "content-type": contentType },
    body: new Uint8Array(body),
  });
  return { status: res.status, json: await res.json() };
}

describe("keepMultipart", () => {
  it("validates the fields from the stream and keeps the small body's bytes in memory", async () => {
    const image = Buffer.from("png bytes");
    const { body, contentType } = multipart([
      ["prompt", "a cat"],
      ["image", image, "in.png"],
      ["extra", "x"],
    ]);
    const res = await post(body, contentType);
    expect(res).toEqual({ status: 200, json: { image: { name: "in.png", type: "image/png", size: 9 }, seed: 7 } });
    expect(seen.body.prompt).toBe("a cat");
    expect(seen.body).not.toHaveProperty("extra");
    expect(seen.raw).toMatchObject({ contentType, boundary: "b0undary", size: body.length, opensWithBoundary: true });
    expect(seen.raw?.parts).toEqual(["prompt", "image", "extra"]);
    expect(seen.raw?.file).toBeUndefined();
    expect(seen.rawBytes.equals(body)).toBe(true);
    // The part is reachable behind the lazy field, and its head is the image's first bytes (all 9 of them).
    expect(seen.head?.toString()).toBe("png bytes");
  });

  it.each([
    ["read without a parser", false],
    ["parsed by busboy", true],
  ])(
    "takes a large part of a body held in memory from the body itself (%s), long text fields whole",
    async (_, quoted) => {
      const image = Buffer.alloc(40 * 1024);
      for (let i = 0; i < image.length; i++) image[i] = (i * 7) & 255;
      const prompt = "p".repeat(10 * 1024);
      const { body, contentType } = multipart(
        [
          ["image", image, "cut.png"],
          ["prompt", prompt],
        ],
        "b0undary",
        quoted,
      );
      const res = await post(body, contentType);
      expect(res.json.image).toEqual({ name: "cut.png", type: "image/png", size: image.length });
      expect(seen.imageBytes.equals(image)).toBe(true);
      expect(seen.head?.equals(image.subarray(0, 20))).toBe(true);
      expect(seen.body.prompt).toBe(prompt);
      expect(seen.raw?.file).toBeUndefined();
      expect(seen.rawBytes.equals(body)).toBe(true);
      const alone = multipart([["image", image, "cut.png"]], "b0undary", quoted);
      expect((await post(alone.body, alone.contentType)).status).toBe(200);
      expect(seen.imageBytes.equals(image)).toBe(true);
      // A part's content that merely looks like a marker is taken as sent.
      const lookalike = multipart([["image", Buffer.from("avs-cut:0123:0"), "a.png"]], "b0undary", quoted);
      expect((await post(lookalike.body, lookalike.contentType)).status).toBe(200);
      expect(seen.imageBytes.toString()).toBe("avs-cut:0123:0");
    },
  );

  it("spools a body past the limit to a file, byte-identical, and removes it after the handler", async () => {
    const image = Buffer.alloc(300 * 1024);
    for (let i = 0; i < image.length; i++) image[i] = (i * 31) & 255;
    const { body, contentType } = multipart([
      ["image", image, "big.png"],
      ["seed", "3"],
    ]);
    const res = await post(body, contentType);
    expect(res).toEqual({
      status: 200,
      json: { image: { name: "big.png", type: "image/png", size: image.length }, seed: 3 },
    });
    expect(seen.raw?.file).toBeDefined();
    expect(seen.rawBytes.equals(body)).toBe(true);
    expect(seen.imageBytes.equals(image)).toBe(true);
    expect(seen.files.length).toBe(1); // the body; its file part is a slice of it (raw-multipart-one-copy.test.ts)
    expect(seen.modes).toEqual([0o600]);
    expect(seen.dirMode).toBe(0o700);
    expect(seen.head).toBeNull(); // a spooled part is a file-backed File, not an in-memory part
    expect(list()).toEqual([]);
  });

  it("gives a part's head across its chunks, without more than it has", () => {
    const part = new UploadedPart("a.png", "image/png", [Buffer.from("abc"), Buffer.from("defg"), Buffer.from("hi")]);
    expect(Buffer.from(part.head(5)).toString()).toBe("abcde");
    expect(Buffer.from(part.head(100)).toString()).toBe("abcdefghi");
    expect(Buffer.from(part.head(2)).toString()).toBe("ab");
    expect(new UploadedPart("e", "", []).head(4).length).toBe(0);
    expect(uploadedPart({}, "image")).toBeUndefined();
  });

  it("answers a text field where a file belongs, and a malformed body, as the default reader does", async () => {
    const text = multipart([["image", "not a file"]]);
    expect(await post(text.body, text.contentType)).toEqual({
      status: 422,
      json: {
        detail: [{ loc: ["body", "image"], msg: "image must be a file upload, got a text field", type: "file_type" }],
      },
    });
    const cut = await post(Buffer.from("--zzz\r\ngarbage"), "multipart/form-data; boundary=zzz");
    expect(cut.status).toBe(400);
    expect(cut.json.detail.msg).toMatch(/^malformed multipart\/form-data body/);
    const noBoundary = await post(Buffer.from("x"), "multipart/form-data");
    expect(noBoundary.status).toBe(400);
  });

  it("marks a body with a preamble as not opening with its boundary", async () => {
    const { body, contentType } = multipart([["image", Buffer.from("x"), "a.png"]]);
    const res = await post(Buffer.concat([Buffer.from("preamble\r\n"), body]), contentType);
    expect(res.status).toBe(200);
    expect(seen.raw?.opensWithBoundary).toBe(false);
  });

  it("leaves no temporary file when the client hangs up mid-upload", async () => {
    const { body, contentType } = multipart([["image", Buffer.alloc(1024 * 1024, 1), "big.png"]]);
    const { port } = server;
    let spooling = 0;
    await new Promise<void>((resolve) => {
      const req = http.request({
        host: "127.0.0.1",
        port,
        path: "/up",
        method: "POST",
        headers: { "content-type": contentType, "content-length": String(body.length) },
      });
      req.on("error", () => resolve());
      req.write(body.subarray(0, 512 * 1024), async () => {
        // The upload is being spooled (past the 64 KiB limit) when the client goes.
        const until = Date.now() + 5000;
        while (list().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
        spooling = list().length;
        req.destroy();
        resolve();
      });
    });
    const deadline = Date.now() + 5000;
    while (list().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(spooling).toBeGreaterThan(0);
    expect(list()).toEqual([]);
  });
});

/**
 * @module A streamed body kept for forwarding (`keepMultipart`, `keepBody` true) goes to disk once: the body's own
 * file, each large file part a slice of it — not also a file per part, which wrote every large upload twice. A part
 * whose first bytes busboy hands on as a copy (they were in its look-behind buffer at a chunk's end, so they say
 * nothing of where they lie) is spooled to its own file, as before. Each part's bytes are the ones sent.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Context, Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorHandler, RequestValidator, rawMultipart, silentLogger, typedRoutes } from "../src/index.js";
import { type HttpServer, listen } from "../src/server/listen.js";
import { uploadDocument } from "./upload-document.js";

const binary = { type: "string", format: "binary" } as const;
const document = uploadDocument({ mask: binary, prompt: { type: "string" } });
const LIMIT = 64 * 1024;
const BOUNDARY = "b0undary";
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

let parent: string;
let dir: string;
let server: HttpServer;
let seen: { image: Buffer; mask: Buffer | undefined; raw: Buffer; spooled: number[] };

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), "avs-one-copy-"));
  dir = join(parent, "spool");
  const validator = await RequestValidator.create(document, { keepMultipart: { dir, memoryBytes: LIMIT } });
  const app = new Hono();
  app.onError(errorHandler(silentLogger));
  typedRoutes<Record<string, unknown>>(app, validator)("up", (async (body: Record<string, unknown>, c: Context) => {
    const raw = rawMultipart(c)!;
    const files = existsSync(dir) ? readdirSync(dir) : [];
    seen = {
      image: Buffer.from(await (body.image as File).arrayBuffer()),
      mask: body.mask ? Buffer.from(await (body.mask as File).arrayBuffer()) : undefined,
      raw: raw.file ? readFileSync(raw.file) : Buffer.concat(raw.chunks!),
      spooled: files.map((f) => statSync(join(dir, f)).size),
    };
    return {};
  }) as never);
  server = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await server.stop(1000);
  rmSync(parent, { recursive: true, force: true });
});

const bytes = (size: number, seed: number, first?: number) => {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * seed + (i >> 8)) & 255;
  if (first !== undefined) b[0] = first;
  return b;
};

/** The head of a file part, through the blank line. */
const partHead = (name: string) =>
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.png"\r\nContent-Type: image/png\r\n\r\n`,
  );

/** Sends `pieces` on one connection, `pauseMs` apart (each then reaches the server as a chunk of its own). */
function sendInPieces(pieces: Buffer[], pauseMs: number): Promise<number> {
  const size = pieces.reduce((n, p) => n + p.length, 0);
  const head = `POST /up HTTP/1.1\r\nHost: x\r\nContent-Type: ${CONTENT_TYPE}\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, "127.0.0.1");
    let answer = "";
    socket.on("data", (d) => {
      answer += d;
    });
    socket.on("end", () => resolve(Number(answer.split(" ")[1])));
    socket.on("error", reject);
    socket.write(head);
    (async () => {
      for (const piece of pieces) {
        await new Promise((r) => setTimeout(r, pauseMs));
        socket.write(piece);
      }
    })();
  });
}

describe("a streamed body kept for forwarding", () => {
  it("is on disk once: large file parts are slices of the body's file, byte for byte", async () => {
    const image = bytes(300 * 1024, 31);
    const mask = bytes(200 * 1024, 17);
    const body = Buffer.concat([
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\na cat\r\n`),
      partHead("image"),
      image,
      Buffer.from("\r\n"),
      partHead("mask"),
      mask,
      Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
    ]);
    const res = await fetch(`${server.url}/up`, {
      method: "POST",
      headers: { "content-type": CONTENT_TYPE },
      body: new Uint8Array(body),
    });
    expect(res.status).toBe(200);
    expect(seen.raw.equals(body)).toBe(true);
    expect(seen.image.equals(image)).toBe(true);
    expect(seen.mask?.equals(mask)).toBe(true);
    // One file, the body's: before, each large part had a file of its own too (here 300 + 200 KiB more).
    expect(seen.spooled).toEqual([body.length]);
  });

  it.each([
    ["a slice of the body when its first byte opens a chunk", 0x78, [0]],
    ["spooled as before when busboy held its first byte (a CR) back at a chunk's end", 0x0d, [300 * 1024]],
  ])("takes a large part as %s", async (_, first, extraFiles) => {
    const image = bytes(300 * 1024, 29, first);
    const head = partHead("image");
    const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
    const body = Buffer.concat([head, image, tail]);
    // The first chunk ends just after the part's first byte when that is a CR (which could open a boundary), else
    // just before it.
    const cut = head.length + (first === 0x0d ? 1 : 0);
    expect(await sendInPieces([body.subarray(0, cut), body.subarray(cut)], 150)).toBe(200);
    expect(seen.image.equals(image)).toBe(true);
    expect(seen.raw.equals(body)).toBe(true);
    expect(seen.spooled.sort((a, b) => b - a)).toEqual([body.length, ...extraFiles].filter((n) => n > 0));
  });
});

/**
 * @module Streaming multipart uploads: a file part larger than {@link SPOOL_THRESHOLD} goes to a temporary file as it
 * arrives and comes back as a file-backed Blob (`fs.openAsBlob`), so a 20 MB image is never held in memory, and the
 * same Blob is streamed again to each orchestrator attempt. Smaller parts and text fields stay in memory (a file
 * costs more than it saves for them). The files are removed when the response has been produced.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, openAsBlob } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { bodyStream, HttpError } from "@ai-video-subnet/server-kit";
import busboy from "busboy";
import type { Context, MiddlewareHandler } from "hono";

const KEY = "avs.spooled";

/** File parts up to this size stay in memory. */
export const SPOOL_THRESHOLD = 1024 * 1024;

/** Reads a file part: in memory while small, spilled to `path()` once it passes the threshold. */
async function spool(stream: Readable, type: string, path: () => Promise<string>): Promise<Blob> {
  const chunks: Buffer[] = [];
  let size = 0;
  const it = stream[Symbol.asyncIterator]();
  for (;;) {
    const next = await it.next();
    if (next.done) return new Blob(chunks as unknown as BlobPart[], { type });
    chunks.push(next.value as Buffer);
    size += (next.value as Buffer).length;
    if (size > SPOOL_THRESHOLD) break;
  }
  const file = await path();
  await pipeline(async function* () {
    yield* chunks.splice(0);
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  }, createWriteStream(file));
  return openAsBlob(file, { type });
}

/**
 * Middleware that removes the temporary files of this request's upload once the handler is done.
 * @example route("genUpscale", handler, cleanupUploads())
 */
export function cleanupUploads(): MiddlewareHandler {
  return async (c, next) => {
    const files: string[] = [];
    c.set(KEY as never, files as never);
    try {
      await next();
    } finally {
      await Promise.all(files.map((f) => rm(f, { force: true })));
    }
  };
}

/**
 * A multipart reader for the spec validator that spools file parts into `dir`.
 * @example await RequestValidator.create("gateway", { readMultipart: spoolingMultipartReader("/tmp/uploads") })
 */
export function spoolingMultipartReader(dir: string): (c: Context) => Promise<FormData> {
  let made: Promise<unknown> | undefined;
  return async (c) => {
    const files = (c.get(KEY as never) as string[] | undefined) ?? [];
    if (c.req.header("content-length") === "0") {
      throw new HttpError(400, "malformed multipart/form-data body: the body is empty");
    }
    const form = new FormData();
    const writes: Array<Promise<void>> = [];
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { "content-type": c.req.header("content-type") ?? "" }, defParamCharset: "utf8" });
    } catch (err) {
      throw new HttpError(400, `malformed multipart/form-data body: ${(err as Error).message}`, { cause: err });
    }
    parser.on("field", (name, value) => form.append(name, value));
    parser.on("file", (name, stream, info) => {
      // Errors of a part (a truncated body) reach the spool through its iterator; none may go unheard meanwhile.
      stream.on("error", () => {});
      const path = async () => {
        made ??= mkdir(dir, { recursive: true });
        await made;
        const p = join(dir, `${randomBytes(12).toString("hex")}.upload`);
        files.push(p);
        return p;
      };
      writes.push(
        spool(stream, info.mimeType, path).then((blob) => form.append(name, blob, info.filename ?? "upload")),
      );
    });
    try {
      await pipeline(bodyStream(c), parser);
      await Promise.all(writes);
    } catch (err) {
      await Promise.allSettled(writes);
      if (err instanceof HttpError) throw err;
      const cause = (err as { cause?: unknown }).cause;
      if (cause instanceof HttpError) throw cause;
      if ((err as Error).name === "BodyLimitError") throw err;
      throw new HttpError(400, `malformed multipart/form-data body: ${(err as Error).message}`, { cause: err });
    }
    return form;
  };
}

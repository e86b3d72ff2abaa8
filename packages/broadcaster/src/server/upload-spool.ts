/**
 * @module Streaming multipart uploads. The body is parsed as it arrives (busboy) for the validator, and at the same
 * time kept as it came ({@link RawUpload}): in memory up to {@link RAW_IN_MEMORY} bytes (the socket's own buffers,
 * not copied), else in a temporary file. The job is then forwarded to orchestrators as those original bytes, not
 * re-encoded from the parsed fields, and each retry resends the same bytes. For the validator and the job (work
 * units, asynchronous jobs), a file part larger than {@link SPOOL_THRESHOLD} goes to a temporary file of its own and
 * comes back as a file-backed Blob (`fs.openAsBlob`), so a 20 MB image is never held in memory; smaller parts and
 * text fields stay in memory (a file costs more than it saves for them). The files are removed when the response
 * has been produced.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, openAsBlob, type WriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { type Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { bodyStream, HttpError } from "@ai-video-subnet/server-kit";
import busboy from "busboy";
import type { Context, MiddlewareHandler } from "hono";
import { readChunks } from "../jobs/upstream.js";

const KEY = "avs.spooled";
const RAW_KEY = "avs.raw-upload";

/** File parts up to this size stay in memory (up to {@link RAW_IN_MEMORY} when the whole body is that small). */
export const SPOOL_THRESHOLD = 1024 * 1024;

/**
 * Bodies up to this size are kept in memory as they came, and so are their parts (a body this small costs more to
 * write to a file and read back than to hold); larger ones and their large parts are spooled to files.
 */
export const RAW_IN_MEMORY = 4 * 1024 * 1024;

/** A multipart body exactly as the client sent it, to forward unchanged (and again on each retry). */
export interface RawUpload {
  /** The request's Content-Type, boundary included. */
  contentType: string;
  /** Its length in bytes. */
  size: number;
  /** The bytes, when held in memory… */
  chunks?: Buffer[];
  /** …or the spool file holding them. */
  file?: string;
  /** The names of its parts (fields and files), in order. */
  names: string[];
}

/**
 * The raw body the multipart reader kept for this request, once it has read the whole of it.
 * @example const raw = rawUpload(c); if (raw) forward(raw.chunks ?? createReadStream(raw.file))
 */
export function rawUpload(c: Context): RawUpload | undefined {
  return c.get(RAW_KEY as never) as RawUpload | undefined;
}

/** Passes the body on to the parser unchanged and keeps it: in memory up to `limit` bytes, then in a file. */
class RawTee extends Transform {
  readonly chunks: Buffer[] = [];
  size = 0;
  file: string | undefined;
  #out: WriteStream | undefined;
  readonly #limit: number;
  readonly #path: () => Promise<string>;

  constructor(limit: number, path: () => Promise<string>) {
    super();
    this.#limit = limit;
    this.#path = path;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.#out) {
      this.#write(chunk, done);
      return;
    }
    this.chunks.push(chunk);
    if (this.size <= this.#limit) {
      done(null, chunk);
      return;
    }
    this.#path().then((file) => {
      if (this.destroyed) return;
      this.file = file;
      this.#out = createWriteStream(file);
      this.#out.on("error", (err) => this.destroy(err));
      const held = this.chunks.splice(0);
      const last = held.pop() as Buffer;
      for (const b of held) this.#out.write(b);
      this.#write(last, done);
    }, done);
  }

  #write(chunk: Buffer, done: TransformCallback): void {
    if (this.#out!.write(chunk)) done(null, chunk);
    else this.#out!.once("drain", () => done(null, chunk));
  }

  override _flush(done: TransformCallback): void {
    if (!this.#out) {
      done();
      return;
    }
    this.#out.end();
    this.#out.once("close", () => done());
  }

  override _destroy(err: Error | null, done: (error: Error | null) => void): void {
    this.#out?.destroy();
    done(err);
  }

  /** Resolves once the spool file (if one was started) is closed, so that removing it cannot race its creation. */
  async settled(): Promise<void> {
    const out = this.#out;
    if (!out || out.closed) return;
    if (!out.destroyed && !out.writableFinished) out.destroy();
    await new Promise<void>((resolve) => out.once("close", () => resolve()));
  }
}

/** Reads a file part: in memory while small, spilled to `path()` once it passes `threshold`. */
async function spool(stream: Readable, type: string, path: () => Promise<string>, threshold: number): Promise<Blob> {
  const chunks: Buffer[] = [];
  let size = 0;
  const it = stream[Symbol.asyncIterator]();
  for (;;) {
    const next = await it.next();
    if (next.done) return new Blob(chunks as unknown as BlobPart[], { type });
    chunks.push(next.value as Buffer);
    size += (next.value as Buffer).length;
    if (size > threshold) break;
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

/** Feeds `chunks` to the parser; resolves once it has finished with every part. */
function parseAll(parser: busboy.Busboy, chunks: readonly Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    parser.once("error", reject);
    parser.once("finish", resolve);
    for (const chunk of chunks) parser.write(chunk);
    parser.end();
  });
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
    const contentType = c.req.header("content-type") ?? "";
    if (c.req.header("content-length") === "0") {
      throw new HttpError(400, "malformed multipart/form-data body: the body is empty");
    }
    const form = new FormData();
    const writes: Array<Promise<void>> = [];
    const names: string[] = [];
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { "content-type": contentType }, defParamCharset: "utf8" });
    } catch (err) {
      throw new HttpError(400, `malformed multipart/form-data body: ${(err as Error).message}`, { cause: err });
    }
    const path = async () => {
      made ??= mkdir(dir, { recursive: true });
      await made;
      const p = join(dir, `${randomBytes(12).toString("hex")}.upload`);
      files.push(p);
      return p;
    };
    const tee = new RawTee(RAW_IN_MEMORY, path);
    const declared = Number(c.req.header("content-length"));
    const threshold = declared > 0 && declared <= RAW_IN_MEMORY ? RAW_IN_MEMORY : SPOOL_THRESHOLD;
    parser.on("field", (name, value) => {
      names.push(name);
      form.append(name, value);
    });
    parser.on("file", (name, stream, info) => {
      names.push(name);
      // Errors of a part (a truncated body) reach the spool through its iterator; none may go unheard meanwhile.
      stream.on("error", () => {});
      writes.push(
        spool(stream, info.mimeType, path, threshold).then((blob) =>
          form.append(name, blob, info.filename ?? "upload"),
        ),
      );
    });
    try {
      if (threshold === RAW_IN_MEMORY) {
        // A small body with a declared length: read whole (the socket's own chunks, kept as they are), then parsed —
        // no tee or stream pipeline to set up per request.
        tee.chunks.push(...(await readChunks(bodyStream(c))));
        tee.size = tee.chunks.reduce((n, b) => n + b.length, 0);
        await parseAll(parser, tee.chunks);
      } else {
        await pipeline(bodyStream(c), tee, parser);
      }
      await Promise.all(writes);
    } catch (err) {
      await Promise.allSettled([...writes, tee.settled()]);
      if (err instanceof HttpError) throw err;
      const cause = (err as { cause?: unknown }).cause;
      if (cause instanceof HttpError) throw cause;
      if ((err as Error).name === "BodyLimitError") throw err;
      throw new HttpError(400, `malformed multipart/form-data body: ${(err as Error).message}`, { cause: err });
    }
    const raw: RawUpload = { contentType, size: tee.size, names };
    if (tee.file) raw.file = tee.file;
    else raw.chunks = tee.chunks;
    c.set(RAW_KEY as never, raw as never);
    return form;
  };
}

/**
 * @module Multipart bodies read once, as they stream in, for a hop that forwards them: a streaming parser (busboy),
 * or for a body of plain parts held in memory a reader without one (simple-multipart.ts), gives the validator its
 * fields while the original bytes are kept as they came — in memory for a small body, spooled to a temporary file
 * beyond `memoryBytes` — so the next hop can be sent the very bytes the caller sent, with the caller's Content-Type,
 * instead of a body parsed into objects and encoded again. File parts reach the validator as Files (in memory while
 * small, file-backed beyond the same size: a slice of the body's own file when it is kept and the part is placed in
 * it, see part-offsets.ts, so a large upload goes to disk once). Every temporary file of a request is removed when its handler is done,
 * and at once when the upload fails (a client that hangs up mid-upload). A server that forwards nothing can keep
 * only the file parts (`keepBody: false`), and hand a spooled one's file to a program by its path
 * ({@link spooledPath}).
 * Uploads are the callers' data: a spool directory this module creates is 0700 and its files are created new (never
 * through a name that already exists) and 0600, whatever the umask, so other local users cannot read them while a
 * job runs.
 */
import { randomBytes } from "node:crypto";
import { openAsBlob } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import { join } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import type { Context } from "hono";
import { HttpError, shortOfResources } from "../http/errors.js";
import { localResourceCode } from "../process/local-resources.js";
import { bodyStream, countedLimit, detachable } from "./body.js";
import { type BodyWatch, Chunked, readWhole } from "./chunked-body.js";
import { cutLargeParts, parseWhole } from "./cut-parts.js";
import { checkParts, type LeadingBytesChecks, PartChecks, parserOptions } from "./leading-bytes.js";
import { LeadingBytesWatch } from "./leading-bytes-watch.js";
import { PartOffsets } from "./part-offsets.js";
import { plainBoundary, readSimpleMultipart } from "./simple-multipart.js";
import { Spool } from "./spool.js";
import { UploadedPart } from "./uploaded-part.js";

/** The original bytes of a validated multipart body (see {@link rawMultipart}). */
export interface RawMultipart {
  /** The caller's Content-Type header, boundary included. */
  contentType: string;
  /** The boundary of that Content-Type. */
  boundary: string;
  /** Bytes in the body. */
  size: number;
  /** The body in memory, in the chunks it came in (absent when it was spooled to {@link file}). */
  chunks?: Buffer[];
  /** The temporary file holding the body (removed once the request's handler is done). */
  file?: string;
  /** The names of the body's parts, in order, repeats and undeclared fields included. */
  parts: string[];
  /** True when the body opens with its first boundary (no preamble), so parts can be put in front of it. */
  opensWithBoundary: boolean;
}

/** Where and from what size {@link readRawMultipart} spools. */
export interface RawMultipartOptions {
  /**
   * Directory of the temporary files, used as it is when it exists (created 0700 on first use otherwise); the files
   * are created 0600. A server's default should be a private directory of its own (`mkdtemp`), not a fixed name in
   * the shared temporary directory, which any local user can create first.
   */
  dir: string;
  /** Bytes of a body (and of a file part) kept in memory before it goes to a file (default 4 MiB). */
  memoryBytes?: number;
  /**
   * Checks of file fields' first bytes, by field name (see leading-bytes.ts): the first part of a checked field, when
   * it is a file, is given to its check as soon as its first `bytes` bytes (or its end) have arrived, and an error the
   * check returns is thrown at once, the rest of the body unread — in every reading path: a body read into memory
   * (plain or not) and one streamed through the parser. A body refused part-way is answered with `Connection: close`,
   * and its connection is closed after the answer. A body that arrives all at once (its first chunk is all of it) is
   * checked once parsed instead: there is nothing left to spare reading. A check that passes changes nothing.
   */
  leadingBytes?: LeadingBytesChecks;
  /**
   * Keep the body's own bytes for {@link rawMultipart} (default true). A server that never forwards a body sets it
   * false: a streamed body is then not written to a file beside its file parts (a video upload went to disk twice),
   * and `rawMultipart(c)` is undefined. File parts are kept as before; one spooled to a file is named by
   * {@link spooledPath}.
   */
  keepBody?: boolean;
}

const RAW_KEY = "avs.rawMultipart";
/** Spool files: the owner's only (the body of a caller's upload). */
const SPOOL_FILE_MODE = 0o600;
/** A spool directory created here: the owner's only. */
const SPOOL_DIR_MODE = 0o700;
const FILES_KEY = "avs.rawMultipartFiles";
/** The temporary file behind each file-backed File this module made (see {@link spooledPath}). */
const SPOOLED = new WeakMap<Blob, string>();

/**
 * The temporary file a file part was spooled to (a part over `memoryBytes` with a file of its own: always with
 * `keepBody` false; with the body kept, a large part is usually a slice of the body's file and this is undefined),
 * for a handler that hands the upload to a program that reads files (ffprobe, ffmpeg) without copying it again;
 * undefined for a part held in memory or any other Blob. The file is the request's: read it, don't move or keep it; it is removed once the handler is done.
 * @example const path = spooledPath(body.video) ?? (await writeToScratch(body.video));
 */
export function spooledPath(file: unknown): string | undefined {
  return file instanceof Blob ? SPOOLED.get(file) : undefined;
}

/**
 * The original bytes of this request's multipart body, when the validator was built with `keepMultipart` and the
 * body was one; undefined otherwise.
 * @example const raw = rawMultipart(c); if (raw?.chunks) forward(raw.chunks, raw.contentType);
 */
export function rawMultipart(c: Context): RawMultipart | undefined {
  return c.get(RAW_KEY as never) as RawMultipart | undefined;
}

/** Removes the temporary files of this request's body (the validator calls it once the handler is done). */
export async function removeRawMultipartFiles(c: Context): Promise<void> {
  const files = c.get(FILES_KEY as never) as string[] | undefined;
  if (files?.length) await Promise.all(files.splice(0).map((f) => rm(f, { force: true })));
}

/** The boundary parameter of a multipart Content-Type. */
function boundaryOf(contentType: string): string {
  const m = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2] ?? "";
}

/**
 * Reads a multipart body with a streaming parser, keeping its original bytes; the entries are those a FormData of
 * the body would hold, in order. Throws HttpError 400 for a malformed body (the validator's message), and keeps the
 * errors of the body's size limit.
 * @example const { entries, raw } = await readRawMultipart(c, { dir: "/tmp/avs-uploads" });
 */
export async function readRawMultipart(
  c: Context,
  options: RawMultipartOptions,
): Promise<{ entries: Array<[string, string | File | UploadedPart]>; raw: RawMultipart | undefined }> {
  const contentType = c.req.header("content-type") ?? "";
  if (c.req.header("content-length") === "0") {
    throw new HttpError(400, "malformed multipart/form-data body: the body is empty");
  }
  const limit = options.memoryBytes ?? 4 * 1024 * 1024;
  const keepBody = options.keepBody ?? true;
  let files = c.get(FILES_KEY as never) as string[] | undefined;
  if (!files) {
    files = [];
    c.set(FILES_KEY as never, files as never);
  }
  const tracked = files;
  const newFile = async () => {
    await mkdir(options.dir, { recursive: true, mode: SPOOL_DIR_MODE });
    const path = join(options.dir, `${randomBytes(12).toString("hex")}.upload`);
    tracked.push(path);
    return path;
  };
  const entries: Array<[string, string | File | UploadedPart]> = [];
  const parts: string[] = [];
  const reads: Array<Promise<void>> = [];
  /** The first part whose read failed (its spool's disk full, say): it stops the parse, and is what is answered. */
  let readFailure: unknown;
  const stopParse = new AbortController();
  const spools: Spool[] = [];
  const body = new Spool(limit, SPOOL_FILE_MODE, newFile);
  spools.push(body);
  // A body whose declared length fits in memory is read with plain events (no spooling can happen); any other
  // through a pipeline that waits for the spool files' writes.
  const declared =
    c.req.header("transfer-encoding") === undefined ? Number(c.req.header("content-length")) : Number.NaN;
  const small = declared <= limit;
  const checks = options.leadingBytes;
  // A body in memory is checked as it is read (LeadingBytesWatch); a streamed one as the parser gives its parts.
  const streamChecks = checks && !small ? new PartChecks(checks, (err) => parser?.destroy(err as Error)) : undefined;
  /** Large file parts of a kept, streamed body: slices of the body's file, made once it is whole (part-offsets.ts). */
  const slices: Array<{ at: number; name: string; filename: string; type: string; start: number; size: number }> = [];
  const makeParser = () => {
    const p = busboy(parserOptions(contentType));
    const offsets = keepBody && !small ? new PartOffsets(p) : undefined;
    p.on("field", (name, value) => {
      streamChecks?.part(name, false);
      parts.push(name);
      entries.push([name, value]);
    });
    p.on("file", (name, stream: Readable, info) => {
      parts.push(name);
      const filename = info.filename ?? "upload";
      const type = info.mimeType;
      if (small) {
        const chunks: Buffer[] = [];
        entries.push([name, new UploadedPart(filename, type, chunks)]);
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("error", () => {});
        return;
      }
      const at = entries.push([name, ""]) - 1;
      // Errors of a part (a truncated body) reach the read through its iterator; none may go unheard meanwhile.
      stream.on("error", () => {});
      const spool = new Spool(limit, SPOOL_FILE_MODE, newFile);
      spools.push(spool);
      const head = streamChecks?.part(name, true);
      const start = offsets?.watch(stream);
      const read = (async () => {
        let size = 0;
        for await (const chunk of stream) {
          head?.push(chunk as Buffer);
          // Placed in the body, which is kept in its own file past the limit: held in memory up to it, no copy beyond.
          if (start?.at === undefined) {
            await spool.add(chunk as Buffer);
            continue;
          }
          size += chunk.length;
          if (size <= limit) spool.chunks.push(chunk as Buffer);
          else spool.chunks.length = 0;
        }
        head?.end();
        await spool.close();
        if (start?.at !== undefined && size > limit) {
          slices.push({ at, name, filename, type, start: start.at, size });
          return;
        }
        let value: File | UploadedPart = new UploadedPart(filename, type, spool.chunks);
        if (spool.file) {
          value = new File([await openAsBlob(spool.file, { type })], filename, { type });
          SPOOLED.set(value, spool.file);
        }
        entries[at] = [name, value];
      })();
      // Heard at once, not only when the parse is over: unheard until then, a failed write (ENOSPC) was an unhandled
      // rejection that ended the process, or a part no longer read that stalled the parse for good.
      read.catch((err: unknown) => {
        readFailure ??= err;
        stopParse.abort(err);
      });
      reads.push(read);
    });
    return p;
  };
  // A Content-Type of the plain kind is one busboy accepts: its parser is built only if the body needs it.
  let parser: busboy.Busboy | undefined;
  if (!small || plainBoundary(contentType) === undefined) {
    try {
      parser = makeParser();
    } catch (err) {
      throw new HttpError(400, `malformed multipart/form-data body: ${(err as Error).message}`, { cause: err });
    }
  }
  // Until the whole body is read, an error leaves bytes on the connection.
  let read = false;
  try {
    if (small) {
      // Watched as it arrives, unless it all arrives at once: a refusal would spare no reading, and its parts are
      // checked once parsed (no parsing of its own).
      let watch: LeadingBytesWatch | undefined;
      const see: BodyWatch | undefined =
        checks &&
        ((chunk, stop) => {
          if (!watch && chunk.length === declared) return;
          watch ??= new LeadingBytesWatch(contentType, checks);
          watch.see(chunk, stop);
        });
      const whole = new Chunked(await readWhole(bodyStream(c), undefined, see));
      read = true;
      await watch?.settled();
      if (watch?.refusal) throw watch.refusal;
      body.chunks.push(...whole.chunks);
      body.size = whole.length;
      // A body of plain parts is read without a parser (see simple-multipart.ts); any other goes to busboy.
      const simple = readSimpleMultipart(whole, contentType);
      if (simple) {
        for (const part of simple) {
          parts.push(part.name);
          entries.push([
            part.name,
            "value" in part ? part.value : new UploadedPart(part.filename ?? "upload", part.type, part.bytes),
          ]);
        }
      } else {
        parser ??= makeParser();
        // The parser sees the body with its large parts cut out (found with Buffer#indexOf, native), and those
        // parts are then taken from the body itself: no JS scan or copy of their bytes. Anything unusual is parsed
        // whole.
        const cut = cutLargeParts(whole, boundaryOf(contentType));
        const restored =
          cut &&
          (await parseWhole(parser, cut.skeleton).then(
            () => cut.restore(entries),
            () => false,
          ));
        if (!restored) {
          entries.length = 0;
          parts.length = 0;
          await parseWhole(cut ? makeParser() : parser, whole.chunks);
        }
      }
      if (checks && !watch) checkParts(entries, checks);
    } else {
      // A chunked body on a route whose limit is left to this reader (see body.ts) is counted here.
      const counted = countedLimit(c);
      const keep = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          if (counted && body.size + chunk.length > counted.bytes) return done(counted.error());
          if (!keepBody) {
            body.size += chunk.length;
            return done(null, chunk);
          }
          body.add(chunk).then(() => done(null, chunk), done);
        },
      });
      // Detached rather than destroyed when the reading stops early, so that the refusal can still be answered.
      await pipeline(detachable(bodyStream(c), keep), parser!, { signal: stopParse.signal });
      read = true;
    }
    await Promise.all(reads);
    await body.close();
    if (slices.length) {
      const whole = await openAsBlob(body.file!);
      for (const s of slices) {
        if (s.start + s.size > body.size) throw new Error(`part ${s.name} lies beyond the body's ${body.size} bytes`);
        entries[s.at] = [s.name, new File([whole.slice(s.start, s.start + s.size)], s.filename, { type: s.type })];
      }
    }
  } catch (caught) {
    const err = readFailure ?? caught;
    await Promise.allSettled(reads);
    await Promise.allSettled(spools.map((s) => s.close()));
    await removeRawMultipartFiles(c);
    const cause = (err as { cause?: unknown }).cause;
    if ((err as Error).name === "BodyLimitError") throw err;
    const refusal =
      err instanceof HttpError
        ? err
        : cause instanceof HttpError
          ? cause
          : localResourceCode(err)
            ? shortOfResources("to keep the upload", err)
            : new HttpError(400, `malformed multipart/form-data body: ${(err as Error).message}`, { cause: err });
    // The rest of a body refused part-way is never read: the connection cannot carry another request.
    if (!read) refusal.headers.connection = "close";
    throw refusal;
  }
  const boundary = boundaryOf(contentType);
  if (!keepBody) return { entries, raw: undefined };
  const opening = Buffer.from(`--${boundary}`);
  const raw: RawMultipart = {
    contentType,
    boundary,
    size: body.size,
    ...(body.file ? { file: body.file } : { chunks: body.chunks }),
    parts,
    opensWithBoundary: body.file ? await fileOpensWith(body.file, opening) : chunksOpenWith(body.chunks, opening),
  };
  c.set(RAW_KEY as never, raw as never);
  return { entries, raw };
}

function chunksOpenWith(chunks: Buffer[], opening: Buffer): boolean {
  let at = 0;
  for (const chunk of chunks) {
    const n = Math.min(chunk.length, opening.length - at);
    if (!chunk.subarray(0, n).equals(opening.subarray(at, at + n))) return false;
    at += n;
    if (at === opening.length) return true;
  }
  return false;
}

async function fileOpensWith(file: string, opening: Buffer): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(opening.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(opening);
  } finally {
    await handle.close();
  }
}

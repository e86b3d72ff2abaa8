/** @module The default output store: files in a local directory, removed after the retention time. */
import { closeSync, createReadStream, createWriteStream, openSync, writevSync } from "node:fs";
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { readWhole } from "@ai-video-subnet/server-kit";
import {
  MEDIA_TYPES,
  type MediaExtension,
  OUTPUT_NAME,
  type OutputBody,
  type OutputStore,
  type StoredOutput,
} from "./store.js";

/**
 * Outputs up to this size are collected and written in one `writev`, synchronously: a write of this size into the
 * page cache takes less time than the thread-pool round trips of an asynchronous open, write and close (the bulk of
 * the store's cost per job in the broadcaster's profile). Larger ones are streamed.
 */
const SMALL_OUTPUT = 1024 * 1024;

/** Writes `chunks` to a new file at `path` with as few system calls as it takes. */
function writeChunksSync(path: string, chunks: Uint8Array[]): void {
  const fd = openSync(path, "w");
  try {
    let left = chunks;
    while (left.length > 0) {
      let written = writevSync(fd, left);
      // A short write (rare for a file): drop what went out and write the rest.
      let i = 0;
      while (i < left.length && written >= left[i]!.length) written -= left[i++]!.length;
      left = left.slice(i);
      if (written > 0) left[0] = left[0]!.subarray(written);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Outputs as files in `dir`.
 * @example const store = new LocalOutputStore("./outputs", 24 * 3600_000); await store.init();
 */
export class LocalOutputStore implements OutputStore {
  readonly dir: string;
  readonly retentionMs: number;

  constructor(dir: string, retentionMs: number) {
    this.dir = dir;
    this.retentionMs = retentionMs;
  }

  /** Creates the directory. */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  async put(name: string, body: OutputBody, _contentType: string, size?: number): Promise<void> {
    // The name is secret until the job is answered, so the file is written under it directly: nobody can ask for it
    // half-written. Small outputs are collected and written in one call (see SMALL_OUTPUT), large ones streamed.
    const path = join(this.dir, name);
    try {
      if (body instanceof Uint8Array && body.byteLength <= SMALL_OUTPUT) {
        writeChunksSync(path, [body]);
      } else if (body instanceof Uint8Array) {
        await writeFile(path, body);
      } else {
        const source = body instanceof Readable ? body : Readable.fromWeb(body as never);
        if (size !== undefined && size <= SMALL_OUTPUT) writeChunksSync(path, await readWhole(source));
        else await pipeline(source, createWriteStream(path));
      }
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
  }

  async get(name: string): Promise<StoredOutput | undefined> {
    if (!OUTPUT_NAME.test(name)) return undefined;
    const path = join(this.dir, name);
    try {
      const s = await stat(path);
      if (Date.now() - s.mtimeMs > this.retentionMs) return undefined;
      const ext = name.slice(name.lastIndexOf(".") + 1) as MediaExtension;
      return {
        body: Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
        contentType: MEDIA_TYPES[ext],
        size: s.size,
      };
    } catch {
      return undefined;
    }
  }

  async delete(name: string): Promise<void> {
    if (OUTPUT_NAME.test(name)) await rm(join(this.dir, name), { force: true });
  }

  async cleanup(now: number): Promise<number> {
    let removed = 0;
    for (const entry of await readdir(this.dir)) {
      const path = join(this.dir, entry);
      try {
        const s = await stat(path);
        const ours = OUTPUT_NAME.test(entry);
        if (ours && s.isFile() && now - s.mtimeMs > this.retentionMs) {
          await rm(path, { force: true });
          removed += 1;
        }
      } catch {
        // Removed concurrently.
      }
    }
    return removed;
  }
}

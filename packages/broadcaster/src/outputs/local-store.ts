/** @module The default output store: files in a local directory, removed after the retention time. */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { MEDIA_TYPES, type MediaExtension, OUTPUT_NAME, type OutputStore, type StoredOutput } from "./store.js";

/** Outputs up to this size are written with one `writeFile`. */
const SMALL_OUTPUT = 4 * 1024 * 1024;

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

  async put(
    name: string,
    body: Readable | ReadableStream<Uint8Array>,
    _contentType: string,
    size?: number,
  ): Promise<void> {
    // The name is secret until the job is answered, so the file is written under it directly: nobody can ask for it
    // half-written. Small outputs are collected and written in one call, large ones streamed.
    const path = join(this.dir, name);
    const source = body instanceof Readable ? body : Readable.fromWeb(body as never);
    try {
      if (size !== undefined && size <= SMALL_OUTPUT) {
        const chunks: Buffer[] = [];
        for await (const chunk of source) chunks.push(chunk as Buffer);
        await writeFile(path, Buffer.concat(chunks));
      } else {
        await pipeline(source, createWriteStream(path));
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

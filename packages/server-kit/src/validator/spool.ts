/**
 * @module Bytes held in memory up to a limit, then in a temporary file created new (never through a name that already
 * exists) with the mode its caller gives: how `readRawMultipart` keeps a body, and each file part of one, as it streams in.
 */
import { type FileHandle, open } from "node:fs/promises";

/**
 * Bytes held in memory up to a limit, then in a temporary file (`mode`, e.g. 0600) made by `newFile`.
 * @example const spool = new Spool(4 * 1024 * 1024, 0o600, newFile); await spool.add(chunk); await spool.close();
 */
export class Spool {
  chunks: Buffer[] = [];
  size = 0;
  file: string | undefined;
  #handle: FileHandle | undefined;
  readonly #limit: number;
  readonly #mode: number;
  readonly #newFile: () => Promise<string>;

  constructor(limit: number, mode: number, newFile: () => Promise<string>) {
    this.#limit = limit;
    this.#mode = mode;
    this.#newFile = newFile;
  }

  async add(chunk: Buffer): Promise<void> {
    this.size += chunk.length;
    if (this.#handle) {
      await this.#handle.write(chunk);
      return;
    }
    this.chunks.push(chunk);
    if (this.size <= this.#limit) return;
    this.file = await this.#newFile();
    this.#handle = await open(this.file, "wx", this.#mode);
    for (const c of this.chunks.splice(0)) await this.#handle.write(c);
  }

  async close(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
  }
}

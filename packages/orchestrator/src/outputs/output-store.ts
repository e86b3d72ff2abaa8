/**
 * @module Stored job results: media a runner returned as `data:` URLs, written to a directory under unguessable
 * names and served at `/outputs/<name>` until their retention time ends. A result is served from memory until
 * its file is written, so the job's answer never waits for the disk.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { readFile, rename, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The media types the store keeps, by file extension. */
export const MEDIA_TYPES = { png: "image/png", mp4: "video/mp4" } as const;
/** A stored file's extension. */
export type MediaExt = keyof typeof MEDIA_TYPES;

interface Stored {
  path: string;
  ext: MediaExt;
  expires: number;
  /** The bytes, until the file is written. */
  pending: Uint8Array | undefined;
  written: Promise<void>;
}

/** Options of an {@link OutputStore}. */
export interface OutputStoreOptions {
  /** Directory for the files; default: a fresh temporary directory, removed on close. */
  dir?: string;
  /** Seconds a result stays available (default 3600). */
  retentionSec?: number;
}

/**
 * @example
 * const store = new OutputStore({ retentionSec: 600 });
 * const name = store.put(pngBytes, "png"); // "Qm9fY2...xY.png", served at /outputs/<name>
 * const file = await store.get(name);      // { bytes, type: "image/png" }
 */
export class OutputStore {
  readonly dir: string;
  readonly retentionMs: number;
  readonly #owned: boolean;
  readonly #items = new Map<string, Stored>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(options: OutputStoreOptions = {}) {
    this.#owned = options.dir === undefined;
    this.dir = options.dir ?? mkdtempSync(join(tmpdir(), "avs-orchestrator-outputs-"));
    mkdirSync(this.dir, { recursive: true });
    this.retentionMs = (options.retentionSec ?? 3600) * 1000;
    this.#sweeper = setInterval(() => void this.sweep(), Math.min(60_000, Math.max(1000, this.retentionMs / 4)));
    this.#sweeper.unref();
  }

  /** Stores bytes and returns the new name (`<32 random chars>.<ext>`). */
  put(bytes: Uint8Array, ext: MediaExt): string {
    const name = `${randomBytes(24).toString("base64url")}.${ext}`;
    const path = join(this.dir, name);
    const item: Stored = {
      path,
      ext,
      expires: Date.now() + this.retentionMs,
      pending: bytes,
      written: Promise.resolve(),
    };
    item.written = writeFile(path, bytes).then(() => {
      item.pending = undefined;
    });
    this.#items.set(name, item);
    return name;
  }

  /** Takes over a file already written (e.g. an encoded mp4) under a new name. */
  async adopt(file: string, ext: MediaExt): Promise<string> {
    const name = `${randomBytes(24).toString("base64url")}.${ext}`;
    const path = join(this.dir, name);
    await rename(file, path);
    this.#items.set(name, {
      path,
      ext,
      expires: Date.now() + this.retentionMs,
      pending: undefined,
      written: Promise.resolve(),
    });
    return name;
  }

  /** A stored result, or undefined when the name is unknown or expired. */
  async get(name: string): Promise<{ bytes: Uint8Array; type: string } | undefined> {
    const item = this.#items.get(name);
    if (!item || item.expires <= Date.now()) return undefined;
    const bytes = item.pending ?? (await readFile(item.path).catch(() => undefined));
    return bytes ? { bytes, type: MEDIA_TYPES[item.ext] } : undefined;
  }

  /** Deletes expired results; returns how many. */
  async sweep(now = Date.now()): Promise<number> {
    const expired = [...this.#items].filter(([, item]) => item.expires <= now);
    for (const [name, item] of expired) {
      this.#items.delete(name);
      await item.written.catch(() => {});
      await unlink(item.path).catch(() => {});
    }
    return expired.length;
  }

  /** Stops the sweeper; removes the directory when the store created it. */
  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    await Promise.all([...this.#items.values()].map((i) => i.written.catch(() => {})));
    if (this.#owned) rmSync(this.dir, { recursive: true, force: true });
  }
}

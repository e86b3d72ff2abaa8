/**
 * @module Stored job results: media a runner returned as `data:` URLs, kept under unguessable names and served
 * at `/outputs/<name>` until their retention time ends. Results stay in memory up to a byte budget (a
 * broadcaster usually fetches them right away) and the oldest are spilled to a directory beyond it, so a job's
 * answer never waits for the disk and small results never touch it. The index of names lives in memory only, so
 * a store on a directory that outlives the process takes over, at start, the files an earlier run left there
 * ({@link OutputStore.takeOver}): otherwise nothing would ever delete them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { lstat, open, readdir, rename, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { type ByteRange, makeDirectorySync, outputName, type RangePart, rangePart } from "@ai-video-subnet/server-kit";

/** The media types the store keeps, by file extension. */
export const MEDIA_TYPES = { png: "image/png", mp4: "video/mp4" } as const;
/** A stored file's extension. */
export type MediaExt = keyof typeof MEDIA_TYPES;

/** A result read for a client: its bytes (all of them, or the part `part` names), media type and whole size. */
export interface StoredResult {
  bytes: Uint8Array;
  type: string;
  /** Bytes of the whole result. */
  size: number;
  /** With a range: the part `bytes` holds, or `unsatisfiable`; undefined when `bytes` are all of it. */
  part?: RangePart;
}

interface Stored {
  path: string;
  ext: MediaExt;
  expires: number;
  /** The bytes while they are held in memory (until spilled to `path`). */
  bytes: Uint8Array | undefined;
  /** Memory they hold meanwhile, counted against the budget (more than their length for a view into more). */
  held: number;
  /** Settles once the file at `path` is complete (resolved at once for results never spilled). */
  written: Promise<void>;
  onDisk: boolean;
}

/** What {@link OutputStore.takeOver} did with the files an earlier run left in the directory. */
export interface TakenOver {
  /** Stored results older than the retention, deleted. */
  expired: number;
  /** Stored results still within their retention, to be deleted when it ends (not served: see takeOver). */
  kept: number;
  /** Partial mp4 encodes whose writing process is gone, deleted. */
  partial: number;
}

/** The store's own file names: `outputName`'s (32 base64url characters) and {@link OutputStore.encodingPath}'s. */
const RESULT_FILE = /^[A-Za-z0-9_-]{32}\.(?:png|mp4)$/;
const ENCODING_FILE = /^\.encoding-(\d+)-[a-z0-9]*\.mp4$/;

/** Options of an {@link OutputStore}. */
export interface OutputStoreOptions {
  /** Directory for the files; default: a fresh temporary directory, removed on close. */
  dir?: string;
  /** Seconds a result stays available (default 3600). */
  retentionSec?: number;
  /** Bytes of results held in memory before the oldest are written to `dir` (default 256 MiB). */
  memoryBytes?: number;
  /**
   * Hears a result lost because it could not be written to `dir` (a full disk, the directory deleted): it is
   * forgotten, its partial file deleted, so memory stays within its budget; its URL answers 404 from then on.
   */
  onLost?: (err: NodeJS.ErrnoException, bytes: number) => void;
}

/**
 * @example
 * const store = new OutputStore({ retentionSec: 600 });
 * const name = store.put(pngBytes, "png"); // "Qm9fY2...xY.png", served at /outputs/<name>
 * const file = await store.get(name);      // { bytes, type: "image/png", size }
 */
export class OutputStore {
  readonly dir: string;
  readonly retentionMs: number;
  readonly #owned: boolean;
  readonly #items = new Map<string, Stored>();
  readonly #sweeper: NodeJS.Timeout;
  readonly #memoryBudget: number;
  readonly #onLost: OutputStoreOptions["onLost"];
  /** Names of results held in memory, oldest first. */
  readonly #inMemory = new Set<string>();
  /** Files of earlier runs taken over (path → when to delete), never served. */
  readonly #leftovers = new Map<string, number>();
  #memoryUsed = 0;

  constructor(options: OutputStoreOptions = {}) {
    this.#owned = options.dir === undefined;
    this.dir = options.dir ?? mkdtempSync(join(tmpdir(), "avs-orchestrator-outputs-"));
    makeDirectorySync(this.dir);
    this.retentionMs = (options.retentionSec ?? 3600) * 1000;
    this.#memoryBudget = options.memoryBytes ?? 256 * 1024 * 1024;
    this.#onLost = options.onLost;
    this.#sweeper = setInterval(() => void this.sweep(), Math.min(60_000, Math.max(1000, this.retentionMs / 4)));
    this.#sweeper.unref();
  }

  /**
   * Stores bytes and returns the new name (`<32 random chars>.<ext>`). `held`: the memory they keep while held
   * (default their length), when they are a view into a larger buffer that lives as long as they do.
   */
  put(bytes: Uint8Array, ext: MediaExt, held = bytes.byteLength): string {
    const name = outputName(ext);
    // The name has no separators: no path.join (it normalises) on every job.
    const path = `${this.dir}${sep}${name}`;
    this.#items.set(name, {
      path,
      ext,
      expires: Date.now() + this.retentionMs,
      bytes,
      held,
      written: Promise.resolve(),
      onDisk: false,
    });
    this.#inMemory.add(name);
    this.#memoryUsed += held;
    this.#spill();
    return name;
  }

  /** Bytes of results held in memory now. */
  get memoryUsed(): number {
    return this.#memoryUsed;
  }

  #spill() {
    for (const name of this.#inMemory) {
      if (this.#memoryUsed <= this.#memoryBudget) return;
      const item = this.#items.get(name)!;
      const bytes = item.bytes!;
      this.#inMemory.delete(name);
      this.#memoryUsed -= item.held;
      item.onDisk = true;
      item.written = writeFile(item.path, bytes).then(
        () => {
          item.bytes = undefined;
        },
        (err: NodeJS.ErrnoException) => this.#lose(name, item, err),
      );
    }
  }

  /** Forgets a result its spill could not write: kept in memory, it would take the store past its budget. */
  async #lose(name: string, item: Stored, err: NodeJS.ErrnoException): Promise<void> {
    const bytes = item.bytes?.byteLength ?? 0;
    if (this.#items.get(name) === item) this.#forget(name, item);
    item.bytes = undefined;
    await unlink(item.path).catch(() => {});
    this.#onLost?.(err, bytes);
  }

  #forget(name: string, item: Stored) {
    this.#items.delete(name);
    if (this.#inMemory.delete(name)) this.#memoryUsed -= item.held;
  }

  /** Takes over a file already written (e.g. an encoded mp4) under a new name. */
  async adopt(file: string, ext: MediaExt): Promise<string> {
    const name = outputName(ext);
    const path = `${this.dir}${sep}${name}`;
    await rename(file, path);
    this.#items.set(name, {
      path,
      ext,
      expires: Date.now() + this.retentionMs,
      bytes: undefined,
      held: 0,
      onDisk: true,
      written: Promise.resolve(),
    });
    return name;
  }

  /**
   * A path in the directory for an mp4 being encoded, to {@link adopt} once complete. Its name carries this
   * process's pid so that a later run's {@link takeOver} can tell a partial file whose writer was killed.
   * @example await encodeMp4(frames, 24, store.encodingPath(), "ffmpeg")
   */
  encodingPath(): string {
    return join(this.dir, `.encoding-${process.pid}-${Math.random().toString(36).slice(2)}.mp4`);
  }

  /**
   * Takes over what an earlier run left in the directory (call it before the first job): files named as this store
   * names them and nothing else, since an operator's directory may be shared. A partial encode whose writer process
   * is gone (or has this process's pid, reused: this run has not encoded yet) is deleted; a stored result is deleted
   * when its mtime (the write of its last byte) is older than the retention, or else at its retention end. They
   * are not served again: a result spilled at a SIGKILL may have been cut short, and nothing tells.
   * @example const { expired, kept, partial } = await store.takeOver();
   */
  async takeOver(now = Date.now()): Promise<TakenOver> {
    const done: TakenOver = { expired: 0, kept: 0, partial: 0 };
    for (const entry of await readdir(this.dir, { withFileTypes: true })) {
      // A symlink or a directory is never one of ours, whatever its name.
      if (!entry.isFile()) continue;
      const path = `${this.dir}${sep}${entry.name}`;
      const encoding = ENCODING_FILE.exec(entry.name);
      if (encoding) {
        if (writerGone(Number(encoding[1])) && (await removed(path))) done.partial++;
        continue;
      }
      if (!RESULT_FILE.test(entry.name) || this.#items.has(entry.name)) continue;
      const info = await lstat(path).catch(() => undefined);
      if (!info?.isFile()) continue;
      const deleteAt = info.mtimeMs + this.retentionMs;
      if (deleteAt > now) {
        this.#leftovers.set(path, deleteAt);
        done.kept++;
      } else if (await removed(path)) done.expired++;
    }
    return done;
  }

  /**
   * A stored result, or undefined when the name is unknown or expired. With `range` (a `Range` request) `bytes` are
   * only the part it asks for, read alone from a result on disk, and `part` says which they are (`unsatisfiable`,
   * with no bytes, for a range past the end).
   */
  async get(name: string, range?: ByteRange): Promise<StoredResult | undefined> {
    const item = this.#live(name);
    if (!item) return undefined;
    const type = MEDIA_TYPES[item.ext];
    if (item.bytes) {
      const size = item.bytes.byteLength;
      const part = rangePart(range, size);
      if (part === "unsatisfiable") return { bytes: new Uint8Array(0), type, size, part };
      return { bytes: part ? item.bytes.subarray(part.start, part.end + 1) : item.bytes, type, size, part };
    }
    const handle = await open(item.path, "r").catch(() => undefined);
    if (!handle) return undefined;
    try {
      const { size } = await handle.stat();
      const part = rangePart(range, size);
      if (part === "unsatisfiable") return { bytes: new Uint8Array(0), type, size, part };
      if (!part) return { bytes: await handle.readFile(), type, size };
      const bytes = Buffer.allocUnsafe(part.end - part.start + 1);
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, part.start);
      if (bytesRead !== bytes.length) throw new Error(`output ${name} is shorter than it was a moment ago`);
      return { bytes, type, size, part };
    } finally {
      await handle.close();
    }
  }

  /** A stored result's media type and size without its bytes (a `HEAD` request), or undefined. */
  async stat(name: string): Promise<{ type: string; size: number } | undefined> {
    const item = this.#live(name);
    if (!item) return undefined;
    const size = item.bytes?.byteLength ?? (await stat(item.path).catch(() => undefined))?.size;
    return size === undefined ? undefined : { type: MEDIA_TYPES[item.ext], size };
  }

  #live(name: string): Stored | undefined {
    const item = this.#items.get(name);
    return item && item.expires > Date.now() ? item : undefined;
  }

  /** Deletes expired results, and the files taken over from an earlier run whose retention ended; returns how many. */
  async sweep(now = Date.now()): Promise<number> {
    const expired = [...this.#items].filter(([, item]) => item.expires <= now);
    for (const [name, item] of expired) {
      this.#forget(name, item);
      if (!item.onDisk) continue;
      await item.written.catch(() => {});
      await unlink(item.path).catch(() => {});
    }
    const leftovers = [...this.#leftovers].filter(([, deleteAt]) => deleteAt <= now);
    for (const [path] of leftovers) {
      this.#leftovers.delete(path);
      await unlink(path).catch(() => {});
    }
    return expired.length + leftovers.length;
  }

  /** Stops the sweeper; removes the directory when the store created it. */
  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    await Promise.all([...this.#items.values()].map((i) => i.written.catch(() => {})));
    if (this.#owned) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Whether no process has `pid` any more (or it is this one's, so the file is an earlier run's). */
function writerGone(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // EPERM: a process of another user has the pid; it may be the writer.
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

async function removed(path: string): Promise<boolean> {
  return unlink(path).then(
    () => true,
    () => false,
  );
}

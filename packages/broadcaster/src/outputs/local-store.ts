/**
 * @module The default output store: a local directory, outputs removed after the retention time. Small outputs
 * (every image a job answers inline) are appended to pack files, one record each, and their names say where: the
 * output's 32 secret characters, then its pack and its offset in it. Creating a file costs far more than writing one
 * (here 0.5 ms of system CPU per file, against 0.03 ms for an append of 50 KB), and a file per output was the largest
 * of the broadcaster's own costs per job. Large and streamed outputs (videos) are files of their own, as before.
 *
 * A record's bytes come from an orchestrator, so a record could hold what looks like another record. Each pack
 * therefore starts with a random key of its own, and each record's head carries a MAC of its place, length, time
 * and name under that key: a name only finds a record this store wrote there, never one an output's bytes imitate.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { closeSync, createWriteStream, openSync, writevSync } from "node:fs";
import { chmod, type FileHandle, open, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type ByteRange, makeDirectorySync, rangePart, readWhole } from "@ai-video-subnet/server-kit";
import { PRIVATE_DIR, PRIVATE_FILE } from "../server/private-files.js";
import {
  emptyBody,
  mediaTypeOf,
  OUTPUT_NAME,
  type OutputBody,
  type OutputInfo,
  type OutputStore,
  type StoredOutput,
} from "./store.js";

/** Outputs up to this size go into a pack, written with one `writev`; larger ones are files of their own. */
const SMALL_OUTPUT = 1024 * 1024;
/** A pack takes appends until it holds this much, or until it is older than its store's rotation time. */
const PACK_BYTES = 64 * 1024 * 1024;

/** A pack's head: magic (u32), then the pack's 32-byte MAC key. Records follow it. */
const PACK_HEAD = 36;
const PACK_MAGIC = 0x5053_5641; // "AVSP"
const KEY_BYTES = 32;
/**
 * A record's fixed head: magic (u32), body length (u32), time written (f64 ms), name length (u8), removed flag
 * (u8), 6 bytes reserved, MAC (16 bytes: HMAC-SHA256 under the pack's key of the length, the time and the full
 * name, which names the pack and the record's offset); then the output's full name and its body. All little-endian.
 */
const HEAD = 40;
const MAGIC = 0x3253_5641; // "AVS2"
const REMOVED_AT = 17;
const MAC_AT = 24;
/** Pack keys kept in memory for reads; more packs than this (hours of outputs) and the map starts over. */
const KEYS_KEPT = 256;
/** Characters of a new output's secret (server-kit's `outputName`: 192 random bits). */
const SECRET = 32;
/** A packed output's name: its secret, `_`, its pack's id, `_`, its record's offset in base 36, the extension. */
const PACKED = /^[A-Za-z0-9_-]{32}_([a-z0-9]{8,24})_([a-z0-9]{1,11})\.(png|mp4)$/;
/** A pack file. */
const PACK_FILE = /^outputs-([a-z0-9]{8,24})\.pack$/;

/** The pack being appended to. */
interface Pack {
  id: string;
  fd: number;
  key: Buffer;
  /** Bytes written: the next record's offset. */
  size: number;
  opened: number;
  lastWrite: number;
}

/** Writes `chunks` at `position` of `fd`, with as few system calls as it takes. */
function writeAllSync(fd: number, chunks: Uint8Array[], position: number): void {
  let left = chunks;
  let at = position;
  while (left.length > 0) {
    let written = writevSync(fd, left, at);
    at += written;
    // A short write (rare for a file): drop what went out and write the rest.
    let i = 0;
    while (i < left.length && written >= left[i]!.length) written -= left[i++]!.length;
    left = left.slice(i);
    if (written > 0) left[0] = left[0]!.subarray(written);
  }
}

/** The MAC of a record: its head's length and time (bytes 4–15) and its full name, under its pack's key. */
function recordMac(key: Buffer, head: Buffer, name: Buffer): Buffer {
  return createHmac("sha256", key).update(head.subarray(4, 16)).update(name).digest().subarray(0, 16);
}

/** A new pack id: the time in base 36 and 32 random bits, so two processes on one directory never share one. */
function packId(now: number): string {
  return `${now.toString(36)}${Math.floor(Math.random() * 0xffff_ffff)
    .toString(36)
    .padStart(7, "0")}`;
}

/**
 * Outputs in `dir`.
 * @example const store = new LocalOutputStore("./outputs", 24 * 3600_000); await store.init();
 */
export class LocalOutputStore implements OutputStore {
  readonly dir: string;
  readonly retentionMs: number;
  /** A pack takes appends this long at most, so that packs expire (and are removed) about when their outputs do. */
  readonly rotateMs: number;
  #pack: Pack | undefined;
  /** Keys of the packs read from, by pack id. */
  #keys = new Map<string, Buffer>();

  constructor(dir: string, retentionMs: number) {
    this.dir = dir;
    this.retentionMs = retentionMs;
    this.rotateMs = Math.min(3600_000, Math.max(1000, retentionMs / 10));
  }

  /**
   * Creates the directory (0700: the names in it are the outputs' secrets); one that exists is left as it is, as it
   * may be the operator's.
   */
  async init(): Promise<void> {
    makeDirectorySync(this.dir, PRIVATE_DIR);
  }

  async put(name: string, body: OutputBody, _contentType: string, size?: number): Promise<string> {
    const packable = name.lastIndexOf(".") === SECRET && OUTPUT_NAME.test(name);
    if (body instanceof Uint8Array && body.byteLength <= SMALL_OUTPUT && packable) return this.#append(name, [body]);
    // A file of its own is written under its final name: the name is secret until the job is answered, so nobody
    // can ask for it half-written.
    const path = join(this.dir, name);
    try {
      if (body instanceof Uint8Array) {
        await writeFile(path, body, { mode: PRIVATE_FILE });
        return name;
      }
      const source = body instanceof Readable ? body : Readable.fromWeb(body as never);
      if (size !== undefined && size <= SMALL_OUTPUT) {
        const chunks = await readWhole(source);
        if (packable && chunks.reduce((n, c) => n + c.length, 0) <= SMALL_OUTPUT) return this.#append(name, chunks);
        await writeFile(path, chunks, { mode: PRIVATE_FILE });
      } else await pipeline(source, createWriteStream(path, { mode: PRIVATE_FILE }));
      return name;
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
  }

  /** Appends one record to the current pack (a new one when there is none or it is full or old); its name. */
  #append(name: string, chunks: Uint8Array[]): string {
    const now = Date.now();
    let pack = this.#pack;
    if (pack && (pack.size >= PACK_BYTES || now - pack.opened >= this.rotateMs)) {
      this.#closePack();
      pack = undefined;
    }
    if (!pack) {
      const id = packId(now);
      const fd = openSync(join(this.dir, `outputs-${id}.pack`), "wx", PRIVATE_FILE);
      const head = Buffer.alloc(PACK_HEAD);
      head.writeUInt32LE(PACK_MAGIC, 0);
      const key = randomBytes(KEY_BYTES);
      key.copy(head, 4);
      try {
        writeAllSync(fd, [head], 0);
      } catch (err) {
        closeSync(fd);
        throw err;
      }
      pack = { id, fd, key, size: PACK_HEAD, opened: now, lastWrite: now };
      this.#pack = pack;
    }
    const dot = name.lastIndexOf(".");
    const stored = `${name.slice(0, dot)}_${pack.id}_${pack.size.toString(36)}${name.slice(dot)}`;
    let length = 0;
    for (const c of chunks) length += c.byteLength;
    const head = Buffer.alloc(HEAD + stored.length);
    head.writeUInt32LE(MAGIC, 0);
    head.writeUInt32LE(length, 4);
    head.writeDoubleLE(now, 8);
    head[16] = stored.length;
    head.write(stored, HEAD, "latin1");
    recordMac(pack.key, head, head.subarray(HEAD)).copy(head, MAC_AT);
    try {
      writeAllSync(pack.fd, [head, ...chunks], pack.size);
    } catch (err) {
      // What this record wrote is never named; the pack is left as it is and the next output starts another.
      this.#closePack();
      throw err;
    }
    pack.size += head.length + length;
    pack.lastWrite = now;
    return stored;
  }

  #closePack(): void {
    const pack = this.#pack;
    this.#pack = undefined;
    if (pack) closeSync(pack.fd);
  }

  /** The MAC key of pack `id`, open as `handle` (undefined for a pack without one). */
  async #keyOf(id: string, handle: FileHandle): Promise<Buffer | undefined> {
    const known = this.#keys.get(id) ?? (this.#pack?.id === id ? this.#pack.key : undefined);
    if (known) return known;
    const head = Buffer.alloc(PACK_HEAD);
    const { bytesRead } = await handle.read(head, 0, PACK_HEAD, 0);
    if (bytesRead !== PACK_HEAD || head.readUInt32LE(0) !== PACK_MAGIC) return undefined;
    if (this.#keys.size >= KEYS_KEPT) this.#keys.clear();
    const key = head.subarray(4);
    this.#keys.set(id, key);
    return key;
  }

  /**
   * The head of the record a packed name points at, checked against the whole name and the record's MAC: its
   * body's place and length and when it was written, with the open pack (undefined when there is no such output).
   */
  async #record(
    name: string,
    flags: "r" | "r+",
  ): Promise<{ handle: FileHandle; at: number; start: number; length: number; time: number } | undefined> {
    const m = PACKED.exec(name);
    if (!m) return undefined;
    const at = Number.parseInt(m[2]!, 36);
    let handle: FileHandle;
    try {
      handle = await open(join(this.dir, `outputs-${m[1]}.pack`), flags);
    } catch {
      return undefined;
    }
    const key = at >= PACK_HEAD ? await this.#keyOf(m[1]!, handle) : undefined;
    const head = Buffer.alloc(HEAD + name.length);
    const { bytesRead } = key ? await handle.read(head, 0, head.length, at) : { bytesRead: 0 };
    const wanted = Buffer.from(name, "latin1");
    if (
      key &&
      bytesRead === head.length &&
      head.readUInt32LE(0) === MAGIC &&
      head[16] === name.length &&
      timingSafeEqual(head.subarray(HEAD), wanted) &&
      timingSafeEqual(head.subarray(MAC_AT, HEAD), recordMac(key, head, wanted))
    ) {
      const length = head.readUInt32LE(4);
      const time = head.readDoubleLE(8);
      if (head[REMOVED_AT] === 0) return { handle, at, start: at + head.length, length, time };
    }
    await handle.close();
    return undefined;
  }

  /**
   * The open file an output is in, where its bytes start in it and how many there are; undefined when there is no
   * such output or it is past its retention time.
   */
  async #open(name: string): Promise<{ handle: FileHandle; start: number; length: number } | undefined> {
    if (PACKED.test(name)) {
      const r = await this.#record(name, "r");
      if (r && Date.now() - r.time <= this.retentionMs) return r;
      await r?.handle.close();
      return undefined;
    }
    if (!OUTPUT_NAME.test(name)) return undefined;
    let handle: FileHandle;
    try {
      handle = await open(join(this.dir, name), "r");
    } catch {
      return undefined;
    }
    try {
      const s = await handle.stat();
      if (s.isFile() && Date.now() - s.mtimeMs <= this.retentionMs) return { handle, start: 0, length: s.size };
    } catch {
      // Handled below as no such output.
    }
    await handle.close();
    return undefined;
  }

  async get(name: string, range?: ByteRange): Promise<StoredOutput | undefined> {
    const o = await this.#open(name);
    if (!o) return undefined;
    const contentType = mediaTypeOf(name);
    const part = rangePart(range, o.length);
    if (part === "unsatisfiable" || o.length === 0) {
      await o.handle.close();
      return { body: emptyBody(), contentType, size: o.length, part };
    }
    // Only the bytes asked for are read; the stream closes the file when it ends or is cancelled.
    const { start, end } = part ?? { start: 0, end: o.length - 1 };
    const stream = o.handle.createReadStream({ start: o.start + start, end: o.start + end });
    return { body: Readable.toWeb(stream) as ReadableStream<Uint8Array>, contentType, size: o.length, part };
  }

  async stat(name: string): Promise<OutputInfo | undefined> {
    const o = await this.#open(name);
    if (!o) return undefined;
    await o.handle.close();
    return { contentType: mediaTypeOf(name), size: o.length };
  }

  async delete(name: string): Promise<void> {
    if (PACKED.test(name)) {
      // The record stays in its pack (removed with it) but is marked, so its name finds nothing from now on, and its
      // body is overwritten with zeros: a deleted output's bytes do not outlive the call.
      const r = await this.#record(name, "r+");
      if (!r) return;
      try {
        await r.handle.write(Buffer.from([1]), 0, 1, r.at + REMOVED_AT);
        if (r.length > 0) await r.handle.write(Buffer.alloc(r.length), 0, r.length, r.start);
      } finally {
        await r.handle.close();
      }
      return;
    }
    if (OUTPUT_NAME.test(name)) await rm(join(this.dir, name), { force: true });
  }

  async cleanup(now: number): Promise<number> {
    let removed = 0;
    for (const entry of await readdir(this.dir)) {
      const path = join(this.dir, entry);
      try {
        const pack = PACK_FILE.exec(entry);
        if (pack) {
          const current = this.#pack?.id === pack[1] ? this.#pack : undefined;
          // A pack is last written at its mtime, so once that is past the retention time, all of it is.
          const last = current ? current.lastWrite : (await stat(path)).mtimeMs;
          if (now - last <= this.retentionMs) continue;
          if (current) this.#closePack();
          this.#keys.delete(pack[1]!);
          removed += await countRecords(path);
          await rm(path, { force: true });
          continue;
        }
        const s = await stat(path);
        const ours = OUTPUT_NAME.test(entry);
        if (ours && s.isFile() && now - s.mtimeMs > this.retentionMs) {
          await rm(path, { force: true });
          removed += 1;
        } else if (ours && s.isFile() && (s.mode & 0o077) !== 0) {
          // Left readable by others by an earlier version: made private now rather than when they expire.
          await chmod(path, PRIVATE_FILE);
        }
      } catch {
        // Removed concurrently.
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    this.#closePack();
  }
}

/**
 * The outputs of a pack that were not removed one by one (what its removal takes away); 0 for a pack of an earlier
 * layout, whose records are no longer served.
 */
async function countRecords(path: string): Promise<number> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(HEAD);
    await handle.read(head, 0, 4, 0);
    if (head.readUInt32LE(0) !== PACK_MAGIC) return 0;
    let at = PACK_HEAD;
    let count = 0;
    while (at + HEAD <= size) {
      await handle.read(head, 0, HEAD, at);
      if (head.readUInt32LE(0) !== MAGIC) break;
      if (head[REMOVED_AT] === 0) count += 1;
      at += HEAD + head[16]! + head.readUInt32LE(4);
    }
    return count;
  } finally {
    await handle.close();
  }
}

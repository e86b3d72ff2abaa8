/**
 * @module A body held as the chunks its socket delivered: read whole without joining them ({@link readWhole}), and
 * searched and sliced as one run of bytes across chunk edges ({@link Chunked}).
 */
import type { Readable } from "node:stream";

/** A body that went past the bytes its reader allows; the stream was destroyed where it crossed the line. */
export class BodyTooLarge extends Error {
  readonly code = "EBODYTOOLARGE";
  /** The bytes allowed. */
  readonly limit: number;
  constructor(limit: number) {
    super(`more than ${limit} bytes`);
    this.name = "BodyTooLarge";
    this.limit = limit;
  }
}

/**
 * Sees each chunk of a body {@link readWhole} reads, as it arrives; calling `stop` (then or later) ends the read with
 * that error.
 */
export type BodyWatch = (chunk: Buffer, stop: (err: unknown) => void) => void;

/**
 * The whole body, in the chunks it came in, once it has all arrived; rejects (`ECONNRESET`) when the stream closes
 * before its end (a client that goes away, an upstream answer cut short). With `maxBytes`, a body that goes past it
 * is not read on: the stream is destroyed (an HTTP message's socket with it) and the promise rejects with
 * {@link BodyTooLarge}, having held at most `maxBytes` and one chunk. A `watch` sees each chunk as it arrives and may
 * stop the read with an error: the stream is then paused, not destroyed (a server can still answer on its socket),
 * and the chunks read so far are let go.
 * @example const chunks = await readWhole(bodyStream(c));
 * @example const answer = await readWhole(res, 64 * 1024 * 1024); // BodyTooLarge past 64 MiB
 * @example await readWhole(bodyStream(c), Number.POSITIVE_INFINITY, (chunk, stop) => { if (chunk[0] === 0) stop(new HttpError(415, "…")); });
 */
export function readWhole(source: Readable, maxBytes = Number.POSITIVE_INFINITY, watch?: BodyWatch): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        reject(new BodyTooLarge(maxBytes));
        source.destroy();
        return;
      }
      chunks.push(chunk);
      watch?.(chunk, stop);
    };
    const onEnd = () => {
      settled = true;
      resolve(chunks);
    };
    const onClose = () => {
      if (!source.readableEnded) reject(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
    };
    const stop = (err: unknown) => {
      if (settled) return;
      settled = true;
      source.off("data", onData);
      source.off("end", onEnd);
      source.off("close", onClose);
      source.pause();
      chunks.length = 0;
      reject(err);
    };
    source.on("data", onData);
    source.on("end", onEnd);
    source.on("error", reject);
    source.on("close", onClose);
  });
}

/**
 * A body held as chunks, addressed as one run of bytes (no copy into one Buffer).
 * @example const body = new Chunked(await readWhole(stream)); body.indexOf(Buffer.from("\r\n--x"), 0);
 */
export class Chunked {
  readonly chunks: Buffer[];
  /** The offset of each chunk's first byte. */
  readonly #starts: number[] = [];
  #length = 0;

  constructor(chunks: Buffer[]) {
    this.chunks = chunks;
    for (const c of chunks) {
      this.#starts.push(this.#length);
      this.#length += c.length;
    }
  }

  /** Bytes held. */
  get length(): number {
    return this.#length;
  }

  /** Adds a chunk at the end (a body read as it arrives; `chunks` grows with it). */
  push(chunk: Buffer): void {
    this.#starts.push(this.#length);
    this.chunks.push(chunk);
    this.#length += chunk.length;
  }

  #chunkAt(pos: number): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  byteAt(pos: number): number | undefined {
    if (pos < 0 || pos >= this.length) return undefined;
    const i = this.#chunkAt(pos);
    return this.chunks[i]![pos - this.#starts[i]!];
  }

  /** The first `needle` at or after `from`, across chunk edges; -1 when there is none. */
  indexOf(needle: Buffer, from: number): number {
    if (from >= this.length) return -1;
    for (let i = this.#chunkAt(from); i < this.chunks.length; i++) {
      const chunk = this.chunks[i]!;
      const start = this.#starts[i]!;
      const local = chunk.indexOf(needle, Math.max(0, from - start));
      if (local !== -1) return start + local;
      if (i === this.chunks.length - 1) break;
      // A needle that starts in this chunk's last bytes and ends in the next ones.
      const edge = start + chunk.length;
      const seam = this.slice(
        Math.max(from, edge - needle.length + 1),
        Math.min(this.length, edge + needle.length - 1),
      );
      const across = Buffer.concat(seam).indexOf(needle);
      if (across !== -1) return Math.max(from, edge - needle.length + 1) + across;
    }
    return -1;
  }

  /** The bytes from `start` to `end` as one Buffer: a view of a chunk when they lie in one, else a copy. */
  bytes(start: number, end: number): Buffer {
    const pieces = this.slice(start, end);
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  }

  /** The bytes from `start` to `end` as subarrays of the chunks. */
  slice(start: number, end: number): Buffer[] {
    const out: Buffer[] = [];
    if (start >= end) return out;
    for (let i = this.#chunkAt(start); i < this.chunks.length && this.#starts[i]! < end; i++) {
      const s = this.#starts[i]!;
      out.push(this.chunks[i]!.subarray(Math.max(0, start - s), Math.min(this.chunks[i]!.length, end - s)));
    }
    return out;
  }
}

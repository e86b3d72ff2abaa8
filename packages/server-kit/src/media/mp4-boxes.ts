/**
 * @module The box layer of ISO/IEC 14496-12 (§4.2: a 32-bit size, or 1 and a 64-bit `largesize`, or 0 for "to the end
 * of the file"), over bytes in memory and over a Blob read through a window, so that a walk over many small boxes of
 * a spooled upload makes a few positioned reads instead of one per box, and never holds the file in memory.
 */

/** A box: its type and where its payload lies, in the coordinates of what it was read from. */
export interface Box {
  type: string;
  /** Offset of the payload (after the header). */
  start: number;
  end: number;
}

const u32 = (b: Uint8Array, i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;

/** The four-character code at `i` of `b`. */
export const fourcc = (b: Uint8Array, i: number) => String.fromCharCode(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!);

/**
 * The box whose header is at `at`, where `bytes[0]` is at `origin` and its enclosing box (or the file) ends at `end`;
 * undefined when the header is cut, or its size is smaller than its header or reaches past `end`.
 * @example boxAt(bytes, 0, bytes.length) // { type: "ftyp", start: 8, end: 36 }
 */
export function boxAt(bytes: Uint8Array, at: number, end: number, origin = 0): Box | undefined {
  const i = at - origin;
  if (i < 0 || at + 8 > end || i + 8 > bytes.length) return undefined;
  let size = u32(bytes, i);
  let header = 8;
  if (size === 1) {
    if (at + 16 > end || i + 16 > bytes.length) return undefined;
    // Above 2^53 the size is past any end anyway: the high word alone decides it.
    const high = u32(bytes, i + 8);
    if (high >= 0x200000) return undefined;
    size = high * 2 ** 32 + u32(bytes, i + 12);
    header = 16;
  } else if (size === 0) size = end - at;
  if (size < header || at + size > end) return undefined;
  return { type: fourcc(bytes, i + 4), start: at + header, end: at + size };
}

/** The boxes of `bytes[from, to)`; stops at the first malformed header. */
export function boxes(bytes: Uint8Array, from: number, to: number): Box[] {
  const out: Box[] = [];
  for (let box = boxAt(bytes, from, to); box; box = boxAt(bytes, box.end, to)) out.push(box);
  return out;
}

/** The first child of `box` of type `type`. */
export const child = (bytes: Uint8Array, box: Box, type: string) =>
  boxes(bytes, box.start, box.end).find((b) => b.type === type);

/** Bytes read from a Blob at a time when less is asked for: many small boxes, one read. */
const WINDOW = 64 * 1024;

/**
 * A Blob read by position, through one window of at least {@link WINDOW} bytes: a Blob of a spooled file
 * (`openAsBlob`) reads only the bytes sliced, so a walk costs reads proportional to the bytes it looks at.
 */
export class BlobWindow {
  readonly file: Blob;
  #origin = 0;
  #bytes = new Uint8Array(0);

  constructor(file: Blob) {
    this.file = file;
  }

  /** `file[at, at + n)` (shorter at the end of the file) when the window holds it, else undefined. */
  peek(at: number, n: number): Uint8Array | undefined {
    const i = at - this.#origin;
    const want = Math.min(n, this.file.size - at);
    return i >= 0 && i + want <= this.#bytes.length ? this.#bytes.subarray(i, i + want) : undefined;
  }

  /** `file[at, at + n)` (shorter at the end of the file), from the window or from one new read. */
  async read(at: number, n: number): Promise<Uint8Array> {
    const held = this.peek(at, n);
    if (held) return held;
    this.#origin = at;
    this.#bytes = new Uint8Array(await this.file.slice(at, at + Math.max(n, WINDOW)).arrayBuffer());
    return this.#bytes.subarray(0, Math.min(n, this.#bytes.length));
  }
}

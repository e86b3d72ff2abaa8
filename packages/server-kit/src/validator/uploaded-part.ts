/**
 * @module A multipart file part held in memory (`UploadedPart`), and a validated body's file field that reads from one
 * (`lazyFileField`), so that a hop needing only a file's first bytes can take them without building the File.
 */

/**
 * A file part held in memory, made a File only when something reads it: a hop that forwards the original bytes
 * never needs one, and building it copies the part.
 */
export class UploadedPart {
  readonly filename: string;
  readonly type: string;
  /** The part's bytes, in the chunks the parser gave. */
  readonly chunks: Buffer[];
  #file: File | undefined;

  constructor(filename: string, type: string, chunks: Buffer[]) {
    this.filename = filename;
    this.type = type;
    this.chunks = chunks;
  }

  /** The part as a File (built once). */
  file(): File {
    this.#file ??= new File(this.chunks as unknown as BlobPart[], this.filename, { type: this.type });
    return this.#file;
  }

  /**
   * The part's first `n` bytes (fewer when it is shorter), a view of its first chunk when that holds them: what a
   * header reader needs, without the copy of the whole part that {@link file} makes.
   * @example imageSize(part.head(65536))
   */
  head(n: number): Uint8Array {
    const first = this.chunks[0];
    if (!first) return new Uint8Array(0);
    if (first.length >= n || this.chunks.length === 1) return first.subarray(0, n);
    const parts: Buffer[] = [];
    let size = 0;
    for (const c of this.chunks) {
      if (size >= n) break;
      parts.push(c);
      size += c.length;
    }
    return Buffer.concat(parts, Math.min(n, size));
  }
}

/** A validated body's in-memory parts, by field: a non-enumerable property of the body (see {@link lazyFileField}). */
const PARTS = Symbol("avs.uploadedParts");

type WithParts = Record<string, unknown> & { [PARTS]?: Record<string, UploadedPart> };

/** One getter per field name, shared by every body (see {@link lazyFileField}). */
const getters = new Map<string, (this: WithParts) => File>();

function partGetter(key: string): (this: WithParts) => File {
  let get = getters.get(key);
  if (!get) {
    get = function (this: WithParts) {
      return this[PARTS]![key]!.file();
    };
    getters.set(key, get);
  }
  return get;
}

/**
 * Makes `body[key]` read as `part`'s File, built when first read; {@link uploadedPart} finds the part.
 *
 * The part is a plain (non-enumerable) property of the body, read by a getter shared by every body, because V8 keeps
 * an object's accessor pair in the old generation: a getter made per request (a closure holding the part), or a
 * WeakMap keyed by the body, held the upload's buffers until the next full collection however soon the request was
 * done, so a 1 MB upload per job brought a full collection ("external memory pressure") every few dozen jobs. Reached
 * only from the body, the buffers go with it in the next young-generation collection.
 */
export function lazyFileField(body: Record<string, unknown>, key: string, part: UploadedPart): void {
  const owner = body as WithParts;
  let parts = Object.hasOwn(owner, PARTS) ? owner[PARTS] : undefined;
  if (!parts) {
    // No prototype: a field may be named anything the spec names, `__proto__` included.
    parts = Object.create(null) as Record<string, UploadedPart>;
    Object.defineProperty(owner, PARTS, { value: parts });
  }
  parts[key] = part;
  Object.defineProperty(body, key, { enumerable: true, configurable: true, get: partGetter(key) });
}

/**
 * The in-memory part behind a validated body's file field (its value is made a File only when read), or undefined
 * for a field that is not one (a spooled file, a JSON body, another object). A hop that needs only a file's first
 * bytes (an image header) can take them with `head` and leave the File unbuilt.
 * @example const part = uploadedPart(body, "image"); if (part) imageSize(part.head(65536));
 */
export function uploadedPart(body: object, key: string): UploadedPart | undefined {
  const get = Object.getOwnPropertyDescriptor(body, key)?.get;
  if (get === undefined || get !== getters.get(key)) return undefined;
  return (body as WithParts)[PARTS]?.[key];
}

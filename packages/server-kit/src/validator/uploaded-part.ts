/**
 * @module A multipart file part held in memory (`UploadedPart`), and the record of which validated body field reads
 * from which part, so that a hop needing only a file's first bytes can take them without building the File.
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

/** The in-memory parts behind validated bodies' file fields, by body and field (see {@link uploadedPart}). */
const PARTS = new WeakMap<object, Map<string, UploadedPart>>();

/** Records that `body[key]` is read from `part` (the validator calls it where it makes the field lazy). */
export function keepUploadedPart(body: object, key: string, part: UploadedPart): void {
  const parts = PARTS.get(body) ?? new Map<string, UploadedPart>();
  PARTS.set(body, parts);
  parts.set(key, part);
}

/**
 * The in-memory part behind a validated body's file field (its value is made a File only when read), or undefined
 * for a field that is not one (a spooled file, a JSON body, another object). A hop that needs only a file's first
 * bytes (an image header) can take them with `head` and leave the File unbuilt.
 * @example const part = uploadedPart(body, "image"); if (part) imageSize(part.head(65536));
 */
export function uploadedPart(body: object, key: string): UploadedPart | undefined {
  return PARTS.get(body)?.get(key);
}

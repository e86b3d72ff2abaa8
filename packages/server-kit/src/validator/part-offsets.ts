/**
 * @module Where a file part's bytes begin in a multipart body streamed through busboy, so that a reader that keeps
 * the body's own bytes in a file (raw-multipart.ts) can take a large file part as a slice of that file instead of
 * writing its bytes to disk a second time. busboy hands a part's bytes on as views of the very chunk it is parsing
 * when it can (`isDataSafe` in its multipart.js) and as copies when they come from its look-behind buffer (the end
 * of the previous chunk, held while it could be the start of a boundary). A view of the chunk being parsed places
 * the part's first byte in the body exactly; a copy places nothing, and the part is then spooled as before.
 */
import type { Readable, Writable } from "node:stream";

/** The body offset of a part's first byte: `located` once its first bytes came, `at` undefined if not placed. */
export interface PartStart {
  located: boolean;
  at: number | undefined;
}

/**
 * Counts the body bytes `parser` is given and remembers the chunk it is parsing.
 * @example const offsets = new PartOffsets(parser); parser.on("file", (_, stream) => { const start = offsets.watch(stream) })
 */
export class PartOffsets {
  #piece: Buffer | undefined;
  #pieceAt = 0;
  #given = 0;

  /** From now on: the bytes written before (busboy's own leading CRLF) are no body bytes. */
  constructor(parser: Writable) {
    const write = parser._write.bind(parser);
    parser._write = (chunk: Buffer, encoding, done) => {
      this.#piece = chunk;
      this.#pieceAt = this.#given;
      this.#given += chunk.length;
      write(chunk, encoding, done);
    };
  }

  /**
   * Where the first byte of `stream` (a file part's stream, watched in its `file` event, before busboy pushes any
   * of its bytes) lies in the body; filled in as busboy pushes it, i.e. before it can be read from the stream.
   */
  watch(stream: Readable): PartStart {
    const start: PartStart = { located: false, at: undefined };
    const push = stream.push;
    stream.push = (chunk: unknown, encoding?: BufferEncoding) => {
      if (Buffer.isBuffer(chunk) && chunk.length > 0 && !start.located) {
        start.located = true;
        start.at = this.#offsetOf(chunk);
        stream.push = push;
      }
      return push.call(stream, chunk, encoding);
    };
    return start;
  }

  #offsetOf(chunk: Buffer): number | undefined {
    const piece = this.#piece;
    if (!piece || chunk.buffer !== piece.buffer) return undefined;
    const within = chunk.byteOffset - piece.byteOffset;
    return within >= 0 && within + chunk.length <= piece.length ? this.#pieceAt + within : undefined;
  }
}

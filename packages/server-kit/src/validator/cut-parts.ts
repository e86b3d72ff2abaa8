/**
 * @module A multipart body held in memory, parsed by busboy without streaming its large parts through it: the parser
 * sees the body with their content cut out (found with native `Buffer#indexOf`), and they are put back into the parsed
 * entries from the body itself, with no JS scan or copy of their bytes.
 */
import { randomBytes } from "node:crypto";
import type busboy from "busboy";
import type { Chunked } from "./chunked-body.js";
import { multipartSpans } from "./simple-multipart.js";
import { UploadedPart } from "./uploaded-part.js";

/**
 * Parses a body held in memory; settles when the parser is done with every part.
 * @example await parseWhole(parser, chunks)
 */
export function parseWhole(parser: busboy.Busboy, bytes: Buffer | Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    parser.on("error", reject);
    parser.on("finish", resolve);
    if (Buffer.isBuffer(bytes)) parser.end(bytes);
    else {
      for (const chunk of bytes) parser.write(chunk);
      parser.end();
    }
  });
}

/** Parts whose content is at least this long are cut out before parsing. */
const CUT_FROM = 4096;
/** Unguessable per process, so no caller can send a part that looks like a cut one. */
const CUT_NONCE = randomBytes(12).toString("hex");
let cuts = 0;

/**
 * The body with the content of its large parts replaced by short markers, for the parser (which finds delimiters
 * exactly as `indexOf` does: leftmost first, from the end of the previous one, the body's start counting as if
 * after a CRLF); `restore` puts the cut parts back into the parsed entries, and says false when a marker landed in
 * a text field (then the body is parsed whole). Undefined for a body without a closing delimiter, an unexpected
 * byte after a delimiter, or nothing to cut.
 * @example const cut = cutLargeParts(whole, boundary); if (cut) await parseWhole(parser, cut.skeleton).then(() => cut.restore(entries));
 */
export function cutLargeParts(
  whole: Chunked,
  boundary: string,
): { skeleton: Buffer; restore(entries: Array<[string, unknown]>): boolean } | undefined {
  const spans = multipartSpans(whole, boundary);
  if (!spans) return undefined;
  const pieces: Buffer[] = [];
  const markers = new Map<string, Buffer[]>();
  let from = 0;
  for (const { headersEnd, next } of spans) {
    const content = headersEnd + 4;
    if (next - content >= CUT_FROM) {
      const marker = `avs-cut:${CUT_NONCE}:${cuts++}`;
      markers.set(marker, whole.slice(content, next));
      pieces.push(...whole.slice(from, content), Buffer.from(marker));
      from = next;
    }
  }
  if (markers.size === 0) return undefined;
  pieces.push(...whole.slice(from, whole.length));
  return {
    skeleton: Buffer.concat(pieces),
    restore(entries) {
      for (const [, value] of entries) {
        if (typeof value === "string") {
          if (markers.has(value)) return false;
        } else if (value instanceof UploadedPart) {
          const bytes = markers.get(Buffer.concat(value.chunks).toString("latin1"));
          if (bytes) value.chunks.splice(0, value.chunks.length, ...bytes);
        }
      }
      return true;
    },
  };
}

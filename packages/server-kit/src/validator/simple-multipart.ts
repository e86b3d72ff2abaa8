/**
 * @module The common multipart body — what browsers, curl and `fetch` with a FormData send — read from memory with
 * native `Buffer#indexOf` and a few anchored regular expressions, without a streaming parser. Building busboy's
 * parser and streaming a small body through it cost more than the rest of a small job's validation (measured in the
 * orchestrator's bench). Only bodies whose every part is written the plain way are read here, and they read exactly
 * as busboy reads them (same delimiter search, names, filenames, media types and UTF-8 text); anything else —
 * another header, a parameter, an escape, a charset, a preamble quirk, a missing end — is left to busboy, whose
 * results and error messages stay the ones callers get.
 */
import type { Chunked } from "./chunked-body.js";

/** A part read by {@link readSimpleMultipart}. */
export type SimplePart =
  | { name: string; value: string }
  | { name: string; filename: string | undefined; type: string; bytes: Buffer[] };

/** `multipart/form-data; boundary=<token>`, as clients write it (a quoted boundary goes to busboy). */
const CONTENT_TYPE = /^multipart\/form-data; ?boundary=([A-Za-z0-9'+_.-]{1,70})$/;
/** A header line with one space after the colon and nothing unusual in its value. */
const HEADER = /^([A-Za-z-]+): ([\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)$/;
/** A plain Content-Disposition: a name, maybe a filename, both quoted without escapes or path separators. */
const DISPOSITION = /^form-data; name="([^"\\]+)"(?:; filename="([^"\\/]*)")?$/;
/** A media type without parameters, lower case (busboy's `type/subtype`). */
const MEDIA_TYPE = /^[a-z0-9!#$%&'*+.^_`|~-]+\/[a-z0-9!#$%&'*+.^_`|~-]+$/;
/** Longest header block read here (busboy allows 16 KiB; a plain part's take a hundred bytes or so). */
export const MAX_HEADERS = 1024;
/** The blank line that ends a part's headers. */
export const HEADERS_END = Buffer.from("\r\n\r\n");

/**
 * The parts of a body held in memory, in order, when its Content-Type and every part are of the plain kind;
 * undefined otherwise (the body is then for busboy). File parts are views into the body, not copies.
 * @example readSimpleMultipart(new Chunked(chunks), "multipart/form-data; boundary=x")?.[0] // { name: "prompt", value: "" }
 */
export function readSimpleMultipart(whole: Chunked, contentType: string): SimplePart[] | undefined {
  const boundary = plainBoundary(contentType);
  const spans = boundary === undefined ? undefined : multipartSpans(whole, boundary);
  if (!spans) return undefined;
  const parts: SimplePart[] = [];
  for (const { headers, headersEnd, next } of spans) {
    if (headersEnd === headers - 2 || headersEnd - headers + 2 > MAX_HEADERS) return undefined;
    const part = plainPartHeaders(whole.bytes(headers, headersEnd).toString("latin1"));
    if (!part) return undefined;
    const bytes = whole.slice(headersEnd + 4, next);
    if (!isFilePart(part)) {
      parts.push({
        name: part.name,
        value: bytes.length === 1 ? bytes[0]!.toString("utf8") : Buffer.concat(bytes).toString("utf8"),
      });
    } else {
      parts.push({ name: part.name, filename: part.filename, type: part.type, bytes });
    }
  }
  return parts;
}

/** Where one part of a multipart body is (offsets in the body): see {@link multipartSpans}. */
export interface PartSpan {
  /** Its header block's first byte (after the delimiter's CRLF). */
  headers: number;
  /** The blank line (CRLF CRLF) that ends its headers; its content starts 4 bytes later. */
  headersEnd: number;
  /** The next delimiter (CRLF `--boundary`), where its content ends. */
  next: number;
}

/**
 * The parts of a multipart body as busboy delimits them — leftmost delimiter first, from the end of the previous one,
 * the body's start counting as if after a CRLF — up to the closing delimiter; undefined for a body without one, an
 * unexpected byte after a delimiter, or a part without the blank line that ends its headers.
 * @example multipartSpans(new Chunked([body]), "x")?.length // the number of parts
 */
export function multipartSpans(whole: Chunked, boundary: string): PartSpan[] | undefined {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const opening = delimiter.subarray(2);
  let at = whole.bytes(0, opening.length).equals(opening) ? -2 : whole.indexOf(delimiter, 0);
  const spans: PartSpan[] = [];
  for (;;) {
    if (at === -1) return undefined;
    const after = at + delimiter.length;
    if (whole.byteAt(after) === 0x2d && whole.byteAt(after + 1) === 0x2d) return spans; // the closing delimiter
    if (whole.byteAt(after) !== 0x0d || whole.byteAt(after + 1) !== 0x0a) return undefined;
    const next = whole.indexOf(delimiter, after);
    if (next === -1) return undefined;
    const headersEnd = whole.indexOf(HEADERS_END, after);
    if (headersEnd === -1 || headersEnd + 4 > next) return undefined;
    spans.push({ headers: after + 2, headersEnd, next });
    at = next;
  }
}

/**
 * The boundary of a Content-Type of the plain kind (`multipart/form-data; boundary=<token>`, which busboy accepts
 * as it is); undefined for any other.
 * @example plainBoundary("multipart/form-data; boundary=----formdata-undici-0123") // "----formdata-undici-0123"
 */
export function plainBoundary(contentType: string): string | undefined {
  return CONTENT_TYPE.exec(contentType)?.[1];
}

/** What a part's headers say: its field name, filename and media type. */
export interface PartHeaders {
  name: string;
  filename: string | undefined;
  type: string;
}

/**
 * True when busboy gives the part as a file: it has a filename, or its media type is `application/octet-stream`
 * (busboy's default `isPartAFile`).
 * @example isFilePart({ name: "image", filename: undefined, type: "application/octet-stream" }) // true
 */
export function isFilePart(part: PartHeaders): boolean {
  return part.filename !== undefined || part.type === "application/octet-stream";
}

/**
 * The name, filename and media type of a plain part's header block (its lines without the blank line that ends
 * them), as busboy reads them; undefined for any other block (then only busboy can say what the part is).
 * @example plainPartHeaders('Content-Disposition: form-data; name="image"; filename="a.png"') // { name: "image", filename: "a.png", type: "text/plain" }
 */
export function plainPartHeaders(block: string): PartHeaders | undefined {
  let disposition: RegExpExecArray | undefined;
  let type: string | undefined;
  for (const line of block.split("\r\n")) {
    const header = HEADER.exec(line);
    if (!header) return undefined;
    const name = header[1]!.toLowerCase();
    const value = header[2]!;
    if (name === "content-disposition" && !disposition) {
      disposition = DISPOSITION.exec(value) ?? undefined;
      if (!disposition) return undefined;
    } else if (name === "content-type" && type === undefined && MEDIA_TYPE.test(value)) {
      type = value;
    } else return undefined;
  }
  if (!disposition) return undefined;
  // busboy takes an empty filename for none; it keeps the last path segment of a filename, and none for `.` or `..`.
  const filename = disposition[2] || undefined;
  if (filename === "." || filename === "..") return undefined;
  return { name: disposition[1]!, filename, type: type ?? "text/plain" };
}

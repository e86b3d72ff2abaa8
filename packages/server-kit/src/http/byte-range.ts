/**
 * @module Single byte-range requests (RFC 9110 §14): the one `Range` parser of every server that serves stored
 * bytes, what a range asks of an object of a given size, and the answer — 200 with all of it, 206 with a part, 416
 * for a range past its end. Browsers seek in videos with ranges, and Safari plays an mp4 only from a server that
 * answers them with 206.
 *
 * Only single ranges are served: a header with several ranges, another unit or bad syntax is ignored and the whole
 * object is answered, which RFC 9110 allows ("a server MAY ignore the Range header field"); so is a range on an
 * empty object, where no `Content-Range` could name its bytes. `If-Range` is not read: the objects these servers
 * keep never change under their name, and their answers carry no validator a client could send back.
 */
import { HttpError } from "./errors.js";

/** The one range of a `Range: bytes=…` header, as asked: `bytes=first-last`, `bytes=first-` or `bytes=-suffix`. */
export type ByteRange = { first: number; last?: number } | { suffix: number };

/** Bytes `start` to `end` (both included) of an object. */
export interface ByteSpan {
  start: number;
  end: number;
}

/**
 * What a range asks of an object: a span of it, `unsatisfiable` (it starts past the end), or undefined when the
 * whole object is the answer.
 */
export type RangePart = ByteSpan | "unsatisfiable" | undefined;

const SPEC = /^(\d*)-(\d*)$/;

/**
 * The single range of a `Range` header; undefined when there is none, or when it is to be ignored (several ranges,
 * a unit other than `bytes`, bad syntax, or a last position before the first).
 * @example parseByteRange("bytes=0-99") // { first: 0, last: 99 }
 * @example parseByteRange("bytes=-500") // { suffix: 500 }
 * @example parseByteRange("bytes=0-1,5-9") // undefined: several ranges are answered whole
 */
export function parseByteRange(header: string | undefined): ByteRange | undefined {
  if (!header) return undefined;
  const eq = header.indexOf("=");
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== "bytes") return undefined;
  // A list may hold empty elements (RFC 9110 §5.6.1): `bytes=0-99,` is one range.
  const specs = header
    .slice(eq + 1)
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (specs.length !== 1) return undefined;
  const m = SPEC.exec(specs[0]!);
  if (!m) return undefined;
  const [, first, last] = m;
  if (first === "") return last === "" ? undefined : { suffix: Number(last) };
  if (last === "") return { first: Number(first) };
  if (Number(last) < Number(first)) return undefined;
  return { first: Number(first), last: Number(last) };
}

/**
 * The part of an object of `size` bytes a range asks for (RFC 9110 §14.1.1): a last position past the end means
 * the end, a suffix longer than the object means all of it; a first position at or past the end, or a suffix of
 * 0 bytes, is unsatisfiable. Undefined (answer it whole) for no range, and for a suffix of an empty object.
 * @example rangePart({ suffix: 100 }, 1000) // { start: 900, end: 999 }
 * @example rangePart({ first: 1000 }, 1000) // "unsatisfiable"
 */
export function rangePart(range: ByteRange | undefined, size: number): RangePart {
  if (!range) return undefined;
  if ("suffix" in range) {
    if (range.suffix === 0) return "unsatisfiable";
    if (size === 0) return undefined;
    return { start: Math.max(0, size - range.suffix), end: size - 1 };
  }
  if (range.first >= size) return "unsatisfiable";
  return { start: range.first, end: Math.min(range.last ?? size - 1, size - 1) };
}

/** An object to answer: its bytes (all of them, or the part `part` names; none for HEAD), type and whole size. */
export interface RangedBody {
  /** Undefined for `HEAD`, and for an unsatisfiable range. */
  body?: ReadableStream<Uint8Array> | Uint8Array;
  contentType: string;
  /** Bytes of the whole object. */
  size: number;
  /** The part `body` holds (206), or `unsatisfiable` (416); undefined: `body` is the whole object (200). */
  part?: RangePart;
}

/**
 * The `Cache-Control` of a stored output kept `retentionMs`: private (its URL is the caller's), immutable (a name is
 * never reused), and cached no longer than it is kept, at most an hour: a fixed hour let a cache keep serving an
 * output the server had long removed (`output-retention 5` s).
 * @example outputCacheControl(5000) // "private, max-age=5, immutable"
 */
export function outputCacheControl(retentionMs: number): string {
  return `private, max-age=${Math.max(0, Math.min(3600, Math.floor(retentionMs / 1000)))}, immutable`;
}

/**
 * The answer for an object read for a request: 200 with all of it, or 206 with `Content-Range: bytes a-b/size` and
 * the part's `Content-Length`; both with `Accept-Ranges: bytes`, `X-Content-Type-Options: nosniff` (a browser takes
 * the object as its type says, never as a page it guesses from the bytes) and the given `headers`. An unsatisfiable part throws
 * a 416 `HttpError` with `Content-Range: bytes *\/size` (the error handler writes the usual `{"detail":{"msg"}}`
 * body), after cancelling any body it was given.
 * @example return rangedAnswer(await store.get(name, parseByteRange(c.req.header("range"))), { "cache-control": "private" });
 */
export function rangedAnswer(out: RangedBody, headers: Record<string, string> = {}): Response {
  const { part, size } = out;
  if (part === "unsatisfiable") {
    if (out.body instanceof ReadableStream) void out.body.cancel().catch(() => {});
    throw new HttpError(416, `the range asked for starts past the end of this ${size}-byte output`, {
      headers: { "accept-ranges": "bytes", "content-range": `bytes */${size}` },
    });
  }
  const h: Record<string, string> = {
    "content-type": out.contentType,
    "accept-ranges": "bytes",
    "x-content-type-options": "nosniff",
    ...headers,
  };
  if (part) {
    h["content-range"] = `bytes ${part.start}-${part.end}/${size}`;
    h["content-length"] = String(part.end - part.start + 1);
  } else h["content-length"] = String(size);
  return new Response((out.body ?? null) as BodyInit | null, { status: part ? 206 : 200, headers: h });
}

/** @module Where job results live until their retention time ends: the interface and output naming. */
import type { Readable } from "node:stream";
import { type ByteRange, outputName as newOutputName, type RangePart } from "@ai-video-subnet/server-kit";

/** What a stored output is, without its bytes (a `HEAD` request). */
export interface OutputInfo {
  contentType: string;
  /** Bytes of the whole output. */
  size: number;
}

/** A stored output, ready to stream to a client: all of it, or the part a range asked for. */
export interface StoredOutput extends OutputInfo {
  /** The whole output, or the bytes `part` names; empty for an unsatisfiable range. */
  body: ReadableStream<Uint8Array>;
  /** With a range: the bytes `body` holds, or `unsatisfiable`; undefined when `body` is the whole output. */
  part?: RangePart;
}

/** An output's bytes as they reach a store. */
export type OutputBody = Readable | ReadableStream<Uint8Array> | Uint8Array;

/** A place to keep outputs by name. */
export interface OutputStore {
  /**
   * Stores a stream, or bytes already in memory (an output decoded from the orchestrator's answer), under `name`
   * (from {@link outputName}); `size` is known when the source said it. Resolves with the name to serve it by:
   * `name`, or `name` with more after its secret part (the local store's packed outputs say where they are).
   * `keepMs`: keep it at least this long, when longer than the store's retention (an asynchronous job's own; a store
   * that records no expiry per output, local or S3, goes by its retention alone).
   */
  put(name: string, body: OutputBody, contentType: string, size?: number, keepMs?: number): Promise<string>;
  /**
   * The output, or undefined when there is none (never stored, or expired). With `range` (a `Range` request), only
   * the bytes it asks for are read, and `part` says which they are.
   */
  get(name: string, range?: ByteRange): Promise<StoredOutput | undefined>;
  /** The output's type and size without reading its bytes, or undefined when there is none. */
  stat(name: string): Promise<OutputInfo | undefined>;
  /** Removes one output (a failed attempt's partial results). */
  delete(name: string): Promise<void>;
  /** Removes outputs older than the retention time; returns how many. */
  cleanup(now: number): Promise<number>;
  /** Releases connections, when the store holds any. */
  close?(): Promise<void>;
}

/** The two media types a job produces, by file extension (see {@link acceptedExtension}). */
export const MEDIA_TYPES = { png: "image/png", mp4: "video/mp4" } as const;
/** An output file extension. */
export type MediaExtension = keyof typeof MEDIA_TYPES;

/**
 * The media type of an output, by its name's extension (names are checked against {@link OUTPUT_NAME} first).
 * @example mediaTypeOf("q3J0…Zx.mp4") // "video/mp4"
 */
export function mediaTypeOf(name: string): string {
  return MEDIA_TYPES[name.slice(name.lastIndexOf(".") + 1) as MediaExtension];
}

/**
 * A new unguessable output name: 192 random bits, base64url, and the media extension (server-kit's, which the
 * orchestrator's store uses too).
 * @example outputName("png") // "q3J0…Zx.png"
 */
export const outputName: (ext: MediaExtension) => string = newOutputName;

/** A body of no bytes (an unsatisfiable range, an empty output). */
export function emptyBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (c) => c.close() });
}

/** Names this store accepts (the gateway spec's pattern); anything else is not looked up at all. */
export const OUTPUT_NAME = /^[A-Za-z0-9_-]{16,128}\.(png|mp4)$/;

/** The media types an output may have, with their extensions: what the pipelines produce, and all this store serves. */
const ACCEPTED = new Map<string, MediaExtension>([
  ["image/png", "png"],
  ["video/mp4", "mp4"],
]);

/** How many bytes {@link hasSignature} reads. */
export const SIGNATURE_BYTES = 8;

/**
 * Whether `head` (an output's first bytes, at least {@link SIGNATURE_BYTES}) begins as its type's files do: the PNG
 * signature (ISO/IEC 15948 §5.2), or an ISO base media file's `ftyp` box, which comes first (ISO/IEC 14496-12 §4.3;
 * the orchestrators' `+faststart` mp4s and Livepeer's start so).
 * @example hasSignature("png", Buffer.from("89504e470d0a1a0a", "hex")) // true
 * @example hasSignature("mp4", Buffer.from("<html><body>")) // false
 */
export function hasSignature(ext: MediaExtension, head: Uint8Array): boolean {
  if (head.length < SIGNATURE_BYTES) return false;
  const expected = ext === "png" ? PNG_SIGNATURE : FTYP;
  const at = ext === "png" ? 0 : 4;
  for (let i = 0; i < expected.length; i++) if (head[at + i] !== expected[i]) return false;
  return true;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const FTYP = [0x66, 0x74, 0x79, 0x70];

/** Types that say nothing of the bytes: an object store's default when it was not told one. */
const UNTYPED = new Set(["", "application/octet-stream", "binary/octet-stream"]);

/** A `.png` or `.mp4` path extension, before any query or fragment. */
const URL_EXTENSION = /\.(png|mp4)(?:[?#]|$)/i;

/**
 * The extension of an output of `contentType`, or undefined when that is not a media type the pipelines produce
 * (`text/html`, `application/json`, `image/gif`…: the answer is refused). Case and parameters are ignored. With no
 * type, or an untyped one (`application/octet-stream`, as object stores serve what they were not told the type of),
 * the URL's `.png` or `.mp4` extension decides.
 * @example acceptedExtension("video/mp4", "http://o/outputs/x.mp4") // "mp4"
 * @example acceptedExtension("text/html; charset=utf-8", "http://o/x.png") // undefined
 */
export function acceptedExtension(contentType: string | undefined, url: string): MediaExtension | undefined {
  const exact = contentType === undefined ? undefined : ACCEPTED.get(contentType);
  if (exact) return exact;
  const type = (contentType ?? "").split(";", 1)[0]!.trim().toLowerCase();
  const known = ACCEPTED.get(type);
  if (known || !UNTYPED.has(type)) return known;
  return URL_EXTENSION.exec(url)?.[1]?.toLowerCase() as MediaExtension | undefined;
}

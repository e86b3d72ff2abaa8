/**
 * @module Files the SDK can upload, and {@link toFile}, the one function that turns any of them into a `File`.
 */
import { readPath } from "./internal/read-path.js";

/**
 * Anything the SDK uploads as an image: a `Blob` or `File`, bytes (`Uint8Array`, Node's `Buffer`, `ArrayBuffer`),
 * a `ReadableStream` of bytes or an async iterable of them (e.g. Node's `fs.createReadStream`), or — in Node, Deno and
 * Bun — a file path. Streams are read once into memory, so a retry can send them again.
 */
export type Uploadable =
  | Blob
  | Uint8Array
  | ArrayBuffer
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | string;

/**
 * Turns an {@link Uploadable} into a `File`. A path is opened lazily (`fs.openAsBlob` where available), so the file is
 * streamed from disk when the request is sent. The name is the `File`'s or the path's own, else `name`.
 *
 * @example
 * const image = await toFile(await fs.readFile("cat.png"), "cat.png");
 * const same = await toFile("cat.png"); // Node, Deno, Bun
 */
export async function toFile(value: Uploadable, name = "image"): Promise<File> {
  if (typeof value === "string") return readPath(value);
  if (value instanceof File) return value;
  if (value instanceof Blob) return new File([value], name, { type: value.type });
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return new File([value as BlobPart], name);
  if (isReadableStream(value)) return new File([await new Response(value).blob()], name);
  if (isAsyncIterable(value)) {
    const parts: BlobPart[] = [];
    for await (const chunk of value) parts.push(typeof chunk === "string" ? chunk : (chunk as BlobPart));
    return new File(parts, name);
  }
  throw new TypeError(
    `cannot upload a ${describe(value)}: pass a Blob, File, Uint8Array, ArrayBuffer, ReadableStream, async iterable of bytes, or a file path`,
  );
}

/**
 * Whether `value` is something {@link toFile} accepts (used to tell files from plain option values).
 *
 * @example
 * isUploadable(new Blob([])); // true
 */
export function isUploadable(value: unknown): value is Uploadable {
  return (
    value instanceof Blob ||
    value instanceof Uint8Array ||
    value instanceof ArrayBuffer ||
    isReadableStream(value) ||
    isAsyncIterable(value)
  );
}

function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof ReadableStream !== "undefined" && value instanceof ReadableStream;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}

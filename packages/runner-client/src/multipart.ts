/**
 * @module multipart/form-data encoding of a job (RFC 7578), shared by every hop that forwards one over `node:http`
 * (orchestrator → runner here, broadcaster → orchestrator). Small jobs (every file part in memory) become one
 * Buffer sent with a Content-Length; a job with a large (for instance file-backed) part is streamed, reading it as
 * it is sent. Numbers and booleans go as their text, objects as JSON, `undefined`/`null` fields are left out.
 */
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";

/** Parts larger than this are streamed rather than copied into one buffer. */
const INLINE_LIMIT = 1024 * 1024;

const quote = (s: string) => s.replace(/[\r\n"]/g, (ch) => encodeURIComponent(ch));

/**
 * Encodes fields (Blobs as file parts, everything else as text) as multipart/form-data.
 * @example const { body, contentType } = await encodeMultipart({ prompt: "", image: blob });
 */
export async function encodeMultipart(
  fields: Record<string, unknown>,
): Promise<{ body: Buffer | Readable; contentType: string }> {
  const boundary = `----avs${randomBytes(16).toString("hex")}`;
  const parts: Array<Buffer | Blob> = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (value instanceof Blob) {
      const filename = (value as File).name || "upload";
      const type = value.type || "application/octet-stream";
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"; filename="${quote(filename)}"\r\n` +
            `Content-Type: ${type}\r\n\r\n`,
        ),
        value,
        Buffer.from("\r\n"),
      );
    } else {
      const text = typeof value === "object" ? JSON.stringify(value) : String(value);
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${text}\r\n`),
      );
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const contentType = `multipart/form-data; boundary=${boundary}`;
  const isBlob = (p: Buffer | Blob): p is Blob => !Buffer.isBuffer(p);
  if (parts.every((p) => !isBlob(p) || p.size <= INLINE_LIMIT)) {
    const buffers = await Promise.all(parts.map(async (p) => (isBlob(p) ? Buffer.from(await p.arrayBuffer()) : p)));
    return { body: Buffer.concat(buffers), contentType };
  }
  async function* stream() {
    for (const p of parts) {
      if (isBlob(p)) yield* p.stream() as unknown as AsyncIterable<Uint8Array>;
      else yield p;
    }
  }
  return { body: Readable.from(stream()), contentType };
}

/**
 * @module Uploads sent byte by byte as a test says, over a raw socket: an upload that stops mid-way with the
 * connection left open, or one dribbled in pieces, which `fetch` cannot send.
 */
import net from "node:net";

/** The boundary of {@link multipartBytes}. */
export const RAW_BOUNDARY = "raw-upload-boundary";

/**
 * A `multipart/form-data` body (boundary {@link RAW_BOUNDARY}) of text `fields` and an `image` file part.
 * @example const body = multipartBytes({ model_id: "m", prompt: "" }, png(8, 8));
 */
export function multipartBytes(fields: Record<string, string>, image: Uint8Array): Buffer {
  const part = (disposition: string, type = "") =>
    Buffer.from(`--${RAW_BOUNDARY}\r\nContent-Disposition: form-data; ${disposition}\r\n${type}\r\n`);
  return Buffer.concat([
    ...Object.entries(fields).flatMap(([name, value]) => [part(`name="${name}"`), Buffer.from(`${value}\r\n`)]),
    part('name="image"; filename="in.png"', "Content-Type: image/png\r\n"),
    image,
    Buffer.from(`\r\n--${RAW_BOUNDARY}--\r\n`),
  ]);
}

/** What the server sent on a {@link rawUpload} before it closed the connection. */
export interface RawUploadAnswer {
  /** The status of the answer (0 when there was none). */
  status: number;
  /** Its body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
  /** All the server sent, as latin1 text. */
  text: string;
  /** Milliseconds from the connection to its close. */
  ms: number;
}

/**
 * POSTs `body` (a {@link multipartBytes} form) to `path` with its whole length declared and `Connection: close`, but
 * sends only `pieces`, `gapMs` apart, then nothing, leaving the socket open. Resolves with what the server sent once
 * it closes the connection.
 * @example const { status, ms } = await rawUpload(port, "/upscale", body, [body.subarray(0, 1 << 20)]); // stalled
 */
export function rawUpload(
  port: number,
  path: string,
  body: Buffer,
  pieces: Buffer[],
  gapMs = 0,
): Promise<RawUploadAnswer> {
  const started = performance.now();
  const socket = net.connect(port, "127.0.0.1");
  let text = "";
  socket.on("data", (d: Buffer) => {
    text += d.toString("latin1");
  });
  socket.on("error", () => {});
  const closed = new Promise<RawUploadAnswer>((resolve) =>
    socket.once("close", () => {
      const split = text.indexOf("\r\n\r\n");
      let json: unknown;
      try {
        json = JSON.parse(text.slice(split + 4));
      } catch {}
      resolve({
        status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0),
        json,
        text,
        ms: performance.now() - started,
      });
    }),
  );
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${RAW_BOUNDARY}\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
  );
  void (async () => {
    for (const piece of pieces) {
      if (socket.destroyed) return;
      socket.write(piece);
      await new Promise((r) => setTimeout(r, gapMs));
    }
  })();
  return closed;
}

/**
 * `body` cut into `n` pieces of about the same size.
 * @example inPieces(Buffer.from("abcdef"), 3) // [ab, cd, ef]
 */
export function inPieces(body: Buffer, n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) =>
    body.subarray(Math.floor((i * body.length) / n), Math.floor(((i + 1) * body.length) / n)),
  );
}

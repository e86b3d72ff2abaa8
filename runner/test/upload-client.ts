/**
 * @module A multipart upload sent by hand over node:http, for tests that need to see the runner while a body is still
 * arriving: the body is written in pieces the test releases, or cut off (a client that hangs up mid-upload).
 */
import { request } from "node:http";

/** The answer to a hand-sent upload: its status, headers and body text. */
export interface UploadAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A multipart body of text fields and one file part, and its Content-Type. */
export function multipartBody(
  file: { field: string; name: string; bytes: Uint8Array },
  fields: Record<string, string> = {},
): { contentType: string; body: Buffer } {
  const boundary = "avs-test-boundary-7f3a";
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\n` +
        "Content-Type: application/octet-stream\r\n\r\n",
    ),
    Buffer.from(file.bytes),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
}

/**
 * An upload in progress: `headers` sends the request's headers alone, `send` writes more of the body, `end` the rest,
 * `hangUp` destroys the socket.
 */
export interface Upload {
  headers(): void;
  send(bytes: Uint8Array): Promise<void>;
  end(bytes?: Uint8Array): void;
  hangUp(): void;
  /** Settles with the answer, or rejects when the connection fails before one. */
  answer: Promise<UploadAnswer>;
}

/**
 * Starts a POST of `length` bytes (Content-Length; `undefined`: chunked) to `url` and returns the upload to feed.
 * @example const up = startUpload(url, body.length, { "content-type": type }); await up.send(body); up.end();
 */
export function startUpload(url: string, length: number | undefined, headers: Record<string, string>): Upload {
  const req = request(url, {
    method: "POST",
    headers: { ...headers, ...(length === undefined ? {} : { "content-length": String(length) }) },
  });
  const answer = new Promise<UploadAnswer>((resolve, reject) => {
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }),
      );
    });
  });
  // A refusal may come before the body is sent; the caller reads it from `answer`.
  answer.catch(() => {});
  return {
    headers: () => req.flushHeaders(),
    send: (bytes) =>
      new Promise<void>((resolve) => {
        if (req.write(bytes)) resolve();
        else req.once("drain", resolve);
      }),
    end: (bytes) => req.end(bytes),
    hangUp: () => req.destroy(),
    answer,
  };
}

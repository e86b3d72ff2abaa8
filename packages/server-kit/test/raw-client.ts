/**
 * @module A test client that writes an HTTP request byte by byte as the test says — a body that never ends, a
 * declared length it never reaches — and reads the answer while it writes, as a server that answers before the end of
 * a body needs: `fetch` and `http.request` may lose such an answer to the write that fails once the server closes.
 */
import net from "node:net";

/** An answer read off the socket. */
export interface RawAnswer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
  /** Settles when the connection is closed (by the server, unless {@link destroy} was called). */
  closed: Promise<void>;
  /** Closes the connection from this side. */
  destroy(): void;
}

/**
 * Sends `head` (the request line and headers, without the blank line) and `body`, and resolves with the first whole
 * answer (it must have a Content-Length). The socket stays open after `body` (a client that half-closes may get no
 * answer from Node): when `body` is less than the request says, the server has not had it in full, and never will.
 * @example const answer = await rawRequest(port, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000", [prefix]);
 */
export function rawRequest(port: number, head: string, body: Buffer[]): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let received = Buffer.alloc(0);
    let answered = false;
    const closed = new Promise<void>((r) => socket.once("close", () => r()));
    socket.on("error", () => {});
    socket.on("data", (data) => {
      received = Buffer.concat([received, data]);
      const text = received.toString("latin1");
      const split = text.indexOf("\r\n\r\n");
      if (answered || split === -1) return;
      const [statusLine, ...lines] = text.slice(0, split).split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers["content-length"] ?? 0);
      if (received.length < split + 4 + length) return;
      answered = true;
      const status = Number(statusLine!.split(" ")[1]);
      const answer = received.subarray(split + 4, split + 4 + length).toString();
      resolve({ status, headers, body: answer, closed, destroy: () => socket.destroy() });
    });
    socket.once("close", () => {
      if (!answered) reject(new Error(`the connection closed without an answer: ${received.toString("latin1")}`));
    });
    socket.write(`${head}\r\n\r\n`);
    for (const chunk of body) socket.write(chunk);
  });
}

/**
 * `bytes` as one HTTP/1.1 chunk (`Transfer-Encoding: chunked`).
 * @example httpChunk(Buffer.from("abc")) // "3\r\nabc\r\n"
 */
export function httpChunk(bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n")]);
}

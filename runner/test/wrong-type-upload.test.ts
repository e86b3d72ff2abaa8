/**
 * @module A large upload of the wrong type against a real runner server: 60 MB of bytes that are no image, sent as
 * `/upscale`'s `image`, get the runner's usual answer to them (a 400 with `X-AVS-Status: 415` on this Livepeer route,
 * "image must be a PNG, JPEG or WebP file; its bytes start with …") as soon as their first bytes are in — with a
 * declared length or chunked — before the client could send the rest, without the runner's memory growing by the
 * payload; the connection is closed after the answer, and the next request is served.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { privateTmpdir, servedRunner, testImage, upscaleForm } from "./helpers.js";

const PAYLOAD = 60 * 1024 * 1024;
/** The payload is this block sent again and again: the client holds 64 KiB, never 60 MB. */
const BLOCK = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 2654435761) >>> 24));
const BOUNDARY = "----formdata-wrong-type-0123";

/** This process's resident memory now, and its peak since the last {@link resetPeak}, in bytes. */
function memory(): { rss: number; peak: number } {
  const status = readFileSync("/proc/self/status", "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)![1]) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}
const resetPeak = () => writeFileSync("/proc/self/clear_refs", "5");

/**
 * POSTs a form whose `image` is {@link PAYLOAD} bytes of {@link BLOCK}, over a socket, writing as fast as the server
 * takes it (chunked, or with its Content-Length) and reading the answer meanwhile; resolves with the answer, the
 * payload bytes the socket took before it closed, and the milliseconds to the answer.
 */
function postWrongType(port: number, chunked: boolean) {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\n\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const length = head.length + PAYLOAD + tail.length;
  const framing = chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${length}`;
  const frame = (b: Buffer) =>
    chunked ? Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from("\r\n")]) : b;
  return new Promise<{ status: number; headers: string; body: string; written: number; ms: number }>(
    (resolve, reject) => {
      const started = performance.now();
      const socket = net.connect(port, "127.0.0.1");
      let received = "";
      let written = 0;
      let answered = false;
      let failed = false;
      // As a client that reads an answer given before the end of its upload must (curl does, and so does the
      // orchestrator's runner client): a write that fails once the server has closed is dropped, not made the end
      // of the connection, so the answer already received is still read.
      const raw = socket as unknown as Record<"_write" | "_writev", (...args: unknown[]) => void>;
      for (const key of ["_write", "_writev"] as const) {
        const original = raw[key];
        raw[key] = function (this: unknown, ...args: unknown[]) {
          const done = args.at(-1) as () => void;
          if (failed) return done();
          original.call(this, ...args.slice(0, -1), (err?: Error) => {
            failed ||= Boolean(err);
            done();
          });
        };
      }
      socket.on("error", () => {});
      socket.on("data", (d) => {
        received += d.toString("latin1");
        const split = received.indexOf("\r\n\r\n");
        const declared = Number(/\r\ncontent-length: (\d+)/i.exec(received)?.[1] ?? Number.NaN);
        if (answered || split === -1 || received.length < split + 4 + declared) return;
        answered = true;
        const body = received.slice(split + 4, split + 4 + declared);
        resolve({
          status: Number(received.slice(9, 12)),
          headers: received.slice(0, split),
          body,
          written,
          ms: performance.now() - started,
        });
      });
      socket.on("close", () => {
        if (!answered) reject(new Error(`closed without an answer after ${written} bytes`));
      });
      const write = (b: Buffer) =>
        new Promise<boolean>((done) => {
          if (socket.destroyed || answered || failed) return done(false);
          if (socket.write(b)) return done(true);
          const on = (ok: boolean) => () => {
            socket.off("drain", drained);
            socket.off("close", closed);
            done(ok);
          };
          const drained = on(true);
          const closed = on(false);
          socket.once("drain", drained);
          socket.once("close", closed);
        });
      void (async () => {
        await write(
          Buffer.from(
            `POST /upscale HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\n${framing}\r\n\r\n`,
          ),
        );
        if (!(await write(frame(head)))) return;
        for (let sent = 0; sent < PAYLOAD; sent += BLOCK.length) {
          if (!(await write(frame(BLOCK)))) return;
          written += BLOCK.length;
        }
        await write(frame(tail));
        if (chunked) await write(Buffer.from("0\r\n\r\n"));
      })();
    },
  );
}

describe("a 60 MB upload that is not an image", () => {
  privateTmpdir();
  const { server } = servedRunner(["tiny/esrgan-x4"], { maxUploadBytes: 64 * 1024 * 1024 + 64 * 1024 });
  const expected = `image must be a PNG, JPEG or WebP file; its bytes start with ${BLOCK.subarray(0, 8)
    .toString("hex")
    .replace(/(..)(?!$)/g, "$1 ")}`;

  it.each([
    ["with its Content-Length", false],
    ["chunked", true],
  ])(
    "is refused from its first bytes (%s), the rest unread and never held, and the runner serves on",
    async (_, chunked) => {
      const before = memory();
      resetPeak();
      const answer = await postWrongType(server().port, chunked);
      const rise = memory().peak - before.rss;
      expect(answer.status).toBe(400);
      expect(answer.headers).toMatch(/\r\nx-avs-status: 415\r\n/i);
      expect(answer.headers).toMatch(/\r\nconnection: close\r\n/i);
      expect(JSON.parse(answer.body)).toEqual({ detail: { msg: expected } });
      // The answer came while most of the payload was still to be sent: no more than the sockets' buffers took.
      expect(answer.written).toBeLessThan(PAYLOAD * 0.75);
      expect(answer.ms).toBeLessThan(2000);
      // The body was not held: this process's peak rose by more than twice the payload before; now by what the
      // streams and the young generation take (0.1 to 20 MB here, the most with a chunked body on a busy machine).
      expect(rise).toBeLessThan(PAYLOAD);
      const uploads = join(tmpdir(), "avs-runner-uploads");
      expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual([]);
      const good = await fetch(`${server().url}/upscale`, {
        method: "POST",
        body: upscaleForm(await testImage(16, 8)),
      });
      expect(good.status).toBe(200);
      expect((await good.json()).images).toHaveLength(1);
    },
  );
});

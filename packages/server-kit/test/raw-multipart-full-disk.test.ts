/**
 * @module `keepMultipart` on a spool disk that fills up mid-upload (a 1 MiB tmpfs, empty or nearly full): the
 * request gets 503 with `Retry-After`, this server's shortage and not the client's fault; no write's failure goes
 * unheard (one ended the process) and no part left unread stalls the parse; no spool file stays behind. Needs root
 * for `mount -t tmpfs`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorHandler, type HttpServer, listen, RequestValidator, silentLogger, typedRoutes } from "../src/index.js";
import { uploadDocument } from "./upload-document.js";

const root = process.getuid?.() === 0;

describe.skipIf(!root)("keepMultipart on a spool disk that fills up", () => {
  let mount = "";
  let dir = "";
  let server: HttpServer;
  const list = () => (existsSync(dir) ? readdirSync(dir) : []);

  beforeAll(async () => {
    mount = mkdtempSync(join(tmpdir(), "avs-full-spool-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mount]);
    dir = join(mount, "spool");
    const document = uploadDocument({ prompt: { type: "string" } });
    const validator = await RequestValidator.create(document, { keepMultipart: { dir, memoryBytes: 64 * 1024 } });
    const app = new Hono();
    app.onError(errorHandler(silentLogger));
    typedRoutes<Record<string, unknown>>(app, validator)("up", (async (body: Record<string, unknown>) => ({
      size: (body.image as File).size,
    })) as never);
    server = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
  });

  afterAll(async () => {
    await server?.stop(1000);
    execFileSync("umount", [mount]);
    rmSync(mount, { recursive: true, force: true });
  });

  /** POSTs an image part of `bytes` bytes, as a stream of 64 KiB chunks (the length declared). */
  async function upload(bytes: number) {
    const boundary = "b0undary";
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`,
    );
    const tail = Buffer.from(
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nx\r\n--${boundary}--\r\n`,
    );
    const body = Buffer.concat([head, Buffer.alloc(bytes, 7), tail]);
    const res = await fetch(`${server.url}/up`, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body: new Uint8Array(body),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, retryAfter: res.headers.get("retry-after"), json: await res.json() };
  }

  it.each([
    ["empty", 0],
    ["nearly full", 700 * 1024],
  ])(
    "answers 503 when the disk fills mid-upload (%s), keeps nothing, and serves once there is room",
    async (_, fill) => {
      const filler = join(mount, "filler");
      if (fill) writeFileSync(filler, Buffer.alloc(fill));
      try {
        const full = await upload(3 * 1024 * 1024);
        expect(full).toEqual({
          status: 503,
          retryAfter: "5",
          json: {
            detail: {
              msg: "this server is short of local resources (files, disk or memory) to keep the upload right now; retry later",
            },
          },
        });
        expect(list()).toEqual([]);
      } finally {
        rmSync(filler, { force: true });
      }
      expect(await upload(200 * 1024)).toMatchObject({ status: 200, json: { size: 200 * 1024 } });
      expect(list()).toEqual([]);
    },
  );
});

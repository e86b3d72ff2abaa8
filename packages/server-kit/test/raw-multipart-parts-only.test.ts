/**
 * @module `keepMultipart` with `keepBody: false`, for a server that forwards nothing: a body over `memoryBytes` is not
 * written to a file beside its file part (a video went to disk twice), `rawMultipart(c)` is undefined, and
 * `spooledPath` names the part's own file for the handler, removed once the handler is done.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Context, Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import { errorHandler, RequestValidator, rawMultipart, silentLogger, spooledPath, typedRoutes } from "../src/index.js";
import { uploadDocument } from "./upload-document.js";

const dir = mkdtempSync(join(tmpdir(), "avs-parts-only-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("keepMultipart with keepBody: false", () => {
  it("spools only the file part, names its file, keeps no raw body and removes the file after", async () => {
    const validator = await RequestValidator.create(uploadDocument({ prompt: { type: "string" } }), {
      keepMultipart: { dir, memoryBytes: 64 * 1024, keepBody: false },
    });
    const app = new Hono();
    app.onError(errorHandler(silentLogger));
    let seen: { path?: string; files: string[]; bytes?: Buffer; raw: unknown; small?: string } | undefined;
    typedRoutes<Record<string, unknown>>(app, validator)("up", ((body: Record<string, unknown>, c: Context) => {
      const path = spooledPath(body.image);
      seen = { files: readdirSync(dir), raw: rawMultipart(c), small: spooledPath(body.prompt) };
      if (path) Object.assign(seen, { path, bytes: readFileSync(path) });
      return { ok: true };
    }) as never);
    const image = Buffer.alloc(300 * 1024, "image bytes ");
    const form = new FormData();
    form.append("prompt", "a");
    form.append("image", new Blob([image]), "a.png");
    // A chunked body (a stream without a length) takes the streamed path, as one over memoryBytes does.
    const encoded = new Response(form);
    const res = await app.request("/up", {
      method: "POST",
      body: encoded.body,
      duplex: "half",
      headers: { "content-type": encoded.headers.get("content-type")! },
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(seen?.files).toHaveLength(1);
    expect(seen?.path).toBe(join(dir, seen!.files[0]!));
    expect(seen?.bytes?.equals(image)).toBe(true);
    expect(seen?.raw).toBeUndefined();
    expect(seen?.small).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });
});

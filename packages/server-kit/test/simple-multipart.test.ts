/**
 * @module The plain-body multipart reader against busboy itself: every body it reads, it reads exactly as busboy
 * does (names, values, filenames, media types, file bytes), whatever chunks the body came in; every body that is not
 * of the plain kind it leaves to busboy.
 */
import busboy from "busboy";
import { describe, expect, it } from "vitest";
import { Chunked } from "../src/validator/chunked-body.js";
import { plainBoundary, readSimpleMultipart, type SimplePart } from "../src/validator/simple-multipart.js";
import { B, body, CT, field, file, part, tricky } from "./multipart-bodies.js";

type Read = Array<{ name: string; value: string } | { name: string; filename?: string; type: string; bytes: string }>;

/** busboy's reading of a body, as the validator's reader configures it. */
function viaBusboy(body: Buffer, contentType: string): Promise<Read> {
  return new Promise((resolve, reject) => {
    const out: Read = [];
    const files: Array<Promise<void>> = [];
    const p = busboy({
      headers: { "content-type": contentType },
      defParamCharset: "utf8",
      limits: { fieldSize: Number.POSITIVE_INFINITY, fieldNameSize: Number.POSITIVE_INFINITY },
    });
    p.on("field", (name, value) => out.push({ name, value }));
    p.on("file", (name, stream, info) => {
      const entry = { name, filename: info.filename, type: info.mimeType, bytes: "" };
      out.push(entry);
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      files.push(
        new Promise((done) =>
          stream.on("end", () => {
            entry.bytes = Buffer.concat(chunks).toString("latin1");
            done();
          }),
        ),
      );
    });
    p.on("error", reject);
    p.on("finish", () => Promise.all(files).then(() => resolve(out)));
    p.end(body);
  });
}

const simple = (parts: SimplePart[]): Read =>
  parts.map((p) =>
    "value" in p
      ? p
      : { name: p.name, filename: p.filename, type: p.type, bytes: Buffer.concat(p.bytes).toString("latin1") },
  );

/** `body` cut into chunks at the given offsets. */
function chunked(body: Buffer, cuts: number[]): Chunked {
  const chunks: Buffer[] = [];
  let from = 0;
  for (const at of [...cuts, body.length]) {
    chunks.push(body.subarray(from, at));
    from = at;
  }
  return new Chunked(chunks);
}

describe("readSimpleMultipart", () => {
  it("reads what fetch sends with a FormData exactly as busboy does", async () => {
    const form = new FormData();
    form.append("model_id", "tiny/esrgan-x4");
    form.append("prompt", "");
    form.append("note", "héllo ✓ \r\n twice");
    form.append("image", new Blob([tricky], { type: "image/png" }), "in.png");
    form.append("raw", new Blob([Buffer.from("abc")]), "r.bin");
    const res = new Response(form);
    const contentType = res.headers.get("content-type")!;
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(plainBoundary(contentType)).toBeDefined();
    const read = readSimpleMultipart(new Chunked([bytes]), contentType);
    expect(read).toBeDefined();
    expect(simple(read!)).toEqual(await viaBusboy(bytes, contentType));
    expect(simple(read!).map((p) => p.name)).toEqual(["model_id", "prompt", "note", "image", "raw"]);
  });

  it("reads plain bodies as busboy does, across every way of cutting them into chunks", async () => {
    const bodies = [
      body(field("a", "1"), field("a", "2"), field("empty", "")),
      body(file("image", "in.png", "image/png", tricky), field("seed", "42")),
      // A file part without a filename (octet-stream), an empty filename (a text field to busboy), a file part
      // without a Content-Type.
      body(part(`Content-Disposition: form-data; name="blob"\r\nContent-Type: application/octet-stream`, "xyz")),
      body(part(`Content-Disposition: form-data; name="f"; filename=""\r\nContent-Type: image/png`, "p")),
      body(part(`Content-Disposition: form-data; name="f"; filename="a.txt"`, "text file")),
      // Header names in any case, the Content-Type first, invalid UTF-8 in a text field.
      body(part(`content-type: text/plain\r\ncontent-disposition: form-data; name="x;y"`, Buffer.from([0xff, 0x41]))),
      // A preamble and an epilogue, which busboy ignores.
      Buffer.concat([Buffer.from("preamble\r\n"), body(field("p", "v")), Buffer.from("epilogue")]),
    ];
    for (const b of bodies) {
      const expected = await viaBusboy(b, CT);
      for (let step = 1; step < b.length; step += Math.max(1, Math.floor(b.length / 97))) {
        const cuts = Array.from({ length: Math.floor((b.length - 1) / step) }, (_, i) => (i + 1) * step);
        const read = readSimpleMultipart(chunked(b, cuts), CT);
        expect(read, b.toString("latin1")).toBeDefined();
        expect(simple(read!)).toEqual(expected);
      }
    }
  });

  it("leaves every other body to busboy", () => {
    const others: Array<[string, Buffer]> = [
      [`multipart/form-data; boundary="${B}"`, body(field("a", "1"))],
      [`multipart/form-data; boundary=${B}; charset=utf-8`, body(field("a", "1"))],
      [`Multipart/Form-Data; boundary=${B}`, body(field("a", "1"))],
      [CT, body(part(`Content-Disposition: form-data; name="a"\r\nX-Extra: 1`, "1"))],
      [CT, body(part(`Content-Disposition: form-data; name="a"\r\nContent-Type: text/plain; charset=latin1`, "é"))],
      [CT, body(part(`Content-Disposition: form-data; name="a"\r\nContent-Type: Text/Plain`, "1"))],
      [CT, body(part(`Content-Disposition: form-data; name="a\\"b"`, "1"))],
      [CT, body(part(`Content-Disposition: form-data; name="a"; filename="dir/a.png"`, "1"))],
      [CT, body(part(`Content-Disposition: form-data; name="a"; filename=".."`, "1"))],
      [CT, body(part(`Content-Disposition: form-data; name="a"; filename*=UTF-8''a.png`, "1"))],
      [CT, body(part(`Content-Disposition: form-data; name=a`, "1"))],
      [CT, body(part(`Content-Disposition: form-data; name=""`, "1"))],
      [CT, body(part(`Content-Disposition:  form-data; name="a"`, "1"))],
      [CT, body(part(`Content-Disposition: attachment; name="a"`, "1"))],
      [CT, body(part(`Content-Disposition: form-data; name="a"\r\nContent-Disposition: form-data; name="b"`, "1"))],
      [CT, body(part(`Content-Disposition: form-data; name="é"`, "1"))],
      [CT, Buffer.concat([Buffer.from(`--${B}\r\n\r\nno headers\r\n`), Buffer.from(`--${B}--\r\n`)])],
      // Transport padding after a delimiter, and a body without its closing delimiter.
      [CT, Buffer.from(`--${B} \r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--${B}--`)],
      [CT, Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n`)],
    ];
    for (const [contentType, b] of others) {
      expect(readSimpleMultipart(new Chunked([b]), contentType), `${contentType} ${b.toString("latin1")}`).toBe(
        undefined,
      );
    }
  });
});

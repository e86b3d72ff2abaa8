/**
 * @module The watch of a body read into memory against busboy itself: whatever chunks a body comes in, and whether
 * its parts are plain (read with `indexOf`) or not (read by busboy from the first such part), the watch checks exactly
 * the first `image` part busboy gives, when busboy gives it as a file, with exactly its first bytes — and refuses the
 * body only when that check refuses. Of a body busboy fails on (the reader's 400), the watch checks that same part or
 * nothing.
 */
import busboy from "busboy";
import { describe, expect, it } from "vitest";
import { HttpError } from "../src/http/errors.js";
import type { LeadingBytesCheck } from "../src/validator/leading-bytes.js";
import { LeadingBytesWatch } from "../src/validator/leading-bytes-watch.js";
import { B, body, CT, field, file, part, tricky } from "./multipart-bodies.js";

const image = (content: string | Buffer, extra = "") => file("image", "a.png", `image/png${extra}`, content);

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A check that records the heads it is given and refuses any that is not a prefix of the PNG signature. */
function recording(): { check: LeadingBytesCheck; heads: string[] } {
  const heads: string[] = [];
  const check: LeadingBytesCheck = {
    bytes: 8,
    check(head, field) {
      heads.push(Buffer.from(head).toString("hex"));
      return Buffer.from(head).equals(PNG.subarray(0, head.length)) ? undefined : new HttpError(415, `${field}: no`);
    },
  };
  return { check, heads };
}

/**
 * The first 8 bytes of the first `image` part busboy gives, as far as it reads the body, when that part is a file; and
 * whether busboy failed on the body.
 */
function expected(b: Buffer, contentType: string): Promise<{ head: string | undefined; failed: boolean }> {
  return new Promise((resolve) => {
    let first: "file" | "text" | undefined;
    let failed = false;
    let head: string | undefined;
    const settle = () => setImmediate(() => resolve({ head, failed }));
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { "content-type": contentType },
        defParamCharset: "utf8",
        limits: { fieldSize: Number.POSITIVE_INFINITY, fieldNameSize: Number.POSITIVE_INFINITY },
      });
    } catch {
      return resolve({ head, failed: true });
    }
    parser.on("field", (name) => {
      if (name === "image") first ??= "text";
    });
    parser.on("file", (name, stream) => {
      if (name !== "image" || first) return stream.resume();
      first = "file";
      const chunks: Buffer[] = [];
      const done = () => {
        head = Buffer.concat(chunks).subarray(0, 8).toString("hex");
      };
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", done);
      stream.on("error", done);
    });
    parser.on("error", () => {
      failed = true;
      settle();
    });
    parser.on("finish", settle);
    parser.end(b);
  });
}

/** What the watch made of `b` cut every `step` bytes: the heads checked and whether the read was stopped. */
async function watched(b: Buffer, contentType: string, step: number) {
  const { check, heads } = recording();
  const watch = new LeadingBytesWatch(contentType, { image: check });
  let stopped: unknown;
  for (let at = 0; at < b.length && stopped === undefined; at += step) {
    watch.see(b.subarray(at, at + step), (err) => {
      stopped ??= err;
    });
  }
  // busboy's file streams give their bytes a few ticks later.
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return { heads, stopped: stopped !== undefined, refusal: watch.refusal !== undefined };
}

const BODIES: Array<[string, string, Buffer]> = [
  ["a plain body, a wrong image", CT, body(field("prompt", "a cat"), image(tricky))],
  ["a plain body, a PNG", CT, body(field("prompt", tricky), image(Buffer.concat([PNG, tricky])))],
  ["an image shorter than the look-ahead", CT, body(image("GI"), field("seed", "1"))],
  ["an empty image", CT, body(image(""))],
  ["a text part, then a file, named image", CT, body(field("image", "x"), image("not a png"))],
  [
    "an image without a filename, as octet-stream",
    CT,
    body(part(`Content-Disposition: form-data; name="image"\r\nContent-Type: application/octet-stream`, "zip")),
  ],
  [
    "an image with an empty filename (a text part to busboy)",
    CT,
    body(part(`Content-Disposition: form-data; name="image"; filename=""\r\nContent-Type: image/png`, "x")),
  ],
  ["a quoted boundary", `multipart/form-data; boundary="${B}"`, body(field("prompt", "p"), image("GIF89a"))],
  ["an image part with one more header", CT, body(field("prompt", "p"), image("GIF89a", "\r\nX-Extra: 1"))],
  [
    "a part with a charset before the image",
    CT,
    body(
      part(`Content-Disposition: form-data; name="prompt"\r\nContent-Type: text/plain; charset=utf-8`, "é"),
      image("GIF89a"),
    ),
  ],
  [
    "an image named with name*=",
    CT,
    body(part(`Content-Disposition: form-data; name*=utf-8''image; filename="a.png"`, "GIF89a")),
  ],
  ["a preamble", CT, Buffer.concat([Buffer.from("preamble\r\n"), body(image("GIF89a"))])],
  [
    "transport padding after a delimiter",
    CT,
    Buffer.from(`--${B} \r\nContent-Disposition: form-data; name="image"; filename="a"\r\n\r\nGIF89a\r\n--${B}--`),
  ],
  [
    "no closing delimiter",
    CT,
    Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="image"; filename="a"\r\n\r\nGIF89a, and more\r\n`),
  ],
  [
    "a part with no headers before the image",
    CT,
    Buffer.concat([Buffer.from(`--${B}\r\n\r\nno headers\r\n`), body(image("GIF89a"))]),
  ],
  [
    "a delimiter inside a header block",
    CT,
    Buffer.from(
      `--${B}\r\nContent-Disposition: form-data; name="image"; filename="a"\r\n--${B}\r\n\r\nGIF\r\n--${B}--`,
    ),
  ],
  ["no image at all", CT, body(field("prompt", "p"), field("seed", "2"))],
];

/** The watch of `b` in chunks of `steps` bytes against busboy's reading of it. */
async function agrees(contentType: string, b: Buffer, steps: number[]) {
  const { head, failed } = await expected(b, contentType);
  const refuses = (h: string) => !PNG.subarray(0, h.length / 2).equals(Buffer.from(h, "hex"));
  for (const step of steps) {
    const got = await watched(b, contentType, step);
    // A body busboy fails on may be left unchecked: the reader refuses it as malformed once it has it all.
    const checked = failed && got.heads.length === 0 ? undefined : head;
    const refused = checked !== undefined && refuses(checked);
    expect({ step, ...got }, b.toString("latin1")).toEqual({
      step,
      heads: checked === undefined ? [] : [checked],
      stopped: refused,
      refusal: refused,
    });
  }
}

/** Parts to draw bodies from: plain and not, fields and files, named image or not, contents that look like syntax. */
const POOL = [
  field("prompt", "a cat"),
  field("prompt", tricky),
  field("image", "text"),
  image(tricky),
  image("GIF89a"),
  image(Buffer.concat([PNG, tricky])),
  image(""),
  image(PNG.subarray(0, 3)),
  image("GIF89a", "\r\nX-Extra: 1"),
  part(`Content-Disposition: form-data; name="prompt"\r\nContent-Type: text/plain; charset=utf-8`, "é"),
  part(`Content-Disposition: form-data; name="image"\r\nContent-Type: application/octet-stream`, "PK\x03\x04"),
  part(`Content-Disposition: form-data; name="other"; filename="b.bin"`, tricky),
  Buffer.from(`--${B}\r\n\r\nno headers\r\n`),
];

describe("LeadingBytesWatch", () => {
  it.each(BODIES)("checks what busboy gives, in any chunks: %s", async (_, contentType, b) => {
    const steps = [];
    for (let step = 1; step <= b.length; step += Math.max(1, Math.floor(b.length / 61))) steps.push(step);
    await agrees(contentType, b, steps);
  });

  // About 900 bodies fed to the watch and busboy, a third of them a byte at a time: 3 s of CPU alone.
  it("agrees with busboy on 300 bodies drawn from plain and other parts, in random chunks", async () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 300; i++) {
      const parts = Array.from(
        { length: 1 + Math.floor(random() * 4) },
        () => POOL[Math.floor(random() * POOL.length)]!,
      );
      const preamble = random() < 0.2 ? [Buffer.from("preamble\r\n")] : [];
      const b = Buffer.concat([...preamble, body(...parts)]);
      const quoted = random() < 0.2;
      const contentType = quoted ? `multipart/form-data; boundary="${B}"` : CT;
      await agrees(contentType, b, [1, 1 + Math.floor(random() * 40), 1 + Math.floor(random() * b.length)]);
    }
  });
});

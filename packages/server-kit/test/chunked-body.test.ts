/**
 * @module The chunk container of server-kit: `Chunked` searches and slices across chunk edges exactly as one Buffer would,
 * and `readWhole` keeps a stream's chunks as they came, tells a stream cut short from one that ended, and stops at a cap.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { BodyTooLarge, Chunked, readWhole } from "../src/index.js";

describe("Chunked", () => {
  it("finds a needle and slices bytes across chunk edges as one Buffer would", () => {
    const bytes = Buffer.from("xx\r\n--bnd\r\nabc\r\n--bnd--\r\n\r\n--bn");
    const needle = Buffer.from("\r\n--bnd");
    for (let cut1 = 1; cut1 < bytes.length - 1; cut1++) {
      for (const cut2 of [cut1 + 1, cut1 + 3, bytes.length - 1]) {
        if (cut2 <= cut1 || cut2 >= bytes.length) continue;
        const chunked = new Chunked([bytes.subarray(0, cut1), bytes.subarray(cut1, cut2), bytes.subarray(cut2)]);
        for (let from = 0; from <= bytes.length; from++) {
          expect(chunked.indexOf(needle, from), `${cut1}/${cut2} from ${from}`).toBe(bytes.indexOf(needle, from));
        }
        expect(Buffer.concat(chunked.slice(3, 20)).equals(bytes.subarray(3, 20))).toBe(true);
        expect(chunked.byteAt(cut1)).toBe(bytes[cut1]);
      }
    }
  });
});

describe("readWhole", () => {
  it("gives the stream's chunks as they came, not joined", async () => {
    const source = new PassThrough();
    const read = readWhole(source);
    source.write(Buffer.from("ab"));
    source.write(Buffer.from("cde"));
    source.end(Buffer.from("f"));
    const chunks = await read;
    expect(chunks.map((c) => c.toString())).toEqual(["ab", "cde", "f"]);
  });

  it("rejects with ECONNRESET when the stream closes before its end", async () => {
    const source = new PassThrough();
    const read = readWhole(source);
    source.write(Buffer.from("partial"));
    source.destroy();
    await expect(read).rejects.toMatchObject({ code: "ECONNRESET", message: "aborted" });
  });

  it("rejects with the stream's own error", async () => {
    const source = new PassThrough();
    const read = readWhole(source);
    source.destroy(new Error("socket hang up"));
    await expect(read).rejects.toThrow("socket hang up");
  });

  it("reads a body of exactly its cap", async () => {
    const source = new PassThrough();
    const read = readWhole(source, 5);
    source.write(Buffer.from("ab"));
    source.end(Buffer.from("cde"));
    expect(Buffer.concat(await read).toString()).toBe("abcde");
  });

  it("stops at the first chunk past its cap: rejects with BodyTooLarge and destroys the stream", async () => {
    const source = new PassThrough();
    const read = readWhole(source, 5);
    source.write(Buffer.from("abc"));
    source.write(Buffer.from("def"));
    const err = await read.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BodyTooLarge);
    expect(err).toMatchObject({ code: "EBODYTOOLARGE", limit: 5, message: "more than 5 bytes" });
    expect(source.destroyed).toBe(true);
  });
});

/** @module The PNG writer (checked with the platform's zlib and the chunk CRCs), header sizing, output names. */
import { crc32, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { encodePng, imageSize, outputName, PNG_SIGNATURE, padPng, pngChunk } from "../src/index.js";

function chunks(png: Uint8Array) {
  const b = Buffer.from(png);
  const out: Array<{ type: string; data: Buffer; crcOk: boolean }> = [];
  for (let at = 8; at < b.length; ) {
    const len = b.readUInt32BE(at);
    const type = b.toString("latin1", at + 4, at + 8);
    const data = b.subarray(at + 8, at + 8 + len);
    out.push({ type, data, crcOk: crc32(b.subarray(at + 4, at + 8 + len)) === b.readUInt32BE(at + 8 + len) });
    at += 12 + len;
  }
  return out;
}

describe("padPng", () => {
  it("puts the padding in an avSp chunk after IHDR, keeping the picture readable", () => {
    const png = encodePng(7, 5, new Uint8Array(105));
    const padded = padPng(png, 1000);
    expect(padded.length).toBe(png.length + 1012);
    expect(padded.toString("latin1", 37, 41)).toBe("avSp");
    expect(padded.readUInt32BE(33)).toBe(1000);
    expect(padded.readUInt32BE(41 + 1000)).toBe(crc32(padded.subarray(37, 41 + 1000)));
    expect(imageSize(padded)).toEqual({ width: 7, height: 5 });
    expect(padPng(png, 0).equals(Buffer.from(png))).toBe(true);
  });
});

describe("encodePng", () => {
  it("writes signature, IHDR, IDAT and IEND with valid CRCs, holding the pixels row by row", () => {
    const rgb = Uint8Array.from({ length: 3 * 3 * 2 }, (_, i) => i * 13);
    const png = encodePng(3, 2, rgb);
    expect([...png.subarray(0, 8)]).toEqual([...PNG_SIGNATURE]);
    const parts = chunks(png);
    expect(parts.map((c) => [c.type, c.crcOk])).toEqual([
      ["IHDR", true],
      ["IDAT", true],
      ["IEND", true],
    ]);
    expect([...parts[0]!.data]).toEqual([0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
    const raw = inflateSync(parts[1]!.data);
    expect(raw.length).toBe(2 * (1 + 9));
    expect([raw[0], raw[10]]).toEqual([0, 0]);
    expect([...raw.subarray(1, 10), ...raw.subarray(11, 20)]).toEqual([...rgb]);
  });

  it("refuses pixels of the wrong length", () => {
    expect(() => encodePng(2, 2, new Uint8Array(11))).toThrow("encodePng: 2×2 RGB needs 12 bytes, got 11");
  });

  it("writes any chunk", () => {
    expect(Buffer.from(pngChunk("IEND", new Uint8Array(0))).toString("hex")).toBe("0000000049454e44ae426082");
  });
});

describe("imageSize", () => {
  it("reads PNG, JPEG and WebP headers, and nothing else", () => {
    expect(imageSize(encodePng(7, 5, new Uint8Array(105)))).toEqual({ width: 7, height: 5 });
    // A baseline JPEG: SOI, an APP0 segment, then SOF0 with height 0x0102 and width 0x0304.
    const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 1, 2, 3, 4, 3, 0, 0, 0, 0, 0);
    expect(imageSize(jpeg)).toEqual({ width: 0x0304, height: 0x0102 });
    const webp = Buffer.alloc(30);
    webp.write("RIFF", 0, "latin1");
    webp.write("WEBPVP8X", 8, "latin1");
    webp.writeUIntLE(99, 24, 3);
    webp.writeUIntLE(49, 27, 3);
    expect(imageSize(webp)).toEqual({ width: 100, height: 50 });
    expect(imageSize(new TextEncoder().encode("GIF89a not supported"))).toBeUndefined();
  });
});

describe("outputName", () => {
  it("gives 32 base64url characters and the extension, never the same name twice across batches", () => {
    const names = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const name = outputName(i % 2 ? "png" : "mp4");
      expect(name).toMatch(i % 2 ? /^[A-Za-z0-9_-]{32}\.png$/ : /^[A-Za-z0-9_-]{32}\.mp4$/);
      names.add(name.slice(0, 32));
    }
    expect(names.size).toBe(1000);
  });
});

/** @module Image types come from magic bytes. */
import { describe, expect, it } from "vitest";
import { sniffImage } from "./sniff.js";

const bytes = (...b: Array<number | string>) =>
  new Uint8Array(b.flatMap((x) => (typeof x === "string" ? [...x].map((c) => c.charCodeAt(0)) : [x])));

describe("sniffImage", () => {
  it("recognises PNG, JPEG and WebP signatures", () => {
    expect(sniffImage(bytes(0x89, "PNG", 0x0d, 0x0a, 0x1a, 0x0a))).toBe("png");
    expect(sniffImage(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe("jpeg");
    expect(sniffImage(bytes("RIFF", 0, 0, 0, 0, "WEBPVP8 "))).toBe("webp");
  });

  it("rejects everything else, including near misses", () => {
    expect(sniffImage(bytes("GIF89a"))).toBeUndefined();
    expect(sniffImage(bytes("RIFF", 0, 0, 0, 0, "WAVEfmt "))).toBeUndefined();
    expect(sniffImage(bytes(0x89, "PN"))).toBeUndefined();
    expect(sniffImage(new Uint8Array(0))).toBeUndefined();
  });
});

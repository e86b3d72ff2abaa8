/**
 * @module The hand-written JSON answer is the JSON that `JSON.stringify` writes for the same images, byte for byte,
 * and refuses a seed that would not be a JSON integer.
 */
import { describe, expect, it } from "vitest";
import { mediaResponse } from "./encode.js";

describe("mediaResponse", () => {
  it("writes what JSON.stringify writes", async () => {
    const png = new Uint8Array(1000).map((_, i) => (i * 131) % 256);
    const inner = new Uint8Array(10).fill(255).subarray(3, 7);
    const images = [
      { png, seed: 4294967295, nsfw: false },
      { png: inner, seed: 0, nsfw: true },
    ];
    const res = mediaResponse(images);
    expect(res.headers.get("content-type")).toBe("application/json");
    const expected = JSON.stringify({
      images: images.map((i) => ({
        url: `data:image/png;base64,${Buffer.from(i.png).toString("base64")}`,
        seed: i.seed,
        nsfw: i.nsfw,
      })),
    });
    expect(await res.text()).toBe(expected);
    expect(await mediaResponse([]).json()).toEqual({ images: [] });
  });

  it("refuses a seed that is not a safe integer", () => {
    expect(() => mediaResponse([{ png: new Uint8Array(1), seed: 1.5, nsfw: false }])).toThrow(/integer, got 1.5/);
  });
});

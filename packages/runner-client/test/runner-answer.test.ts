/** @module parseRunnerAnswer: data URLs cut out of the bytes, the rest parsed as JSON, the same answer either way. */
import { describe, expect, it } from "vitest";
import { DataUrl, parseRunnerAnswer } from "../src/runner-answer.js";

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 250, 251, 252]);
const url = `data:image/png;base64,${png.toString("base64")}`;

describe("parseRunnerAnswer", () => {
  it("gives images and frames their data URLs as DataUrls that decode to the bytes and print as sent", () => {
    const text = JSON.stringify({
      images: [
        { url, seed: 1, nsfw: false },
        { url: "https://elsewhere/x.png", seed: 2, nsfw: true },
      ],
      frames: [[{ url, seed: 3, nsfw: false }]],
    });
    const answer = parseRunnerAnswer(Buffer.from(text));
    const first = answer.images![0]!.url as DataUrl;
    expect(first).toBeInstanceOf(DataUrl);
    expect(first.mediaType).toBe("image/png");
    expect(first.bytes().equals(png)).toBe(true);
    expect(first.toString()).toBe(url);
    expect(first.raw().toString("latin1")).toBe(url);
    expect(answer.images![1]).toEqual({ url: "https://elsewhere/x.png", seed: 2, nsfw: true });
    expect((answer.frames![0]![0]!.url as DataUrl).bytes().equals(png)).toBe(true);
    // The same answer as JSON.parse once the URLs are printed back.
    const printed = JSON.stringify(answer, (_k, v) => (v instanceof DataUrl ? v.toString() : v));
    expect(JSON.parse(printed)).toEqual(JSON.parse(text));
  });

  it("leaves to JSON.parse a data URL outside a media entry, one with an escape, and one that is not base64", () => {
    const elsewhere = parseRunnerAnswer(Buffer.from(JSON.stringify({ images: [], note: url })));
    expect(elsewhere).toEqual({ images: [], note: url });
    const escaped = `data:image/png;base64,AAAA\\/`;
    const withEscape = parseRunnerAnswer(Buffer.from(`{"images":[{"url":"${escaped}","seed":1,"nsfw":false}]}`));
    expect(withEscape.images![0]!.url).toBe("data:image/png;base64,AAAA/");
    const plain = parseRunnerAnswer(Buffer.from(JSON.stringify({ images: [{ url: "data:text/plain,hi", seed: 0 }] })));
    expect(plain.images![0]!.url).toBe("data:text/plain,hi");
  });

  it("throws as JSON.parse does for an answer that is not JSON", () => {
    expect(() => parseRunnerAnswer(Buffer.from(`{"images":[{"url":"${url}"`))).toThrow(SyntaxError);
    expect(() => parseRunnerAnswer(Buffer.from("not json"))).toThrow(SyntaxError);
  });
});

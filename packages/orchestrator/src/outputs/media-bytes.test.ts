/**
 * @module Whole-media checks: a data URL's base64 decoded strictly (in place, or through a scratch buffer) and its
 * file's end checked, as a string URL (an answer `JSON.parse` read) and as a {@link DataUrl} in the runner's bytes;
 * frames that ffmpeg would take are checked whole by `mediaProblem` with `whole`.
 */
import { parseRunnerAnswer } from "@ai-video-subnet/runner-client/node";
import { png } from "@ai-video-subnet/test-kit";
import { describe, expect, it } from "vitest";
import { decodeMedia, wholeMediaProblem } from "./media-bytes.js";
import { mediaProblem } from "./runner-media-check.js";

const PNG = Buffer.from(png(300, 200));
const url = (bytes: Buffer) => `data:image/png;base64,${bytes.toString("base64")}`;
/** The same URL as a {@link DataUrl} inside a runner's answer bytes. */
const inAnswer = (u: string) =>
  parseRunnerAnswer(Buffer.from(JSON.stringify({ images: [{ url: u, seed: 1, nsfw: false }] }))).images![0]!.url;
const TRUNCATED = " is a truncated PNG: it does not end with the IEND chunk every whole PNG ends with";

describe("decodeMedia and wholeMediaProblem", () => {
  it("decode a whole PNG byte for byte, from a string and in place in the runner's answer", () => {
    for (const u of [url(PNG), inAnswer(url(PNG))]) {
      // Checked first: decoding in place consumes a DataUrl's text.
      expect(wholeMediaProblem(u, "image/png")).toBeUndefined();
      expect((decodeMedia(u, "image/png") as Buffer).equals(PNG)).toBe(true);
    }
  });

  it("find a PNG cut short, and a character beyond latin1 in a string URL", () => {
    const cut = url(PNG.subarray(0, PNG.length - 30));
    for (const u of [cut, inAnswer(cut)]) {
      expect([wholeMediaProblem(u, "image/png"), decodeMedia(u, "image/png")]).toEqual([TRUNCATED, TRUNCATED]);
    }
    // U+0141's low byte is "A": read as latin1 bytes it would decode.
    expect(wholeMediaProblem(`${url(PNG).slice(0, 100)}\u0141${url(PNG).slice(101)}`, "image/png")).toMatch(
      /^ is not valid base64: it holds a character outside/,
    );
  });
});

describe("mediaProblem with whole", () => {
  it("names a video's frame cut short, which the head check alone passes", () => {
    const frames = [
      [
        { url: url(PNG), seed: 1, nsfw: false },
        { url: url(PNG.subarray(0, 9000)), seed: 2, nsfw: false },
      ],
    ];
    const expected = { shape: "frames", type: "image/png", count: 1 } as const;
    expect(mediaProblem({ frames }, expected)).toBeUndefined();
    expect(mediaProblem({ frames }, expected, true)).toBe(`frames[0][1]${TRUNCATED}`);
  });
});

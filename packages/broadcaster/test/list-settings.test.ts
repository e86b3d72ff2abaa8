/**
 * @module List settings whose values the settings parser's types do not check: a `body-limit` for a route that does
 * not exist or of 0 bytes, and an `api-key` outside RFC 6750's token characters (a Bearer header cannot carry it,
 * so it could never match), each refused at start with a message that names the setting.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/cli-config.js";

const parse = (...argv: string[]) => parseConfig(argv, {}).options;

describe("list settings", () => {
  it("take a body-limit for a job route of at least 1 byte", () => {
    expect(parse("--body-limit", "/upscale=20971520").bodyLimits).toEqual({ "/upscale": 20971520 });
    expect(() => parse("--body-limit", "/nope=5")).toThrow(
      "body-limit: /nope is not a job route; the routes are /text-to-image, /image-to-image, /image-to-video, /upscale, /video-upscale, /frame-interpolation",
    );
    expect(() => parse("--body-limit", "/upscale=0")).toThrow(
      "body-limit: /upscale's limit must be a whole number of bytes ≥ 1, got 0",
    );
  });

  it("refuse an api-key no Authorization: Bearer header can carry (server-kit's rule), without repeating it", () => {
    expect(parse("--api-key", "k1", "--api-key", "a/b+c~_.-==").apiKeys).toEqual(["k1", "a/b+c~_.-=="]);
    for (const bad of ["k2 with space", "key@host", "clé", "a=b", " "]) {
      expect(() => parse("--api-key", "k1", "--api-key", bad)).toThrow(
        `api-key: a key may hold only letters, digits and -._~+/ (then = padding), as RFC 6750 requires (an Authorization: Bearer header carries no other), got one of ${bad.length} characters that holds something else`,
      );
    }
  });
});

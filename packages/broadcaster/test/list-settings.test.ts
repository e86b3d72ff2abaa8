/**
 * @module List settings whose values the settings parser's types do not check: a `body-limit` for a route that does
 * not exist or of 0 bytes, and an `api-key` with whitespace (a Bearer token cannot carry it, so it could never
 * match), each refused at start with a message that names the setting.
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

  it("refuse an api-key with whitespace, without repeating it", () => {
    expect(parse("--api-key", "k1").apiKeys).toEqual(["k1"]);
    const run = () => parse("--api-key", "k1", "--api-key", "k2 with space");
    expect(run).toThrow(
      "api-key: a key must not hold spaces or other whitespace (an Authorization: Bearer token cannot), got one of 13 characters",
    );
  });
});

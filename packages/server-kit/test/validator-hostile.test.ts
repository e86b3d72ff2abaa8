/** @module The validator's defences against hostile bodies: bounded message previews and the JSON nesting limit. */
import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, tooDeep } from "../src/validator/json-depth.js";
import { show } from "../src/validator/messages.js";

function nested(depth: number, open = "[", close = "]"): string {
  return open.repeat(depth) + close.repeat(depth);
}

describe("show", () => {
  it("previews a value nested 100,000 levels deep in 40 characters without walking all of it", () => {
    const deep = JSON.parse(nested(100_000));
    expect(show(deep)).toBe(`${"[".repeat(40)}…`);
  });

  it("previews a huge object by its first characters", () => {
    const big = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, "x".repeat(1000)]));
    const text = show(big);
    expect(text).toBe(`{"k0":"${"x".repeat(33)}…`);
  });

  it("renders small values as JSON", () => {
    expect(show({ a: [1, null, true, "s"] })).toBe('{"a":[1,null,true,"s"]}');
    expect(show([1, 2])).toBe("[1,2]");
    expect(show("abc")).toBe('"abc"');
    expect(show(undefined)).toBe("nothing");
    expect(show(12)).toBe("12");
  });
});

describe("tooDeep", () => {
  it(`allows ${MAX_JSON_DEPTH} levels and refuses one more`, () => {
    expect(tooDeep(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(tooDeep(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(tooDeep(`{"a":${nested(MAX_JSON_DEPTH)}}`)).toBe(true);
  });

  it("ignores brackets inside strings, escaped quotes included", () => {
    expect(tooDeep(JSON.stringify({ a: "[".repeat(100) }))).toBe(false);
    expect(tooDeep(JSON.stringify({ a: `\\"${"{".repeat(100)}` }))).toBe(false);
  });
});

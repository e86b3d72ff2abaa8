/** @module Python-written JSON: the non-finite tokens outside strings, everything else as JSON. */
import { expect, it } from "vitest";
import { parsePythonJson } from "./python-json.js";

it("reads -Infinity, Infinity and NaN values, and leaves the words alone inside strings", () => {
  const parsed = parsePythonJson(
    '{"lambda_min_clipped": -Infinity, "hi": Infinity, "n": [NaN, 1], "s": "NaN and -Infinity \\" Infinity"}',
  ) as Record<string, unknown>;
  expect(parsed.lambda_min_clipped).toBe(Number.NEGATIVE_INFINITY);
  expect(parsed.hi).toBe(Number.POSITIVE_INFINITY);
  expect(Number.isNaN((parsed.n as number[])[0])).toBe(true);
  expect((parsed.n as number[])[1]).toBe(1);
  expect(parsed.s).toBe('NaN and -Infinity " Infinity');
});

it("parses plain JSON as JSON.parse does and rejects what is not JSON", () => {
  const text = '{"a": [1, 2.5, "x"], "b": {"c": null, "d": true}}';
  expect(parsePythonJson(text)).toEqual(JSON.parse(text));
  expect(() => parsePythonJson('{"a": Infinity,}')).toThrow(SyntaxError);
  expect(() => parsePythonJson("{a: 1}")).toThrow(SyntaxError);
});

/** @module The benchmarks' flag reader: the strict number grammar, ranges, empty values and lists. */
import { describe, expect, it } from "vitest";
import { benchFlags } from "./flags.js";

const KNOWN = ["RUNS", "FPS", "MODE", "RSS_SECONDS"];

describe("benchFlags", () => {
  it("reads whole numbers as decimal digits only, and decimal numbers with a fraction or an exponent", () => {
    const f = benchFlags(["--runs", "0012", "--fps", "7.5"], KNOWN);
    expect(f.int("RUNS", 1, { min: 1 })).toBe(12);
    expect(f.decimal("FPS", 24, { above: 0 })).toBe(7.5);
    expect(benchFlags(["--fps=1e-3"], KNOWN).decimal("FPS", 24, { above: 0 })).toBe(0.001);
    expect(benchFlags([], KNOWN).int("RUNS", 30, { min: 1 })).toBe(30);
    for (const bad of ["0x10", "+5", "-5", "1e3", "2.0", " 5", "5 ", "Infinity", "five"]) {
      expect(() => benchFlags(["--runs", bad], KNOWN).int("RUNS", 1, { min: 1 }), bad).toThrow(
        `--runs must be a whole number from 1 to 9007199254740991, got ${JSON.stringify(bad)}`,
      );
    }
    for (const bad of ["0", "-1", "0x10", ".5", "5.", "+2", " 2", "NaN"]) {
      expect(() => benchFlags(["--fps", bad], KNOWN).decimal("FPS", 24, { above: 0, max: 240, why: "x" }), bad).toThrow(
        `--fps must be a number above 0 and at most 240 (x), got ${JSON.stringify(bad)}`,
      );
    }
  });

  it("refuses an empty value, unless it means none for that flag", () => {
    expect(() => benchFlags(["--runs="], KNOWN)).toThrow("--runs needs a value");
    expect(() => benchFlags(["--runs", ""], KNOWN)).toThrow("--runs needs a value");
    expect(() => benchFlags(["--runs"], KNOWN)).toThrow("--runs needs a value");
    expect(() => benchFlags(["--walk", "1"], KNOWN)).toThrow("unknown flag --walk (see --help)");
    const f = benchFlags(["--rss-seconds", ""], KNOWN, ["RSS_SECONDS"]);
    expect(f.decimals("RSS_SECONDS", "10,60", { above: 0 })).toEqual([]);
    expect(benchFlags([], KNOWN).decimals("RSS_SECONDS", "10,60", { above: 0 })).toEqual([10, 60]);
    expect(() => benchFlags(["--rss-seconds", "2,,20"], KNOWN).decimals("RSS_SECONDS", "", { above: 0 })).toThrow(
      '--rss-seconds must be numbers above 0 and at most 9007199254740991 separated by commas, got "2,,20"',
    );
  });

  it("reads a choice exactly", () => {
    expect(benchFlags(["--mode", "raw"], KNOWN).choice("MODE", ["raw", "http", "both"], "both")).toBe("raw");
    expect(() => benchFlags(["--mode", "RAW"], KNOWN).choice("MODE", ["raw", "http", "both"], "both")).toThrow(
      '--mode must be raw, http or both, got "RAW"',
    );
  });
});

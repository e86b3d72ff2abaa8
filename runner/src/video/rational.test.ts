/** @module Rationals as ffmpeg prints them, and timestamps to nanoseconds without float error. */
import { describe, expect, it } from "vitest";
import { formatRational, parseRational, ptsToNanoseconds, toNumber } from "./rational.js";

describe("rationals", () => {
  it("parses and reduces ffmpeg's forms, and refuses 0/0 and N/A", () => {
    expect(parseRational("30000/1001")).toEqual({ num: 30000, den: 1001 });
    expect(parseRational("50/2")).toEqual({ num: 25, den: 1 });
    expect(parseRational("16:9")).toEqual({ num: 16, den: 9 });
    expect(parseRational("24")).toEqual({ num: 24, den: 1 });
    for (const bad of ["0/0", "N/A", "", "1/0", "x"]) expect(parseRational(bad)).toBeUndefined();
    expect(toNumber({ num: 30000, den: 1001 })).toBeCloseTo(29.97003, 5);
    expect(formatRational({ num: 1, den: 15360 })).toBe("1/15360");
  });

  it("turns timestamps into rounded nanoseconds exactly, also past 2^53 ns", () => {
    expect(ptsToNanoseconds(1001, { num: 1, den: 30000 })).toBe(33366667n);
    expect(ptsToNanoseconds(2002, { num: 1, den: 30000 })).toBe(66733333n);
    expect(ptsToNanoseconds(1, { num: 1, den: 3 })).toBe(333333333n);
    expect(ptsToNanoseconds(2, { num: 1, den: 3 })).toBe(666666667n);
    // 30 hours at 1/90000: 9.72e9 ticks, 1.08e14 ns — exact where float math would not be.
    expect(ptsToNanoseconds(9_720_000_001, { num: 1, den: 90000 })).toBe(108_000_000_011_111n);
  });
});

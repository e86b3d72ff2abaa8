import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { HOP_HEAP_GROWING_PERCENT, heapHeadroomFlag } from "../src/process/heap-headroom.js";

describe("heapHeadroomFlag", () => {
  it("asks for the hop's growing percent when the command line sets none", () => {
    expect(heapHeadroomFlag([])).toBe(`--heap-growing-percent=${HOP_HEAP_GROWING_PERCENT}`);
    expect(heapHeadroomFlag(["--enable-source-maps", "--max-old-space-size=512"], 150)).toBe(
      "--heap-growing-percent=150",
    );
  });

  it("keeps the operator's own setting, in either spelling", () => {
    expect(heapHeadroomFlag(["--heap-growing-percent=50"])).toBeUndefined();
    expect(heapHeadroomFlag(["--heap_growing_percent=50"])).toBeUndefined();
    expect(heapHeadroomFlag(["--heap-growing-percent", "50"])).toBeUndefined();
  });

  it("refuses a percent V8 would not take", () => {
    expect(() => heapHeadroomFlag([], 0)).toThrow(RangeError);
    expect(() => heapHeadroomFlag([], 1.5)).toThrow(RangeError);
  });

  it("names a flag this Node's V8 knows and takes at run time without a warning", () => {
    const flag = heapHeadroomFlag([])!;
    const options = execFileSync(process.execPath, ["--v8-options"], { encoding: "utf8" });
    expect(options).toContain(`--${flag.slice(2).split("=")[0]} `);
    const out = execFileSync(
      process.execPath,
      ["-e", `require("node:v8").setFlagsFromString(${JSON.stringify(flag)}); console.log("ok")`],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    expect(out.trim()).toBe("ok");
  });
});

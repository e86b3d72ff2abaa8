/**
 * @module avs-bench's settings parser on its own: every numeric setting read strictly and within bounds that keep the
 * run meaningful (a timer Node can set, a test picture that fits in memory), with one message per setting that says
 * what is allowed and why — from a flag, an environment variable or the settings file alike.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "../src/index.js";

const parse = (...argv: string[]) => parseBenchArgs(argv, {});

describe("avs-bench settings", () => {
  it("bounds --timeout by Node's longest timer, with one message for every way it can be wrong", () => {
    expect(parse("--timeout", "2147483").timeoutMs).toBe(2_147_483_000);
    expect(parse("--timeout", "0.25").timeoutMs).toBe(250);
    expect(parse("--timeout", "1e-1").timeoutMs).toBe(100);
    const message =
      "timeout must be a number above 0 and at most 2147483 seconds (Node's longest timer is 2^31−1 ms), got ";
    for (const bad of ["3000000", "2147484", "0", "-1", "0x10", "abc", "Infinity", " 5", "+5", ".5"]) {
      expect(() => parse("--timeout", bad), bad).toThrow(message + JSON.stringify(bad));
    }
  });

  it("bounds --size by the test picture it builds in memory, and says so", () => {
    expect(parse("--size", "8192").size).toBe(8192);
    expect(() => parse("--size", "100000")).toThrow(
      'size must be a whole number from 8 to 8192 (px; avs-bench builds its test picture in memory before the run, size × size × 3 bytes and a PNG about as large: 192 MiB each at 8192), got "100000"',
    );
    expect(() => parse("--size", "7")).toThrow(/^size must be a whole number from 8 to 8192 .*, got "7"$/);
  });

  it("reads whole numbers as decimal digits only: no hex, sign, exponent, fraction or surrounding space", () => {
    expect(parse("--runs", "0012").runs).toBe(12);
    for (const bad of ["0x10", "+5", "-5", "1e3", "2.0", " 5", "5 ", "0b1", "", "five"]) {
      expect(() => parse(`--runs=${bad}`), bad).toThrow(
        bad === ""
          ? "--runs needs a value"
          : `runs must be a whole number from 1 to 9007199254740991, got ${JSON.stringify(bad)}`,
      );
    }
    expect(() => parse("--warmup", "-1")).toThrow('warmup must be a whole number from 0 to 9007199254740991, got "-1"');
    expect(() => parse("--steps", "0x4")).toThrow('steps must be a whole number from 1 to 9007199254740991, got "0x4"');
    expect(() => parse("--batch", "9")).toThrow(
      `batch must be a whole number from 1 to 8 (the specs' largest num_images_per_prompt), got "9"`,
    );
    expect(() => parse("--intra-op-threads", "1025")).toThrow(
      'intra-op-threads must be a whole number from 0 to 1024, got "1025"',
    );
    expect(() => parse("--pixels-per-unit", "1e6")).toThrow(/^pixels-per-unit must be a whole number from 1 to /);
    expect(() => parse("--cost-per-hour", "0")).toThrow(
      'cost-per-hour must be a number above 0 and at most 9007199254740991, got "0"',
    );
    expect(parse("--cost-per-hour", "1.2").costPerHour).toBe(1.2);
  });

  it("reads --concurrency as whole numbers separated by commas, nothing else", () => {
    expect(parse("--concurrency", "1,2,16").concurrency).toEqual([1, 2, 16]);
    for (const bad of ["0", "1025", "1,,2", "1,", "1, 2", "0x2", "2.5"]) {
      expect(() => parse("--concurrency", bad), bad).toThrow(
        `concurrency must be whole numbers from 1 to 1024 separated by commas (e.g. 1,2,4), got ${JSON.stringify(bad)}`,
      );
    }
  });

  it("applies the same rules to environment variables and the settings file", async () => {
    expect(() => parseBenchArgs([], { AVS_BENCH_TIMEOUT: "3000000" })).toThrow(/^timeout must be a number above 0/);
    expect(() => parseBenchArgs([], { AVS_BENCH_RUNS: " 7" })).toThrow("runs must be a whole number from 1 to");
    expect(parseBenchArgs([], { AVS_BENCH_RUNS: "" }).runs).toBe(20);
    const dir = await mkdtemp(join(tmpdir(), "avs-bench-settings-"));
    try {
      const file = join(dir, "settings.json");
      await writeFile(file, JSON.stringify({ runs: 5, timeout: 2.5, size: 100000 }));
      expect(() => parse("--settings", file)).toThrow(/^size must be a whole number from 8 to 8192 /);
      await writeFile(file, JSON.stringify({ runs: 5, timeout: 2.5 }));
      expect(parse("--settings", file)).toMatchObject({ runs: 5, timeoutMs: 2500 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

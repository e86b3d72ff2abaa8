/**
 * @module Reading a benchmark's flags strictly, all before any work: an empty value is refused (`--runs=` is a
 * mistake, not the default), a whole number is decimal digits only and a decimal number digits with an optional
 * fraction and exponent — no sign, hex (`0x10`), `Infinity` or surrounding space, all of which `Number()` takes —
 * and each number is checked against its range, with one message per flag that says what it allows.
 */
import { readFlags } from "@ai-video-subnet/server-kit";

const WHOLE = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** The range of a numeric flag; `above` is an exclusive lower bound (instead of `min`), `why` is quoted in its error. */
export interface Range {
  min?: number;
  above?: number;
  max?: number;
  why?: string;
}

/** A benchmark's flags, read by {@link benchFlags}. */
export interface BenchFlags {
  /** The flag's value (the last one given), or undefined. */
  text(key: string): string | undefined;
  /** A whole number (default range: from 0). */
  int(key: string, fallback: number, range?: Range): number;
  /** A decimal number such as 7.5 or 1e-3 (default range: from 0). */
  decimal(key: string, fallback: number, range?: Range): number;
  /** One of `choices`. */
  choice<C extends string>(key: string, choices: readonly C[], fallback: C): C;
  /** A comma-separated list of decimal numbers in `range`; an empty value means none where `emptyMeansNone` has the key. */
  decimals(key: string, fallback: string, range?: Range): number[];
}

/**
 * Reads `args` (flags of the `known` names, e.g. `RUNS` for `--runs`); throws on an unknown flag, a flag without a
 * value and an empty value (except for the keys of `emptyMeansNone`, whose empty value is a list of none).
 * @example const f = benchFlags(["--runs", "5"], ["RUNS"]); f.int("RUNS", 30, { min: 1 }) // 5
 */
export function benchFlags(
  args: readonly string[],
  known: readonly string[],
  emptyMeansNone: readonly string[] = [],
): BenchFlags {
  const flags = readFlags(args, known);
  for (const [key, values] of flags) {
    if (values.includes("") && !emptyMeansNone.includes(key)) throw new Error(`${flagOf(key)} needs a value`);
  }
  const text = (key: string) => flags.get(key)?.at(-1);
  const number = (key: string, fallback: number, range: Range, whole: boolean) => {
    const given = text(key);
    if (given === undefined) return fallback;
    const n = Number(given);
    const min = range.min ?? 0;
    const max = range.max ?? Number.MAX_SAFE_INTEGER;
    const low = range.above !== undefined ? n > range.above : n >= min;
    if ((whole ? WHOLE : DECIMAL).test(given) && Number.isFinite(n) && low && n <= max) return n;
    throw new Error(`${flagOf(key)} must be ${allowed(range, whole)}, got ${JSON.stringify(given)}`);
  };
  return {
    text,
    int: (key, fallback, range = {}) => number(key, fallback, range, true),
    decimal: (key, fallback, range = {}) => number(key, fallback, range, false),
    choice(key, choices, fallback) {
      const given = text(key);
      if (given === undefined) return fallback;
      const found = choices.find((c) => c === given);
      if (found !== undefined) return found;
      throw new Error(`${flagOf(key)} must be ${orList(choices)}, got ${JSON.stringify(given)}`);
    },
    decimals(key, fallback, range = {}) {
      const given = text(key) ?? fallback;
      if (given === "") return [];
      const items = given.split(",");
      const ok = (x: string) =>
        DECIMAL.test(x) && (range.above !== undefined ? +x > range.above : +x >= (range.min ?? 0));
      if (items.every(ok) && items.every((x) => +x <= (range.max ?? Number.MAX_SAFE_INTEGER))) return items.map(Number);
      throw new Error(
        `${flagOf(key)} must be numbers ${span(range)} separated by commas, got ${JSON.stringify(given)}`,
      );
    },
  };
}

/**
 * What a numeric flag allows, as its error says it.
 * @example allowed({ min: 1 }, true) // "a whole number from 1 to 9007199254740991"
 */
export function allowed(range: Range, whole: boolean): string {
  return `${whole ? "a whole number" : "a number"} ${span(range)}`;
}

function span(range: Range): string {
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const bounds =
    range.above !== undefined ? `above ${range.above} and at most ${max}` : `from ${range.min ?? 0} to ${max}`;
  return `${bounds}${range.why ? ` (${range.why})` : ""}`;
}

/** `--intra-op-threads` for `INTRA_OP_THREADS`. */
export function flagOf(key: string): string {
  return `--${key.toLowerCase().replaceAll("_", "-")}`;
}

/** `a, b or c`. */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

/** ONNX Runtime's threads, as the runner bounds `INTRA_OP_THREADS`: 0 (one per core) to 1024. */
export const THREADS: Range = { max: 1024 };

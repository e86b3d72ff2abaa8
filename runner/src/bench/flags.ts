/** @module Reading a benchmark's numeric flags, with one error message for all of them. */

/**
 * A reader of numeric flags from parsed flags (`{ RUNS: "5" }`): `num("RUNS", 30)` is the flag's value or the
 * default, and a value that is not a number ≥ 0 is an error naming the flag.
 * @example const num = numberFlags(parseFlags(args, KNOWN)); const runs = num("RUNS", 30)
 */
export function numberFlags(flags: Record<string, string | undefined>): (key: string, fallback: number) => number {
  return (key, fallback) => {
    const v = Number(flags[key] ?? fallback);
    if (!Number.isFinite(v) || v < 0)
      throw new Error(`--${key.toLowerCase().replaceAll("_", "-")} must be a number ≥ 0`);
    return v;
  };
}

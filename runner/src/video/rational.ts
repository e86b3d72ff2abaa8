/**
 * @module Rational numbers as ffmpeg writes them (`30000/1001`): frame rates and time bases are kept exact,
 * because 29.97 is not 30000/1001 and a rounded time base moves every timestamp.
 */

/** `num / den`, both integers, `den > 0`. */
export interface Rational {
  num: number;
  den: number;
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) [x, y] = [y, x % y];
  return x || 1;
}

/**
 * Parses `"30000/1001"` (or `"25"`, `"25:1"`) into a reduced rational; `undefined` for `0/0`, `N/A` and junk.
 * @example parseRational("30000/1001") // { num: 30000, den: 1001 }
 */
export function parseRational(text: string | undefined): Rational | undefined {
  const m = /^\s*(-?\d+)(?:[/:](\d+))?\s*$/.exec(text ?? "");
  if (!m) return undefined;
  const num = Number(m[1]);
  const den = m[2] === undefined ? 1 : Number(m[2]);
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den) || den === 0) return undefined;
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

/**
 * The rational as a number.
 * @example toNumber({ num: 30000, den: 1001 }) // 29.97002997…
 */
export function toNumber(r: Rational): number {
  return r.num / r.den;
}

/**
 * The rational as ffmpeg's command line takes it.
 * @example formatRational({ num: 1, den: 15360 }) // "1/15360"
 */
export function formatRational(r: Rational): string {
  return `${r.num}/${r.den}`;
}

/**
 * A timestamp `pts` in time base `tb` as integer nanoseconds, rounded to the nearest (exact in BigInt).
 * @example ptsToNanoseconds(1001, { num: 1, den: 30000 }) // 33366667n
 */
export function ptsToNanoseconds(pts: number, tb: Rational): bigint {
  const n = BigInt(pts) * BigInt(tb.num) * 1_000_000_000n;
  const d = BigInt(tb.den);
  const q = n / d;
  const r = n % d;
  // Round half away from zero, as ffmpeg's av_rescale does.
  if (2n * (r < 0n ? -r : r) >= d) return q + (n < 0n ? -1n : 1n);
  return q;
}

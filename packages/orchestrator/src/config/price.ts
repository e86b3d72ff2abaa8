/**
 * @module The bounds of an entry's price (`price_per_unit`, `pixels_per_unit`), chosen so that the price `/info`
 * advertises is the number the operator wrote, and so that what a job costs — price_per_unit × work units ÷
 * pixels_per_unit, in doubles, by whoever counts it — stays a finite, normal double with its full precision for any
 * job of up to 2^53 units (server-kit counts units as doubles, exact below 2^53).
 */

/** The largest `price_per_unit`: × 2^53 units it is about 9e30, far below where a double overflows (1.8e308). */
export const MAX_PRICE = 1e15;
/**
 * The smallest `price_per_unit` above 0 (1e-18, one atto-unit: a USD price per pixel × step is about 1e-11, a wei
 * price about 1e6): ÷ the largest pixels_per_unit it is about 1e-34, far above where a double loses precision
 * (subnormals below 2.2e-308).
 */
export const MIN_PRICE = 1e-18;
/** The largest `pixels_per_unit`: the largest integer a double holds exactly (2^53 − 1). */
export const MAX_PIXELS_PER_UNIT = Number.MAX_SAFE_INTEGER;
/** A double holds every decimal of up to 15 significant digits exactly as written (IEEE 754 binary64). */
export const MAX_SIGNIFICANT_DIGITS = 15;

/** A plain decimal as a string: `0.5`, `4768371`, `.5e-11` (no hex, binary, `Infinity` or separators). */
const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** What `price_per_unit` may be, for messages. */
export const PRICE_RANGE = `0, or a decimal from 1e-18 to 1e15 with at most ${MAX_SIGNIFICANT_DIGITS} significant digits`;
/** What `pixels_per_unit` may be, for messages. */
export const PIXELS_PER_UNIT_RANGE = `an integer from 1 to ${MAX_PIXELS_PER_UNIT} (2^53 − 1)`;

/**
 * Checks a `price_per_unit` (a number, or a numeric string such as `"0.5e-11"`): the number, or why not.
 * @example checkPrice("0.5e-11") // 5e-12
 * @example checkPrice(1e308) // "must be 0, or a decimal from 1e-18 to 1000000000000000 …, got 1e+308"
 */
export function checkPrice(value: number | string): number | string {
  // String(-0) is "0": a -0 from JSON is told apart here.
  // A string is read as written (Livepeer's JSON rationals are: no spaces around it).
  const text = typeof value === "string" ? value : Object.is(value, -0) ? "-0" : String(value);
  const shown = typeof value === "string" ? JSON.stringify(value) : text;
  const refused = (why = "") => `must be ${PRICE_RANGE}${why}, got ${shown}`;
  if (!DECIMAL.test(text)) return refused();
  const n = Number(text);
  if (text.startsWith("-")) return refused(n === 0 ? " (not -0: write 0)" : "");
  if (n !== 0 && (n < MIN_PRICE || n > MAX_PRICE)) return refused();
  if (significantDigits(text) > MAX_SIGNIFICANT_DIGITS) {
    return refused(" (a double keeps 15 significant digits; the rest would be advertised rounded)");
  }
  return n;
}

/**
 * Checks a `pixels_per_unit` (a number, or a numeric string): the number, or why not.
 * @example checkPixelsPerUnit("1") // 1
 */
export function checkPixelsPerUnit(value: number | string): number | string {
  const text = String(value);
  const n = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PIXELS_PER_UNIT) {
    return `must be ${PIXELS_PER_UNIT_RANGE}, got ${JSON.stringify(value)}`;
  }
  return n;
}

/** The significant digits of a decimal as written, leading and trailing zeros aside: `0.00120e5` → 2. */
function significantDigits(text: string): number {
  const mantissa = text.replace(/^-/, "").split(/e/i)[0]!;
  return mantissa.replace(".", "").replace(/^0+/, "").replace(/0+$/, "").length;
}

/**
 * @module The strict grammar of avs-bench's numeric settings: a whole number is decimal digits only, a decimal number
 * digits with an optional fraction and exponent — no sign, hex (`0x10`), binary, `Infinity` or surrounding space, all
 * of which `Number()` would take, so that a typo is refused rather than read as something else.
 */
import { boundsOf, type Setting, SettingsError } from "@ai-video-subnet/server-kit";

const WHOLE = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** What a numeric setting allows beyond its `Setting`: an exclusive lower bound, and why its bounds are where they are. */
export interface NumberRule {
  /** The value must be greater than this (instead of the setting's `min`). */
  above?: number;
  /** Appended to the message in brackets, e.g. "Node's longest timer, 2^31−1 ms". */
  why?: string;
}

/**
 * What a numeric setting allows, as its error message says it.
 * @example allowed({ name: "runs", kind: "integer", min: 1, max: 9, help: "" }) // "a whole number from 1 to 9"
 */
export function allowed(s: Setting, rule: NumberRule = {}): string {
  const [min, max] = boundsOf(s);
  const unit = s.unit === "s" ? " seconds" : s.unit === "ms" ? " ms" : "";
  const what = s.kind === "integer" ? "a whole number" : "a number";
  const range = rule.above !== undefined ? `above ${rule.above} and at most ${max}` : `from ${min} to ${max}`;
  return `${what} ${range}${unit}${rule.why ? ` (${rule.why})` : ""}`;
}

/**
 * Reads a numeric setting's text strictly, within its bounds; throws a {@link SettingsError} naming the setting and
 * what it allows (one message for every way the text can be wrong).
 * @example readNumber({ name: "timeout", kind: "number", unit: "s", help: "" }, "2.5", { above: 0 }) // 2.5
 */
export function readNumber(s: Setting, text: string, rule: NumberRule = {}): number {
  const [min, max] = boundsOf(s);
  const n = Number(text);
  const low = rule.above !== undefined ? n > rule.above : n >= min;
  if ((s.kind === "integer" ? WHOLE : DECIMAL).test(text) && Number.isFinite(n) && low && n <= max) return n;
  throw new SettingsError(`${s.name} must be ${allowed(s, rule)}, got ${JSON.stringify(text)}`);
}

/**
 * Reads a comma-separated list of whole numbers (`1,2,4`), each within the setting's bounds, as strictly.
 * @example readWholeList({ name: "concurrency", kind: "string", min: 1, max: 1024, help: "" }, "1,2,4") // [1, 2, 4]
 */
export function readWholeList(s: Setting, text: string): number[] {
  const [min, max] = boundsOf(s);
  const items = text.split(",");
  if (items.every((x) => WHOLE.test(x) && Number(x) >= min && Number(x) <= max)) return items.map(Number);
  throw new SettingsError(
    `${s.name} must be whole numbers from ${min} to ${max} separated by commas (e.g. 1,2,4), got ${JSON.stringify(text)}`,
  );
}

/**
 * @module The nesting depth of a JSON text, measured on the text before it is parsed: a body nested thousands of
 * levels deep parses (V8's parser is iterative) but overflows the stack of anything that walks it recursively
 * afterwards (Ajv, JSON.stringify in a message), so it is refused up front.
 */

/** The deepest nesting of objects and arrays a JSON request body may have. */
export const MAX_JSON_DEPTH = 32;

/**
 * True when `text` opens more than `limit` objects/arrays inside each other (brackets inside strings do not count).
 * @example tooDeep("[[[1]]]", 2) // true
 * @example tooDeep('{"a":"[[[["}', 2) // false
 */
export function tooDeep(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > limit) return true;
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return false;
}

/**
 * @module Headers taken at the SDK's boundary (the client's, a call's, `submit`'s). `Headers` refuses a value it
 * cannot carry with a TypeError that quotes it, and the value may be a secret: here the refusal names the header and
 * the character instead.
 */
import type { HeadersLike } from "../options.js";

/**
 * Why `value` cannot be a header's value, or "" when it can: its first character past U+00FF, NUL, CR or LF, HTTP
 * whitespace at either end aside (`Headers` trims it), and that character's index, counted after `skip` characters.
 *
 * @example
 * badCharacter("a\nb"); // "has U+000A at index 1; a header takes characters up to U+00FF but NUL, CR and LF"
 */
export function badCharacter(value: string, skip = 0): string {
  const v = value.replace(/[\t\n\r ]+$/, "");
  const at = /^[\t\n\r ]*[^\0\r\n\u0100-\uffff]*/.exec(v)![0].length;
  const code = v.charCodeAt(at).toString(16).toUpperCase().padStart(4, "0");
  return at < v.length
    ? `has U+${code} at index ${at - skip}; a header takes characters up to U+00FF but NUL, CR and LF`
    : "";
}

/**
 * `init` as `Headers`, or `refuse(problem)` thrown: a problem names the header whose name is no token or whose value
 * has a character a header cannot carry, never quoting the value. The platform's error is not kept as a cause.
 *
 * @example
 * toHeaders({ "X-Token": "a\nb" }, (p) => new TypeError(p)); // TypeError: header "X-Token" has U+000A at index 1; …
 */
export function toHeaders(init: HeadersLike | undefined, refuse: (problem: string) => Error): Headers {
  try {
    return new Headers(init);
  } catch {
    let problem = "headers must be a Headers, a record or [name, value] pairs";
    try {
      for (const [name, value] of Array.isArray(init) ? init : Object.entries(init as object)) {
        const bad = badCharacter(`${value}`);
        if (!/^[\w!#$%&'*+.^`|~-]+$/.test(name)) {
          problem = `header name ${JSON.stringify(name)} is not a token: letters, digits and !#$%&'*+-.^_\`|~`;
        } else if (bad) problem = `header ${JSON.stringify(name)} ${bad} (the value is not shown)`;
        else continue;
        break;
      }
    } catch {}
    throw refuse(problem);
  }
}

/**
 * @module Text the job stores can keep. PostgreSQL holds no U+0000 in `text` or `jsonb`, nor an unpaired UTF-16
 * surrogate in `jsonb` ("unsupported Unicode escape sequence", "invalid input syntax for type json"): a write carrying
 * one fails every time it is made. A caller's request with such text is refused before it becomes a job (see
 * {@link unstorableText}); text from others that a job only reports — an orchestrator's error message or progress
 * stage, a webhook receiver's answer — is kept with U+FFFD in their place (see {@link storable}).
 */

/** U+0000, or a surrogate not in a pair (a high one not followed by a low one, a low one not preceded by a high one). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is the very character looked for.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, "g");

/**
 * What in `value` (a string, or strings and keys anywhere inside arrays and objects) a job store cannot keep, said
 * for a message, or undefined when it can keep all of it.
 * @example unstorableText("a\u0000b") // "U+0000 at character 2"
 */
export function unstorableText(value: unknown): string | undefined {
  if (typeof value === "string") {
    const m = UNSTORABLE.exec(value);
    if (!m) return undefined;
    const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    const what = code === "0000" ? "U+0000" : `an unpaired UTF-16 surrogate (U+${code})`;
    return `${what} at character ${m.index + 1}`;
  }
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = unstorableText(v);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const found = unstorableText(k) ?? unstorableText(v);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * `value` with every U+0000 and unpaired surrogate of its strings (and object keys) replaced by U+FFFD: what a job
 * reports of others' text. Values without any are returned as they are.
 * @example storable({ msg: "bad a\u0000b" }) // { msg: "bad a\ufffdb" }
 */
export function storable<T>(value: T): T {
  if (unstorableText(value) === undefined) return value;
  return replaced(value) as T;
}

function replaced(value: unknown): unknown {
  if (typeof value === "string") return value.replace(UNSTORABLE_ALL, "\ufffd");
  if (Array.isArray(value)) return value.map(replaced);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [replaced(k), replaced(v)]));
  }
  return value;
}

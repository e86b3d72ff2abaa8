/**
 * @module JSON as Python's `json` module writes it, which also emits the bare tokens `NaN`, `Infinity` and `-Infinity`
 * for non-finite floats (diffusers' `scheduler_config.json` of DPM-Solver carries `"lambda_min_clipped": -Infinity`).
 */

const TOKENS = [
  ["-Infinity", Number.NEGATIVE_INFINITY],
  ["Infinity", Number.POSITIVE_INFINITY],
  ["NaN", Number.NaN],
] as const;

/**
 * `JSON.parse`, accepting `NaN`, `Infinity` and `-Infinity` as values (outside strings) the way Python writes them.
 *
 * @throws {SyntaxError} for anything else that is not JSON.
 * @example
 * parsePythonJson('{"lambda_min_clipped": -Infinity}'); // { lambda_min_clipped: -Infinity }
 */
export function parsePythonJson(text: string): unknown {
  if (!/NaN|Infinity/.test(text)) return JSON.parse(text);
  // Each token becomes a string no JSON text of this input contains, and the reviver turns it back into a number.
  let marker = "\u0001py-json";
  while (text.includes(marker)) marker += "~";
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    const token = TOKENS.find(([t]) => text.startsWith(t, i));
    if (token) {
      out += JSON.stringify(`${marker}${token[0]}`);
      i += token[0].length - 1;
    } else {
      out += c;
    }
  }
  const values = new Map<string, number>(TOKENS.map(([t, v]) => [`${marker}${t}`, v]));
  return JSON.parse(out, (_key, value) => (typeof value === "string" && values.has(value) ? values.get(value) : value));
}
